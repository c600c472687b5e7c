import { ArgumentError, NoReferencedColumnError, NoReferencedTableError } from "../errors.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import { callableClass } from "../util/callable-class.ts";
import type { Column } from "./column.ts";
import type { Table } from "./table.ts";

export type ForeignKeyAction = "cascade" | "set null" | "set default" | "restrict" | "no action";

export interface ForeignKeyOptions {
  name?: string;
  onDelete?: ForeignKeyAction;
  onUpdate?: ForeignKeyAction;
  deferrable?: boolean;
  initiallyDeferred?: boolean;
}

/** What a foreign key points at: "table.column", "schema.table.column", or the column itself. */
export type ForeignKeyTarget = string | Column<unknown>;

/** A column-level foreign key: `column(Integer, ForeignKey("users.id"))`. */
class ForeignKeyRef {
  declare readonly target: ForeignKeyTarget;
  declare readonly options: ForeignKeyOptions;

  constructor(target: ForeignKeyTarget, options: ForeignKeyOptions = {}) {
    if (options.name !== undefined) checkIdentifier(options.name, "ForeignKey name");
    this.target = target;
    this.options = options;
  }
}

export type ForeignKey = ForeignKeyRef;
/** Callable with or without `new`, as in SQLAlchemy: `ForeignKey("a.id")`. */
export const ForeignKey = callableClass(ForeignKeyRef);

/**
 * A foreign key constraint of a table: its columns reference columns of one other table. Column
 * ForeignKeys become single-column constraints; composite keys are declared on the table.
 */
export class ForeignKeyConstraint {
  declare readonly columnKeys: readonly string[];
  declare readonly targets: readonly ForeignKeyTarget[];
  declare readonly options: ForeignKeyOptions;
  declare private bound: Table | undefined;
  /** Resolved targets, once every referenced table exists (joins ask on every call). */
  declare private resolved: Column<unknown>[] | undefined;

  constructor(
    columns: readonly string[],
    references: readonly ForeignKeyTarget[],
    options: ForeignKeyOptions = {},
  ) {
    if (columns.length === 0 || columns.length !== references.length) {
      throw new ArgumentError(
        `ForeignKeyConstraint needs as many referenced columns as columns (${columns.length} and ${references.length})`,
      );
    }
    if (options.name !== undefined) checkIdentifier(options.name, "ForeignKeyConstraint name");
    this.columnKeys = columns;
    this.targets = references;
    this.options = options;
    this.bound = undefined;
    this.resolved = undefined;
  }

  get name(): string | undefined {
    return this.options.name;
  }

  /** Called once by the table that owns the constraint. */
  attach(table: Table): void {
    if (this.bound !== undefined) throw new ArgumentError("a ForeignKeyConstraint belongs to one table");
    for (const key of this.columnKeys) table.column(key);
    this.bound = table;
  }

  get table(): Table {
    if (this.bound === undefined)
      throw new ArgumentError("this ForeignKeyConstraint is not part of a table yet");
    return this.bound;
  }

  /** The constrained columns of the owning table. */
  get columns(): Column<unknown>[] {
    return this.columnKeys.map((key) => this.table.column(key));
  }

  /** The referenced columns, resolved through the owning table's MetaData. */
  get referencedColumns(): Column<unknown>[] {
    this.resolved ??= this.targets.map((target) => resolveTarget(this.table, target));
    return this.resolved;
  }

  get referencedTable(): Table {
    const [first] = this.referencedColumns;
    if (first === undefined) throw new ArgumentError("a foreign key without columns");
    return first.table;
  }
}

function resolveTarget(from: Table, target: ForeignKeyTarget): Column<unknown> {
  if (typeof target !== "string") return target;
  const parts = target.split(".");
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === "")) {
    throw new ArgumentError(
      `foreign key target ${JSON.stringify(target)} is not "table.column" or "schema.table.column"`,
    );
  }
  const columnName = parts.pop()!;
  const tableName = parts.pop()!;
  // As in SQLAlchemy: an unqualified target is in the MetaData's default schema, not the referencing table's.
  const schema = parts.pop() ?? from.metadata.schema;
  const table = from.metadata.table(tableName, schema);
  if (table === undefined) {
    throw new NoReferencedTableError(
      `foreign key on "${from.name}" references table "${schema ? `${schema}.` : ""}${tableName}", which its MetaData does not hold`,
    );
  }
  const column = table.columnByName(columnName);
  if (column === undefined) {
    throw new NoReferencedColumnError(`foreign key on "${from.name}" references "${target}": no such column`);
  }
  return column;
}
