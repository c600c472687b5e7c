import type { Table } from "../schema/table.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import { Executable, type ResultColumn } from "./executable.ts";
import { resultColumnsOf, type SelectItem } from "./select.ts";

/** INSERT / UPDATE / DELETE: a target table and an optional RETURNING list. */
export abstract class DmlStatement<Returning extends readonly SelectItem[]> extends Executable {
  /** Phantom: the RETURNING items' types, for RowOf. */
  declare readonly __items: Returning;
  declare readonly table: Table;
  declare readonly returningItems: Returning;
  declare private results: readonly ResultColumn[] | undefined;

  constructor(table: Table, returning: Returning) {
    super();
    this.table = table;
    this.returningItems = returning;
    this.results = undefined;
  }

  override get resultColumns(): readonly ResultColumn[] {
    this.results ??= resultColumnsOf(this.returningItems);
    return this.results;
  }

  protected shapeReturning(context: ShapeContext): void {
    if (this.returningItems.length === 0) return;
    context.add("returning(");
    for (const item of this.returningItems) {
      item.shape(context);
      context.add(",");
    }
    context.add(")");
  }

  protected get returningChildren(): readonly SqlElement[] {
    return this.returningItems;
  }
}
