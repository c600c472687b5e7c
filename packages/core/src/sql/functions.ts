import { ArgumentError } from "../errors.ts";
import { Integer } from "../types/integer-types.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType, TypeArg } from "../types/sql-type.ts";
import { resolveType } from "../types/sql-type.ts";
import { String as stringType } from "../types/string-types.ts";
import { ColumnElement, literal, type Ordering } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";

/** An argument of a SQL function: an expression, or a JS value sent as a bound parameter. */
export type FunctionArgument = ColumnElement<unknown> | string | number | bigint | boolean | null;

export interface WindowSpec {
  partitionBy?: readonly ColumnElement<unknown>[];
  orderBy?: readonly (ColumnElement<unknown> | Ordering)[];
}

/**
 * name(arguments), optionally an aggregate with DISTINCT, FILTER (WHERE ...) or OVER (...). Function
 * names are written into the SQL unquoted, so only plain identifiers (optionally schema-qualified)
 * are accepted.
 */
export class FunctionElement<T> extends ColumnElement<T> {
  declare readonly kind: "function";
  declare readonly name: string;
  declare readonly args: readonly ColumnElement<unknown>[];
  declare readonly type: SqlType<unknown>;
  /** count(*): the argument list is a star. */
  declare readonly star: boolean;
  declare readonly distinctArgs: boolean;
  declare readonly filterCondition: ColumnElement<unknown> | undefined;
  declare readonly window: WindowSpec | undefined;

  constructor(
    name: string,
    args: readonly ColumnElement<unknown>[],
    type: SqlType<unknown>,
    modifiers: {
      star?: boolean;
      distinct?: boolean;
      filter?: ColumnElement<unknown> | undefined;
      over?: WindowSpec | undefined;
    } = {},
  ) {
    super();
    if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(name)) {
      throw new ArgumentError(`not a SQL function name: ${JSON.stringify(name)}`);
    }
    this.kind = "function";
    this.name = name;
    this.args = args;
    this.type = type;
    this.star = modifiers.star ?? false;
    this.distinctArgs = modifiers.distinct ?? false;
    this.filterCondition = modifiers.filter;
    this.window = modifiers.over;
  }

  override get selectName(): string {
    return this.name.slice(this.name.lastIndexOf(".") + 1);
  }

  /** An aggregate over distinct values: count(DISTINCT x). */
  distinct(): FunctionElement<T> {
    return this.with({ distinct: true });
  }

  /** An aggregate over the rows that pass: count(*) FILTER (WHERE ...). */
  filter(condition: ColumnElement<boolean | null>): FunctionElement<T> {
    return this.with({ filter: condition });
  }

  /** A window function: rank() OVER (PARTITION BY ... ORDER BY ...). */
  over(window: WindowSpec = {}): FunctionElement<T> {
    return this.with({ over: window });
  }

  private with(change: {
    distinct?: boolean;
    filter?: ColumnElement<unknown>;
    over?: WindowSpec;
  }): FunctionElement<T> {
    return new FunctionElement<T>(this.name, this.args, this.type, {
      star: this.star,
      distinct: change.distinct ?? this.distinctArgs,
      filter: change.filter ?? this.filterCondition,
      over: change.over ?? this.window,
    });
  }

  shape(context: ShapeContext): void {
    context.add("f");
    context.add(this.name);
    context.add(this.star ? "*" : this.distinctArgs ? "distinct" : "(");
    for (const arg of this.args) {
      arg.shape(context);
      context.add(",");
    }
    context.add(")");
    if (this.filterCondition !== undefined) {
      context.add("filter(");
      this.filterCondition.shape(context);
      context.add(")");
    }
    if (this.window !== undefined) {
      context.add("over(");
      for (const item of this.window.partitionBy ?? []) item.shape(context);
      context.add(";");
      for (const item of this.window.orderBy ?? []) item.shape(context);
      context.add(")");
    }
  }

  get children(): readonly SqlElement[] {
    return [
      ...this.args,
      ...(this.filterCondition === undefined ? [] : [this.filterCondition]),
      ...(this.window?.partitionBy ?? []),
      ...(this.window?.orderBy ?? []),
    ];
  }
}

function argument(value: FunctionArgument): ColumnElement<unknown> {
  return value instanceof ColumnElement ? value : literal(value);
}

function call<T>(
  name: string,
  type: SqlType<unknown>,
  args: readonly FunctionArgument[],
): FunctionElement<T> {
  return new FunctionElement<T>(name, args.map(argument), type);
}

type ValueOf<E> = E extends ColumnElement<infer T> ? T : E;

/** The typed functions; any other name is available untyped (`func.lower(x)`, `func.json_agg(x)`). */
export interface KnownFunctions {
  /** count(*) with no argument; count(x) counts non-null values. */
  count(expression?: ColumnElement<unknown>): FunctionElement<number>;
  sum<T extends number | bigint | string | null>(expression: ColumnElement<T>): FunctionElement<T | null>;
  avg(expression: ColumnElement<unknown>): FunctionElement<unknown>;
  min<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  max<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  coalesce<A extends FunctionArgument, B extends FunctionArgument>(
    first: A,
    ...rest: B[]
  ): FunctionElement<NonNullable<ValueOf<A>> | ValueOf<B>>;
  lower(expression: ColumnElement<string | null>): FunctionElement<string | null>;
  upper(expression: ColumnElement<string | null>): FunctionElement<string | null>;
  length(expression: ColumnElement<string | null>): FunctionElement<number | null>;
  /** Any function by name, with an explicit return type: `func.call("to_char", [x, "YYYY"], Text)`. */
  call<T = unknown>(
    name: string,
    args: readonly FunctionArgument[],
    returns?: TypeArg<T>,
  ): FunctionElement<T>;
}

/** Untyped access to any SQL function by name. */
export type AnyFunction = (...args: FunctionArgument[]) => FunctionElement<unknown>;

const known: KnownFunctions = {
  count: (expression) =>
    expression === undefined
      ? new FunctionElement<number>("count", [], Integer(), { star: true })
      : call("count", Integer(), [expression]),
  sum: (expression) => call("sum", expression.type, [expression]),
  avg: (expression) => call("avg", nullType, [expression]),
  min: (expression) => call("min", expression.type, [expression]),
  max: (expression) => call("max", expression.type, [expression]),
  coalesce: (first, ...rest) =>
    call("coalesce", first instanceof ColumnElement ? first.type : argument(first).type, [first, ...rest]),
  lower: (expression) => call("lower", stringType(), [expression]),
  upper: (expression) => call("upper", stringType(), [expression]),
  length: (expression) => call("length", Integer(), [expression]),
  call: (name, args, returns) => call(name, returns === undefined ? nullType : resolveType(returns), args),
};

/**
 * SQL functions: `func.count()`, `func.max(t.c.x)`, and any other by name, untyped:
 * `func.to_char(t.c.created, "YYYY")`. Date/time functions such as `func.now()` come typed with the
 * date types.
 */
export const func: KnownFunctions & Record<string, AnyFunction> = new Proxy(
  known as KnownFunctions & Record<string, AnyFunction>,
  {
    get(target, property, receiver) {
      if (typeof property !== "string") return Reflect.get(target, property, receiver);
      if (Object.hasOwn(target, property)) return Reflect.get(target, property, receiver);
      return (...args: FunctionArgument[]) => call(property, nullType, args);
    },
  },
);
