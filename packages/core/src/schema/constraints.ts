import { ArgumentError } from "../errors.ts";
import { ColumnElement } from "../sql/column-element.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import { callableClass } from "../util/callable-class.ts";
import { Column } from "./column.ts";
import type { Table } from "./table.ts";

export interface ConstraintOptions {
  name?: string;
  deferrable?: boolean;
  initiallyDeferred?: boolean;
}

/** Columns by key or as Column objects, then options: the arguments of PK / UNIQUE constraints. */
type ColumnsThenOptions = (string | Column<unknown> | ConstraintOptions)[];

/** Common part of constraints over a list of the table's columns. */
abstract class ColumnListConstraint {
  declare readonly columnKeys: readonly string[];
  declare readonly options: ConstraintOptions;
  declare private bound: Table | undefined;

  constructor(kind: string, items: ColumnsThenOptions) {
    const keys: string[] = [];
    const options: ConstraintOptions = {};
    for (const item of items) {
      if (typeof item === "string") keys.push(item);
      else if (item instanceof Column) keys.push(item.key);
      else Object.assign(options, item);
    }
    if (keys.length === 0) throw new ArgumentError(`${kind} needs at least one column`);
    if (options.name !== undefined) checkIdentifier(options.name, `${kind} name`);
    this.columnKeys = keys;
    this.options = options;
    this.bound = undefined;
  }

  get name(): string | undefined {
    return this.options.name;
  }

  attach(table: Table): void {
    if (this.bound !== undefined) throw new ArgumentError("a constraint belongs to one table");
    for (const key of this.columnKeys) table.column(key);
    this.bound = table;
  }

  get table(): Table {
    if (this.bound === undefined) throw new ArgumentError("this constraint is not part of a table yet");
    return this.bound;
  }

  get columns(): Column<unknown>[] {
    return this.columnKeys.map((key) => this.table.column(key));
  }
}

class PrimaryKeyConstraintDef extends ColumnListConstraint {
  constructor(...items: ColumnsThenOptions) {
    super("PrimaryKeyConstraint", items);
  }
}

class UniqueConstraintDef extends ColumnListConstraint {
  constructor(...items: ColumnsThenOptions) {
    super("UniqueConstraint", items);
  }
}

/** CHECK (condition): SQL text written as is, or a boolean expression over the table's columns. */
class CheckConstraintDef {
  declare readonly condition: string | ColumnElement<unknown>;
  declare readonly options: ConstraintOptions;

  constructor(condition: string | ColumnElement<boolean | null>, options: ConstraintOptions = {}) {
    if (typeof condition === "string" ? condition.trim() === "" : !(condition instanceof ColumnElement)) {
      throw new ArgumentError("CheckConstraint needs SQL text or a boolean expression");
    }
    if (options.name !== undefined) checkIdentifier(options.name, "CheckConstraint name");
    this.condition = condition;
    this.options = options;
  }

  get name(): string | undefined {
    return this.options.name;
  }
}

export type PrimaryKeyConstraint = PrimaryKeyConstraintDef;
export const PrimaryKeyConstraint = callableClass(PrimaryKeyConstraintDef);
export type UniqueConstraint = UniqueConstraintDef;
export const UniqueConstraint = callableClass(UniqueConstraintDef);
export type CheckConstraint = CheckConstraintDef;
export const CheckConstraint = callableClass(CheckConstraintDef);
