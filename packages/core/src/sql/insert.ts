import { ArgumentError } from "../errors.ts";
import type { Column } from "../schema/column.ts";
import type { Table } from "../schema/table.ts";
import { BindParameter, ColumnElement, type Condition, Keyword } from "./column-element.ts";
import { DmlStatement } from "./dml-base.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import { type ColumnClause, FromClause, proxyColumns } from "./from-clause.ts";
import { checkIdentifier } from "./identifier.ts";
import { Select, type SelectItem, select as selectFrom } from "./select.ts";
import type { SelectBase } from "./select-base.ts";

/** What a column accepts in INSERT / UPDATE values: a value of its type, or a SQL expression. */
export type ColumnValue<C> =
  C extends ColumnElement<infer T> ? T | ColumnElement<NonNullable<T> | null> : never;

/** Values by column key: `{ name: "ed", fullname: func.upper("ed") }`. */
export type ValuesOf<T extends Table> = { readonly [K in keyof T["c"]]?: ColumnValue<T["c"][K]> };

/** The table's columns as `excluded.<column>` (the row proposed for insertion, in ON CONFLICT). */
export type ExcludedColumns<T extends Table> = {
  readonly [K in keyof T["c"] & string]: T["c"][K] extends ColumnElement<infer V>
    ? ColumnClause<V, K>
    : never;
};

/** Which unique index or constraint an ON CONFLICT clause names. */
export interface ConflictTarget<T extends Table> {
  /** The columns (or expressions) of the unique index. */
  indexElements?: readonly ((keyof T["c"] & string) | ColumnElement<unknown>)[];
  /** For a partial unique index: its WHERE condition. */
  indexWhere?: Condition;
  /** Or the constraint, by name. */
  constraint?: string;
}

export interface OnConflict {
  readonly indexElements: readonly ColumnElement<unknown>[];
  readonly indexWhere: ColumnElement<unknown> | undefined;
  readonly constraint: string | undefined;
  /** DO UPDATE SET these; undefined: DO NOTHING. */
  readonly set: readonly (readonly [Column<unknown>, ColumnElement<unknown>])[] | undefined;
  readonly where: ColumnElement<unknown> | undefined;
}

/** The columns and values an INSERT renders for one execution (planned once per compile). */
export interface InsertPlan {
  readonly columns: readonly Column<unknown>[];
  /** VALUES rows; undefined with a SELECT source or DEFAULT VALUES. */
  readonly rows: readonly (readonly ColumnElement<unknown>[])[] | undefined;
  readonly select: SelectBase | undefined;
}

/** `excluded`: the pseudo-table of the row ON CONFLICT DO UPDATE proposes. */
export class Excluded extends FromClause {
  declare readonly kind: "excluded";
  declare readonly table: Table;
  declare private cached: Record<string, ColumnClause<unknown>> | undefined;

  constructor(table: Table) {
    super();
    this.kind = "excluded";
    this.table = table;
    this.cached = undefined;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    this.cached ??= proxyColumns(this.table.columns, this);
    return this.cached;
  }

  get qualifier(): { readonly name: string } {
    return { name: "excluded" };
  }

  shapeRef(context: ShapeContext): void {
    context.add("excluded");
  }

  shape(context: ShapeContext): void {
    context.add("excluded");
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

interface InsertState<Returning extends readonly SelectItem[]> {
  readonly rows: readonly Readonly<Record<string, unknown>>[] | undefined;
  readonly selectSource:
    | { readonly columns: readonly Column<unknown>[]; readonly select: SelectBase }
    | undefined;
  readonly conflict: OnConflict | undefined;
  readonly returning: Returning;
}

/**
 * INSERT INTO table. Values come from `.values(...)` (one row or several), from `.fromSelect(...)`,
 * or, when neither is given, from the execution parameters: `execute(insert(users), { name: "ed" })`
 * inserts the columns the parameters name (the form executemany compiles once). Columns with a client
 * default that are not given get it; a row of a multi-row VALUES that lacks a column gets DEFAULT.
 */
export class Insert<
  T extends Table = Table,
  Returning extends readonly SelectItem[] = [],
> extends DmlStatement<Returning> {
  declare readonly kind: "insert";
  declare readonly table: T;
  declare readonly rows: readonly Readonly<Record<string, unknown>>[] | undefined;
  declare readonly selectSource: InsertState<Returning>["selectSource"];
  declare readonly conflict: OnConflict | undefined;
  declare private excludedTable: Excluded | undefined;

  constructor(table: T, state: InsertState<Returning>) {
    super(table, state.returning);
    this.kind = "insert";
    this.rows = state.rows;
    this.selectSource = state.selectSource;
    this.conflict = state.conflict;
    this.excludedTable = undefined;
  }

  private get state(): InsertState<Returning> {
    return {
      rows: this.rows,
      selectSource: this.selectSource,
      conflict: this.conflict,
      returning: this.returningItems,
    };
  }

  /** One row, or several (multi-row VALUES). */
  values(rows: ValuesOf<T> | readonly ValuesOf<T>[]): Insert<T, Returning> {
    const list: readonly Readonly<Record<string, unknown>>[] = Array.isArray(rows) ? rows : [rows];
    if (list.length === 0) throw new ArgumentError("values() needs at least one row");
    for (const row of list) this.checkKeys(Object.keys(row));
    return new Insert(this.table, { ...this.state, rows: list, selectSource: undefined });
  }

  /** INSERT INTO table (columns) SELECT ... */
  fromSelect(columns: readonly (keyof T["c"] & string)[], select: SelectBase): Insert<T, Returning> {
    this.checkKeys(columns);
    const resolved = columns.map((key) => this.table.column(key));
    return new Insert(this.table, {
      ...this.state,
      rows: undefined,
      selectSource: { columns: resolved, select },
    });
  }

  returning<const Items extends readonly SelectItem[]>(...items: Items): Insert<T, Items> {
    return new Insert(this.table, { ...this.state, returning: items });
  }

  /** ON CONFLICT [target] DO NOTHING (PostgreSQL). */
  onConflictDoNothing(target: ConflictTarget<T> = {}): Insert<T, Returning> {
    return new Insert(this.table, { ...this.state, conflict: this.conflictOf(target, undefined, undefined) });
  }

  /** ON CONFLICT target DO UPDATE SET ... [WHERE ...] (PostgreSQL); `insert.excluded.x` is the proposed value. */
  onConflictDoUpdate(
    target: ConflictTarget<T> & { set: ValuesOf<T>; where?: Condition },
  ): Insert<T, Returning> {
    if (target.indexElements === undefined && target.constraint === undefined) {
      throw new ArgumentError("onConflictDoUpdate() needs indexElements or constraint");
    }
    const set = Object.entries(target.set).map(([key, value]) => {
      const column = this.table.column(key);
      return [column, valueElement(column, value)] as const;
    });
    if (set.length === 0) throw new ArgumentError("onConflictDoUpdate() needs at least one column to set");
    return new Insert(this.table, { ...this.state, conflict: this.conflictOf(target, set, target.where) });
  }

  /** The row proposed for insertion, for ON CONFLICT DO UPDATE: `stmt.excluded.name`. */
  get excluded(): ExcludedColumns<T> {
    this.excludedTable ??= new Excluded(this.table);
    return this.excludedTable.columns as ExcludedColumns<T>;
  }

  private conflictOf(
    target: ConflictTarget<T>,
    set: OnConflict["set"],
    where: Condition | undefined,
  ): OnConflict {
    if (target.indexElements !== undefined && target.constraint !== undefined) {
      throw new ArgumentError("ON CONFLICT names either indexElements or a constraint, not both");
    }
    if (target.constraint !== undefined) checkIdentifier(target.constraint, "ON CONFLICT ON CONSTRAINT");
    return {
      indexElements: (target.indexElements ?? []).map((item) =>
        typeof item === "string" ? this.table.column(item) : item,
      ),
      indexWhere: target.indexWhere,
      constraint: target.constraint,
      set,
      where,
    };
  }

  private checkKeys(keys: readonly string[]): void {
    const unknown = keys.filter((key) => !Object.hasOwn(this.table.columns, key));
    if (unknown.length > 0) {
      throw new ArgumentError(
        `table "${this.table.name}" has no column ${unknown.map((key) => `"${key}"`).join(", ")}`,
      );
    }
  }

  /** The columns and values for this execution (params matter when no values were given). */
  plan(context: ShapeContext): InsertPlan {
    const planned = context.plans.get(this) as InsertPlan | undefined;
    if (planned !== undefined) return planned;
    const plan = this.makePlan(context.params);
    context.plans.set(this, plan);
    return plan;
  }

  private makePlan(params: Readonly<Record<string, unknown>> | undefined): InsertPlan {
    if (this.selectSource !== undefined) {
      // Columns the SELECT does not fill get their client default as extra SELECT columns, as
      // VALUES would (a compound SELECT is wrapped as a subquery to take them).
      const { columns, select } = this.selectSource;
      const named = new Set(columns);
      const defaulted = Object.values(this.table.columns).filter(
        (column) => !named.has(column) && column.default !== undefined,
      );
      if (defaulted.length === 0) return { columns, rows: undefined, select };
      const base = select instanceof Select ? select : selectFrom(select.subquery());
      return {
        columns: [...columns, ...defaulted],
        rows: undefined,
        select: base.addColumns(...defaulted.map((column) => defaultElement(column)!)),
      };
    }
    const table = this.table;
    if (this.rows !== undefined) {
      const given = new Set(this.rows.flatMap((row) => Object.keys(row)));
      const columns = Object.values(table.columns).filter(
        (column) => given.has(column.key) || column.default !== undefined,
      );
      if (columns.length === 0) {
        // Rows of nothing but defaults: DEFAULT VALUES for one, (DEFAULT) per row for several.
        if (this.rows.length === 1) return { columns, rows: undefined, select: undefined };
        const first = Object.values(table.columns)[0]!;
        return { columns: [first], rows: this.rows.map(() => [Keyword.default]), select: undefined };
      }
      const rows = this.rows.map((row) =>
        columns.map((column) =>
          Object.hasOwn(row, column.key)
            ? valueElement(column, row[column.key])
            : (defaultElement(column) ?? Keyword.default),
        ),
      );
      return { columns, rows, select: undefined };
    }
    // Values from the execution parameters: named binds, so one compiled form serves every row.
    const keys = params === undefined ? [] : Object.keys(params);
    this.checkKeys(keys);
    const given = new Set(keys);
    const columns = Object.values(table.columns).filter(
      (column) => given.has(column.key) || column.default !== undefined,
    );
    if (columns.length === 0) return { columns, rows: undefined, select: undefined };
    const row = columns.map((column) =>
      given.has(column.key)
        ? new BindParameter(column.key, undefined, column.type, column.columnPath, false)
        : defaultElement(column)!,
    );
    return { columns, rows: [row], select: undefined };
  }

  shape(context: ShapeContext): void {
    const plan = this.plan(context);
    context.add("insert(t");
    context.add(this.table.fromId);
    for (const column of plan.columns) {
      context.add(column.name);
      context.add(",");
    }
    context.add(")");
    if (plan.rows !== undefined) {
      context.add("values(");
      context.add(plan.rows.length);
      for (const row of plan.rows) for (const value of row) value.shape(context);
      context.add(")");
    }
    plan.select?.shape(context);
    const conflict = this.conflict;
    if (conflict !== undefined) {
      context.add("conflict(");
      for (const element of conflict.indexElements) element.shape(context);
      if (conflict.indexWhere !== undefined) {
        context.add("iw");
        conflict.indexWhere.shape(context);
      }
      if (conflict.constraint !== undefined) context.add(conflict.constraint);
      if (conflict.set !== undefined) {
        context.add("set");
        for (const [column, value] of conflict.set) {
          context.add(column.name);
          value.shape(context);
        }
      }
      if (conflict.where !== undefined) {
        context.add("w");
        conflict.where.shape(context);
      }
      context.add(")");
    }
    this.shapeReturning(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    const conflict = this.conflict;
    return [
      ...(this.selectSource === undefined ? [] : [this.selectSource.select]),
      ...(conflict === undefined
        ? []
        : [
            ...conflict.indexElements,
            ...(conflict.set ?? []).map(([, value]) => value),
            ...(conflict.where === undefined ? [] : [conflict.where]),
          ]),
      ...this.returningChildren,
    ];
  }
}

/** INSERT INTO table. */
export function insert<T extends Table>(table: T): Insert<T, []> {
  return new Insert(table, { rows: undefined, selectSource: undefined, conflict: undefined, returning: [] });
}

/** A value for a column: an expression as is, anything else a bind of the column's type. */
export function valueElement(column: Column<unknown>, value: unknown): ColumnElement<unknown> {
  if (value instanceof ColumnElement) return value;
  return new BindParameter(undefined, value, column.type, column.columnPath);
}

/** A column's client default as an element (a named bind, so params may still give the value). */
export function defaultElement(
  column: Column<unknown>,
  which: "default" | "onupdate" = "default",
): ColumnElement<unknown> | undefined {
  const value = which === "default" ? column.default : column.onupdate;
  if (value === undefined) return undefined;
  if (value instanceof ColumnElement) return value;
  if (typeof value === "function") {
    return new BindParameter(
      column.key,
      undefined,
      column.type,
      column.columnPath,
      false,
      value as () => unknown,
    );
  }
  return new BindParameter(column.key, value, column.type, column.columnPath);
}
