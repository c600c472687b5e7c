import { ArgumentError } from "../errors.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { SafeBigInteger } from "../types/integer-types.ts";
import {
  BindParameter,
  type ColumnElement,
  Label,
  type Ordering,
  type RowSource,
  UnaryExpression,
} from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import { Executable, type ResultColumn } from "./executable.ts";
import type { ColumnClause } from "./from-clause.ts";
import { Cte, ScalarSubquery, Subquery } from "./subquery.ts";

export type SetOperator = "union" | "intersect" | "except";

/** The parts every row-returning SELECT has, and what it can become (subquery, CTE, scalar...). */
export interface SelectCommon {
  readonly orderByClause: readonly (ColumnElement<unknown> | Ordering)[];
  readonly limitClause: BindParameter<number> | undefined;
  readonly offsetClause: BindParameter<number> | undefined;
}

/**
 * The base of SELECT and compound SELECT (UNION ...): ordering, limit and offset, and the ways a
 * SELECT is used inside other statements.
 */
export abstract class SelectBase<Columns = unknown> extends Executable implements RowSource, SelectCommon {
  declare readonly returnsRows: true;
  declare readonly orderByClause: readonly (ColumnElement<unknown> | Ordering)[];
  declare readonly limitClause: BindParameter<number> | undefined;
  declare readonly offsetClause: BindParameter<number> | undefined;

  constructor(common?: SelectCommon) {
    super();
    this.returnsRows = true;
    this.orderByClause = common?.orderByClause ?? [];
    this.limitClause = common?.limitClause;
    this.offsetClause = common?.offsetClause;
  }

  /** The named columns this SELECT offers to a subquery or CTE made of it. */
  abstract get exportedColumns(): Readonly<Record<string, ColumnClause<unknown>>>;

  /** The columns of its rows, in order. */
  abstract override get resultColumns(): readonly ResultColumn[];

  /** A copy with other ordering / limit / offset. */
  protected abstract withCommon(common: SelectCommon): this;

  orderBy(...items: (ColumnElement<unknown> | Ordering)[]): this {
    return this.withCommon({ ...this.common, orderByClause: [...this.orderByClause, ...items] });
  }

  limit(count: number): this {
    return this.withCommon({ ...this.common, limitClause: countBind("limit", count) });
  }

  offset(count: number): this {
    return this.withCommon({ ...this.common, offsetClause: countBind("offset", count) });
  }

  protected get common(): SelectCommon {
    return {
      orderByClause: this.orderByClause,
      limitClause: this.limitClause,
      offsetClause: this.offsetClause,
    };
  }

  /** This SELECT as a FROM item: `(select ...) as name` (anon_N without a name). */
  subquery(name?: string): Subquery<Columns> {
    return new Subquery<Columns>(this, name);
  }

  /** The same as subquery(name). */
  alias(name?: string): Subquery<Columns> {
    return this.subquery(name);
  }

  /** This SELECT as a common table expression, defined in the WITH clause of the statement using it. */
  cte(name?: string, options?: { recursive?: boolean }): Cte<Columns> {
    return new Cte<Columns>(this, name, options?.recursive ?? false);
  }

  /** This one-column SELECT as a value: `(select ...)`. */
  scalarSubquery<T = unknown>(): ScalarSubquery<T> {
    const [first, ...rest] = this.resultColumns;
    if (first === undefined || rest.length > 0) {
      throw new ArgumentError(
        `a scalar subquery selects exactly one column, not ${this.resultColumns.length}`,
      );
    }
    return new ScalarSubquery<T>(this, first.type);
  }

  /** EXISTS (this SELECT). */
  exists(): ColumnElement<boolean> {
    return new UnaryExpression<boolean>(this, "exists", booleanType());
  }

  /** The scalar subquery, labelled. */
  label<N extends string, T = unknown>(name: N): Label<T, N> {
    return new Label<T, N>(this.scalarSubquery<T>(), name);
  }

  union(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "union", false, others);
  }
  unionAll(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "union", true, others);
  }
  intersect(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "intersect", false, others);
  }
  intersectAll(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "intersect", true, others);
  }
  except(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "except", false, others);
  }
  exceptAll(...others: SelectBase[]): CompoundSelect<Columns> {
    return compound(this, "except", true, others);
  }
}

function compound<Columns>(
  first: SelectBase<Columns>,
  operator: SetOperator,
  all: boolean,
  others: readonly SelectBase[],
): CompoundSelect<Columns> {
  if (others.length === 0) throw new ArgumentError(`${operator}() needs at least one other SELECT`);
  return new CompoundSelect<Columns>(
    first,
    others.map((select) => ({ operator, all, select })),
  );
}

/** One member after the first of a compound SELECT: UNION [ALL] / INTERSECT / EXCEPT select. */
export interface CompoundMember {
  readonly operator: SetOperator;
  readonly all: boolean;
  readonly select: SelectBase;
}

/**
 * SELECT ... UNION [ALL] SELECT ... (and INTERSECT, EXCEPT). Its ORDER BY / LIMIT / OFFSET apply to
 * the whole; its columns are the first SELECT's.
 */
export class CompoundSelect<Columns = unknown> extends SelectBase<Columns> {
  declare readonly kind: "compoundSelect";
  declare readonly first: SelectBase;
  declare readonly members: readonly CompoundMember[];

  constructor(first: SelectBase, members: readonly CompoundMember[], common?: SelectCommon) {
    super(common);
    this.kind = "compoundSelect";
    this.first = first;
    this.members = members;
  }

  get exportedColumns(): Readonly<Record<string, ColumnClause<unknown>>> {
    return this.first.exportedColumns;
  }

  override get resultColumns(): readonly ResultColumn[] {
    return this.first.resultColumns;
  }

  protected withCommon(common: SelectCommon): this {
    return new CompoundSelect<Columns>(this.first, this.members, common) as this;
  }

  override union(...others: SelectBase[]): CompoundSelect<Columns> {
    return this.extend("union", false, others);
  }
  override unionAll(...others: SelectBase[]): CompoundSelect<Columns> {
    return this.extend("union", true, others);
  }

  /** A plain compound keeps growing flat (a UNION b UNION c); one with ORDER BY/LIMIT nests. */
  private extend(
    operator: SetOperator,
    all: boolean,
    others: readonly SelectBase[],
  ): CompoundSelect<Columns> {
    if (this.orderByClause.length > 0 || this.limitClause !== undefined || this.offsetClause !== undefined) {
      return compound<Columns>(this, operator, all, others);
    }
    return new CompoundSelect<Columns>(this.first, [
      ...this.members,
      ...others.map((select) => ({ operator, all, select })),
    ]);
  }

  shape(context: ShapeContext): void {
    context.add("compound(");
    this.first.shape(context);
    for (const member of this.members) {
      context.add(member.operator);
      context.add(member.all ? "all" : "distinct");
      member.select.shape(context);
    }
    shapeCommon(this, context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.first, ...this.members.map((member) => member.select), ...childrenOfCommon(this)];
  }
}

/** Appends ORDER BY / LIMIT / OFFSET to a shape key. */
export function shapeCommon(select: SelectCommon, context: ShapeContext): void {
  if (select.orderByClause.length > 0) {
    context.add("orderby(");
    for (const item of select.orderByClause) item.shape(context);
    context.add(")");
  }
  if (select.limitClause !== undefined) {
    context.add("limit");
    select.limitClause.shape(context);
  }
  if (select.offsetClause !== undefined) {
    context.add("offset");
    select.offsetClause.shape(context);
  }
}

export function childrenOfCommon(select: SelectCommon): SqlElement[] {
  return [
    ...select.orderByClause,
    ...(select.limitClause === undefined ? [] : [select.limitClause]),
    ...(select.offsetClause === undefined ? [] : [select.offsetClause]),
  ];
}

function countBind(clause: string, count: number): BindParameter<number> {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ArgumentError(`${clause} must be a non-negative integer, got ${count}`);
  }
  // PostgreSQL takes a bigint count; a JS number holds it exactly up to 2^53.
  return new BindParameter<number>(undefined, count, SafeBigInteger(), undefined);
}
