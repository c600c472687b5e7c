import { ArgumentError } from "../errors.ts";
import type { Table } from "./table.ts";

export interface MetaDataOptions {
  /** The schema of tables that do not name one. */
  schema?: string;
}

/** A collection of tables and what is known about them; the unit createAll / dropAll act on. */
export class MetaData {
  declare readonly schema: string | undefined;
  declare private readonly registry: Map<string, Table>;

  constructor(options: MetaDataOptions = {}) {
    this.schema = options.schema;
    this.registry = new Map();
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
