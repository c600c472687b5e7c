import { ArgumentError } from "../errors.ts";
import type { Column } from "../schema/column.ts";
import type { Table } from "../schema/table.ts";
import { BindParameter, type ColumnElement, type Condition } from "./column-element.ts";
import { DmlStatement } from "./dml-base.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import type { FromClause } from "./from-clause.ts";
import { defaultElement, type ValuesOf, valueElement } from "./insert.ts";
import { referencedFroms, type SelectItem, shapeList } from "./select.ts";

/** The SET list of an UPDATE for one execution (planned once per compile). */
export type UpdatePlan = readonly (readonly [Column<unknown>, ColumnElement<unknown>])[];

interface UpdateState<Returning extends readonly SelectItem[]> {
  readonly assignments: Readonly<Record<string, unknown>> | undefined;
  readonly whereClause: readonly ColumnElement<unknown>[];
  readonly returning: Returning;
}

/**
 * UPDATE table SET ... WHERE ... [RETURNING ...]. Without `.values()`, SET takes the execution
 * parameters that name columns (and are not the names of bindparams in the WHERE clause). Columns
 * with an onupdate default that are not set get it. Other tables in WHERE become UPDATE ... FROM;
 * a SELECT in the values or WHERE correlates to the table being updated.
 */
export class Update<
  T extends Table = Table,
  Returning extends readonly SelectItem[] = [],
> extends DmlStatement<Returning> {
  declare readonly kind: "update";
  declare readonly table: T;
  declare readonly assignments: Readonly<Record<string, unknown>> | undefined;
  declare readonly whereClause: readonly ColumnElement<unknown>[];

  constructor(table: T, state: UpdateState<Returning>) {
    super(table, state.returning);
    this.kind = "update";
    this.assignments = state.assignments;
    this.whereClause = state.whereClause;
  }

  private get state(): UpdateState<Returning> {
    return { assignments: this.assignments, whereClause: this.whereClause, returning: this.returningItems };
  }

  /** SET these columns (values or SQL expressions); merged with values given before. */
  values(assignments: ValuesOf<T>): Update<T, Returning> {
    for (const key of Object.keys(assignments)) this.table.column(key);
    return new Update(this.table, { ...this.state, assignments: { ...this.assignments, ...assignments } });
  }

  where(...conditions: Condition[]): Update<T, Returning> {
    return new Update(this.table, { ...this.state, whereClause: [...this.whereClause, ...conditions] });
  }

  returning<const Items extends readonly SelectItem[]>(...items: Items): Update<T, Items> {
    return new Update(this.table, { ...this.state, returning: items });
  }

  /** Tables in WHERE other than the target: rendered as UPDATE ... FROM. */
  get extraFroms(): FromClause[] {
    return referencedFroms(this.whereClause).filter((from) => from !== this.table);
  }

  plan(context: ShapeContext): UpdatePlan {
    const planned = context.plans.get(this) as UpdatePlan | undefined;
    if (planned !== undefined) return planned;
    const sets = new Map<Column<unknown>, ColumnElement<unknown>>();
    for (const [key, value] of Object.entries(this.assignments ?? {})) {
      const column = this.table.column(key);
      sets.set(column, valueElement(column, value));
    }
    const params = context.params;
    if (this.assignments === undefined && params !== undefined) {
      const bound = new Set(
        whereBinds(this.whereClause)
          .map((bind) => bind.key)
          .filter((key) => key !== undefined),
      );
      for (const key of Object.keys(params)) {
        if (bound.has(key)) continue;
        const column = this.table.column(key);
        sets.set(column, new BindParameter(key, undefined, column.type, column.columnPath, false));
      }
    }
    for (const column of Object.values(this.table.columns)) {
      if (sets.has(column)) continue;
      const onupdate = defaultElement(column, "onupdate");
      if (onupdate !== undefined) sets.set(column, onupdate);
    }
    if (sets.size === 0) throw new ArgumentError(`UPDATE of "${this.table.name}" has no values to set`);
    const plan = [...sets];
    context.plans.set(this, plan);
    return plan;
  }

  shape(context: ShapeContext): void {
    context.add("update(t");
    context.add(this.table.fromId);
    context.add("set(");
    for (const [column, value] of this.plan(context)) {
      context.add(column.name);
      value.shape(context);
    }
    context.add(")");
    shapeList(context, "where(", this.whereClause);
    this.shapeReturning(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [...this.whereClause, ...this.returningChildren];
  }
}

export function update<T extends Table>(table: T): Update<T, []> {
  return new Update(table, { assignments: undefined, whereClause: [], returning: [] });
}

/** The binds in WHERE criteria (a named bind there is a parameter, not a column to SET). */
function whereBinds(elements: readonly SqlElement[]): BindParameter<unknown>[] {
  const found: BindParameter<unknown>[] = [];
  const visit = (element: SqlElement): void => {
    if (element instanceof BindParameter) found.push(element);
    else for (const child of element.children) visit(child);
  };
  for (const element of elements) visit(element);
  return found;
}
