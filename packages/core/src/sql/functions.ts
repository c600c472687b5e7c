import { ArgumentError } from "../errors.ts";
import { ARRAY } from "../types/array-type.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { DateTime, Date as dateType } from "../types/datetime-types.ts";
import { Float } from "../types/float-type.ts";
import { Integer } from "../types/integer-types.ts";
import { JSONB as jsonbType, JSON as jsonType } from "../types/json-types.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType, TypeArg } from "../types/sql-type.ts";
import { resolveType } from "../types/sql-type.ts";
import { String as stringType } from "../types/string-types.ts";
import { UUID } from "../types/uuid-type.ts";
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
  /** CURRENT_TIMESTAMP and kin: SQL-standard functions written without parentheses. */
  declare readonly bare: boolean;
  declare readonly distinctArgs: boolean;
  declare readonly filterCondition: ColumnElement<unknown> | undefined;
  declare readonly window: WindowSpec | undefined;

  constructor(
    name: string,
    args: readonly ColumnElement<unknown>[],
    type: SqlType<unknown>,
    modifiers: {
      star?: boolean;
      bare?: boolean;
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
    this.bare = modifiers.bare ?? false;
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
      bare: this.bare,
      distinct: change.distinct ?? this.distinctArgs,
      filter: change.filter ?? this.filterCondition,
      over: change.over ?? this.window,
    });
  }

  shape(context: ShapeContext): void {
    context.add("f");
    context.add(this.name);
    context.add(this.bare ? "bare" : this.star ? "*" : this.distinctArgs ? "distinct" : "(");
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
type Arg = FunctionArgument;
/** A function of any arguments returning T. */
type Fn<T> = (...args: Arg[]) => FunctionElement<T>;

/**
 * Typed functions, by name (PostgreSQL's). Every one is a real property, so it type-checks under
 * `noUncheckedIndexedAccess`; any other name still works untyped through the proxy (`func.foo(x)`),
 * or through `func.call(name, args, returnType)`.
 */
export interface KnownFunctions {
  /** count(*) with no argument; count(x) counts non-null values. */
  count(expression?: ColumnElement<unknown>): FunctionElement<number>;
  sum<T extends number | bigint | string | null>(expression: ColumnElement<T>): FunctionElement<T | null>;
  avg(expression: ColumnElement<unknown>): FunctionElement<unknown>;
  min<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  max<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  coalesce<A extends Arg, B extends Arg>(
    first: A,
    ...rest: B[]
  ): FunctionElement<NonNullable<ValueOf<A>> | ValueOf<B>>;
  nullif<T>(value: ColumnElement<T>, other: Arg): FunctionElement<T | null>;
  greatest<T>(first: ColumnElement<T>, ...rest: Arg[]): FunctionElement<T>;
  least<T>(first: ColumnElement<T>, ...rest: Arg[]): FunctionElement<T>;
  abs<T>(expression: ColumnElement<T>): FunctionElement<T>;
  round<T>(expression: ColumnElement<T>, digits?: Arg): FunctionElement<T>;
  ceil<T>(expression: ColumnElement<T>): FunctionElement<T>;
  floor<T>(expression: ColumnElement<T>): FunctionElement<T>;
  random(): FunctionElement<number>;
  lower(expression: ColumnElement<string | null>): FunctionElement<string | null>;
  upper(expression: ColumnElement<string | null>): FunctionElement<string | null>;
  length(expression: ColumnElement<string | null>): FunctionElement<number | null>;
  char_length(expression: ColumnElement<string | null>): FunctionElement<number | null>;
  concat: Fn<string>;
  concat_ws: Fn<string>;
  trim: Fn<string | null>;
  ltrim: Fn<string | null>;
  rtrim: Fn<string | null>;
  replace: Fn<string | null>;
  substr: Fn<string | null>;
  left: Fn<string | null>;
  right: Fn<string | null>;
  split_part: Fn<string | null>;
  initcap: Fn<string | null>;
  reverse: Fn<string | null>;
  repeat: Fn<string | null>;
  md5: Fn<string | null>;
  to_char: Fn<string | null>;
  strpos: Fn<number | null>;
  /** now() / transaction start: a timestamp with time zone. */
  now(): FunctionElement<Date>;
  clock_timestamp(): FunctionElement<Date>;
  statement_timestamp(): FunctionElement<Date>;
  transaction_timestamp(): FunctionElement<Date>;
  /** CURRENT_TIMESTAMP (written without parentheses, as SQL requires). */
  current_timestamp(): FunctionElement<Date>;
  /** CURRENT_DATE, as "YYYY-MM-DD". */
  current_date(): FunctionElement<string>;
  date_trunc<T>(field: string, expression: ColumnElement<T>): FunctionElement<T>;
  date_part(field: string, expression: ColumnElement<unknown>): FunctionElement<number | null>;
  gen_random_uuid(): FunctionElement<string>;
  row_number(): FunctionElement<number>;
  rank(): FunctionElement<number>;
  dense_rank(): FunctionElement<number>;
  ntile(buckets: Arg): FunctionElement<number>;
  lag<T>(expression: ColumnElement<T>, offset?: Arg, fallback?: Arg): FunctionElement<T | null>;
  lead<T>(expression: ColumnElement<T>, offset?: Arg, fallback?: Arg): FunctionElement<T | null>;
  first_value<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  last_value<T>(expression: ColumnElement<T>): FunctionElement<T | null>;
  bool_and(expression: ColumnElement<boolean | null>): FunctionElement<boolean | null>;
  bool_or(expression: ColumnElement<boolean | null>): FunctionElement<boolean | null>;
  array_agg<T>(expression: ColumnElement<T>): FunctionElement<T[] | null>;
  string_agg(expression: ColumnElement<string | null>, separator: Arg): FunctionElement<string | null>;
  json_agg: Fn<unknown>;
  jsonb_agg: Fn<unknown>;
  json_build_object: Fn<unknown>;
  jsonb_build_object: Fn<unknown>;
  to_json: Fn<unknown>;
  to_jsonb: Fn<unknown>;
  /** Any function by name, with an explicit return type: `func.call("to_char", [x, "YYYY"], Text)`. */
  call<T = unknown>(name: string, args: readonly Arg[], returns?: TypeArg<T>): FunctionElement<T>;
}

/** Untyped access to any SQL function by name. */
export type AnyFunction = (...args: FunctionArgument[]) => FunctionElement<unknown>;

const first = (args: readonly Arg[]): SqlType<unknown> =>
  args[0] === undefined ? nullType : argument(args[0]).type;
const typed =
  <T>(name: string, type: () => SqlType<unknown>): Fn<T> =>
  (...args) =>
    call<T>(name, type(), args);
const sameAsFirst =
  <T>(name: string) =>
  (...args: Arg[]): FunctionElement<T> =>
    call<T>(name, first(args), args);
const textFn = <T>(name: string) => typed<T>(name, stringType);
const intFn = <T>(name: string) => typed<T>(name, Integer);
const timestamp = () => DateTime({ timezone: true });
/** SQL-standard functions written without parentheses. */
const bare =
  <T>(name: string, type: () => SqlType<unknown>) =>
  (): FunctionElement<T> =>
    new FunctionElement<T>(name, [], type(), { bare: true });

const known: KnownFunctions = {
  count: (expression) =>
    expression === undefined
      ? new FunctionElement<number>("count", [], Integer(), { star: true })
      : call("count", Integer(), [expression]),
  sum: (expression) => call("sum", expression.type, [expression]),
  avg: (expression) => call("avg", nullType, [expression]),
  min: (expression) => call("min", expression.type, [expression]),
  max: (expression) => call("max", expression.type, [expression]),
  coalesce: (head, ...rest) => call("coalesce", argument(head).type, [head, ...rest]),
  nullif: (value, other) => call("nullif", value.type, [value, other]),
  greatest: (head, ...rest) => call("greatest", head.type, [head, ...rest]),
  least: (head, ...rest) => call("least", head.type, [head, ...rest]),
  abs: sameAsFirst("abs"),
  round: (expression, digits) =>
    call("round", expression.type, digits === undefined ? [expression] : [expression, digits]),
  ceil: sameAsFirst("ceil"),
  floor: sameAsFirst("floor"),
  random: typed("random", Float),
  lower: textFn("lower"),
  upper: textFn("upper"),
  length: intFn("length"),
  char_length: intFn("char_length"),
  concat: textFn("concat"),
  concat_ws: textFn("concat_ws"),
  trim: textFn("trim"),
  ltrim: textFn("ltrim"),
  rtrim: textFn("rtrim"),
  replace: textFn("replace"),
  substr: textFn("substr"),
  left: textFn("left"),
  right: textFn("right"),
  split_part: textFn("split_part"),
  initcap: textFn("initcap"),
  reverse: textFn("reverse"),
  repeat: textFn("repeat"),
  md5: textFn("md5"),
  to_char: textFn("to_char"),
  strpos: intFn("strpos"),
  now: typed("now", timestamp),
  clock_timestamp: typed("clock_timestamp", timestamp),
  statement_timestamp: typed("statement_timestamp", timestamp),
  transaction_timestamp: typed("transaction_timestamp", timestamp),
  current_timestamp: bare("current_timestamp", timestamp),
  current_date: bare("current_date", dateType),
  date_trunc: (field, expression) => call("date_trunc", expression.type, [field, expression]),
  date_part: (field, expression) => call("date_part", Float(), [field, expression]),
  gen_random_uuid: typed("gen_random_uuid", UUID),
  row_number: intFn("row_number"),
  rank: intFn("rank"),
  dense_rank: intFn("dense_rank"),
  ntile: intFn("ntile"),
  lag: (expression, ...rest) =>
    call("lag", expression.type, [expression, ...rest.filter((arg) => arg !== undefined)]),
  lead: (expression, ...rest) =>
    call("lead", expression.type, [expression, ...rest.filter((arg) => arg !== undefined)]),
  first_value: sameAsFirst("first_value"),
  last_value: sameAsFirst("last_value"),
  bool_and: typed("bool_and", booleanType),
  bool_or: typed("bool_or", booleanType),
  array_agg: (expression) => call("array_agg", ARRAY(expression.type), [expression]),
  string_agg: (expression, separator) => call("string_agg", stringType(), [expression, separator]),
  json_agg: typed("json_agg", jsonType),
  jsonb_agg: typed("jsonb_agg", jsonbType),
  json_build_object: typed("json_build_object", jsonType),
  jsonb_build_object: typed("jsonb_build_object", jsonbType),
  to_json: typed("to_json", jsonType),
  to_jsonb: typed("to_jsonb", jsonbType),
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
