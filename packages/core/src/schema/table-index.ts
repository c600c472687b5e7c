import { ArgumentError } from "../errors.ts";
import type { ColumnElement } from "../sql/column-element.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import { callableClass } from "../util/callable-class.ts";
import { Column } from "./column.ts";
import type { Table } from "./table.ts";

export interface IndexOptions {
  unique?: boolean;
  /** A partial index: WHERE condition (PostgreSQL). */
  where?: ColumnElement<boolean | null>;
  /** The index method: btree (default), hash, gin, gist, brin... */
  using?: string;
}

/**
 * CREATE INDEX name ON table (expressions). Given Column objects, it joins their table at once; given
 * column keys, pass it to the Table constructor.
 */
class IndexDef {
  declare readonly name: string;
  declare readonly expressions: readonly (string | ColumnElement<unknown>)[];
  declare readonly options: IndexOptions;
  declare private bound: Table | undefined;

  constructor(name: string, ...items: (string | ColumnElement<unknown> | IndexOptions)[]) {
    if (name === "") throw new ArgumentError("an Index needs a name");
    checkIdentifier(name, "Index");
    const expressions: (string | ColumnElement<unknown>)[] = [];
    const options: IndexOptions = {};
    for (const item of items) {
      if (typeof item === "string" || isExpression(item)) expressions.push(item);
      else Object.assign(options, item);
    }
    if (expressions.length === 0)
      throw new ArgumentError(`Index "${name}" needs at least one column or expression`);
    if (options.using !== undefined && !/^[a-z_]+$/.test(options.using)) {
      throw new ArgumentError(`Index "${name}": unknown index method ${JSON.stringify(options.using)}`);
    }
    this.name = name;
    this.expressions = expressions;
    this.options = options;
    this.bound = undefined;
    const owner = expressions.find((item): item is Column<unknown> => item instanceof Column);
    if (owner !== undefined) owner.table.addIndex(this);
  }

  attach(table: Table): void {
    if (this.bound === table) return;
    if (this.bound !== undefined) throw new ArgumentError(`Index "${this.name}" belongs to another table`);
    for (const item of this.expressions) {
      if (typeof item === "string") table.column(item);
      else if (item instanceof Column && item.table !== table) {
        throw new ArgumentError(
          `Index "${this.name}" mixes columns of "${table.name}" and "${item.table.name}"`,
        );
      }
    }
    this.bound = table;
  }

  get table(): Table {
    if (this.bound === undefined) throw new ArgumentError(`Index "${this.name}" is not part of a table yet`);
    return this.bound;
  }

  /** The indexed expressions, column keys resolved. */
  get elements(): ColumnElement<unknown>[] {
    return this.expressions.map((item) => (typeof item === "string" ? this.table.column(item) : item));
  }
}

function isExpression(item: unknown): item is ColumnElement<unknown> {
  return typeof item === "object" && item !== null && "shape" in item && "kind" in item;
}

export type Index = IndexDef;
export const Index = callableClass(IndexDef);
