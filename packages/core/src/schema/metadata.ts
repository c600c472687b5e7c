import { ArgumentError } from "../errors.ts";
import type { Op } from "../runtime/instruction.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import { createAll, dropAll, type SchemaConnection, type SchemaOptions } from "./ddl-runner.ts";
import { sortTables } from "./sort-tables.ts";
import type { Table } from "./table.ts";

export interface MetaDataOptions {
  /** The schema of tables that do not name one. */
  schema?: string;
}

/** A collection of tables and what is known about them; the unit createAll / dropAll act on. */
export class MetaData {
  declare readonly schema: string | undefined;
  declare private readonly registry: Map<string, Table>;
  /**
   * CREATE the enum types, tables, indexes, comments and cycle-closing foreign keys, in dependency
   * order; by default only what does not exist yet (`checkfirst`). A property, not a method, so it
   * can be passed unbound: `conn.runSync(metadata.createAll)`.
   */
  declare readonly createAll: (conn: SchemaConnection, options?: SchemaOptions) => Op<void>;
  /** DROP what createAll creates, in reverse order; by default only what exists. Unbound-safe too. */
  declare readonly dropAll: (conn: SchemaConnection, options?: SchemaOptions) => Op<void>;

  constructor(options: MetaDataOptions = {}) {
    if (options.schema !== undefined) checkIdentifier(options.schema, "MetaData schema");
    this.schema = options.schema;
    this.registry = new Map();
    this.createAll = (conn, schemaOptions) => createAll(this, conn, schemaOptions);
    this.dropAll = (conn, schemaOptions) => dropAll(this, conn, schemaOptions);
  }

  /**
   * The tables in dependency order: referenced tables before the tables that reference them, ties in
   * definition order. Foreign keys inside a dependency cycle are left out of the ordering (createAll
   * adds them with ALTER TABLE).
   */
  get sortedTables(): Table[] {
    return [...sortTables([...this.registry.values()]).tables];
  }

  /** Tables by full name (`schema.name` or `name`), in the order they were defined. */
  get tables(): ReadonlyMap<string, Table> {
    return this.registry;
  }

  table(name: string, schema?: string): Table | undefined {
    return this.registry.get(schema === undefined ? name : `${schema}.${name}`);
  }

  /** Called by Table's constructor. */
  add(table: Table): void {
    if (this.registry.has(table.fullname)) {
      throw new ArgumentError(`table "${table.fullname}" is already defined in this MetaData`);
    }
    this.registry.set(table.fullname, table);
  }

  remove(table: Table): void {
    this.registry.delete(table.fullname);
  }

  clear(): void {
    this.registry.clear();
  }
}
