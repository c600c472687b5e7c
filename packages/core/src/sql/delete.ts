import type { Table } from "../schema/table.ts";
import type { ColumnElement, Condition } from "./column-element.ts";
import { DmlStatement } from "./dml-base.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import type { FromClause } from "./from-clause.ts";
import { referencedFroms, type SelectItem, shapeList } from "./select.ts";

interface DeleteState<Returning extends readonly SelectItem[]> {
  readonly whereClause: readonly ColumnElement<unknown>[];
  readonly returning: Returning;
}

/** DELETE FROM table WHERE ... [RETURNING ...]; other tables in WHERE become DELETE ... USING. */
export class Delete<
  T extends Table = Table,
  Returning extends readonly SelectItem[] = [],
> extends DmlStatement<Returning> {
  declare readonly kind: "delete";
  declare readonly table: T;
  declare readonly whereClause: readonly ColumnElement<unknown>[];

  constructor(table: T, state: DeleteState<Returning>) {
    super(table, state.returning);
    this.kind = "delete";
    this.whereClause = state.whereClause;
  }

  where(...conditions: Condition[]): Delete<T, Returning> {
    return new Delete(this.table, {
      whereClause: [...this.whereClause, ...conditions],
      returning: this.returningItems,
    });
  }

  returning<const Items extends readonly SelectItem[]>(...items: Items): Delete<T, Items> {
    return new Delete(this.table, { whereClause: this.whereClause, returning: items });
  }

  /** Tables in WHERE other than the target: rendered as DELETE ... USING. */
  get extraFroms(): FromClause[] {
    return referencedFroms(this.whereClause).filter((from) => from !== this.table);
  }

  shape(context: ShapeContext): void {
    context.add("delete(t");
    context.add(this.table.fromId);
    shapeList(context, "where(", this.whereClause);
    this.shapeReturning(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [...this.whereClause, ...this.returningChildren];
  }
}

// `delete` is a reserved word: the function is delete_ (as SQLAlchemy users know and_, or_).
export function delete_<T extends Table>(table: T): Delete<T, []> {
  return new Delete(table, { whereClause: [], returning: [] });
}
