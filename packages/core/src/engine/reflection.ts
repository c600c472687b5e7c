import { ArgumentError, InvalidRequestError } from "../errors.ts";
import { opCall } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import { type ColumnOptions, column } from "../schema/column.ts";
import { CheckConstraint, PrimaryKeyConstraint, UniqueConstraint } from "../schema/constraints.ts";
import { ForeignKeyConstraint, type ForeignKeyTarget } from "../schema/foreign-key.ts";
import type { MetaData } from "../schema/metadata.ts";
import { type AnyColumnSpec, Table, type TableExtra } from "../schema/table.ts";
import { Index, type IndexOptions } from "../schema/table-index.ts";
import type { ColumnElement } from "../sql/column-element.ts";
import { literalColumn } from "../sql/text-clause.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { readTableDefinition, relationNames, type TableDefinition } from "./catalog-reads.ts";
import { Connection } from "./connection.ts";
import type { Engine } from "./engine.ts";
import type { ReflectedIndex } from "./inspector.ts";

/*
 * Table reflection: SQLAlchemy's `Table(name, metadata, autoload_with=conn)` and
 * `metadata.reflect(conn)`. A Table's constructor does no IO, so reflection is an op that reads the
 * catalogs (through the Inspector's reads) and then constructs the Table.
 */

export interface ReflectTableOptions {
  /** The schema to read the table from; default the MetaData's schema, else the search path. */
  schema?: string;
}

export interface ReflectMetadataOptions {
  /** The schema to reflect; default the MetaData's schema, else the search path. */
  schema?: string;
  /** Only these tables (each must exist), or the tables the predicate keeps. */
  only?: readonly string[] | ((name: string, metadata: MetaData) => boolean);
  /** Reflect views too (as Tables without a primary key). Default false. */
  views?: boolean;
}

/**
 * Reads a table from the database into `metadata` and returns it:
 * `const users = yield* reflectTable(conn, "users", metadata)`. Columns (types, nullability, server
 * defaults as SQL text, serial and identity columns, comments), the primary key, foreign keys,
 * unique and CHECK constraints, indexes and the table comment are reflected. The tables its foreign
 * keys refer to are reflected into the same MetaData first, as SQLAlchemy does. A table the MetaData
 * holds already is returned as it is, not read again (SQLAlchemy without extend_existing).
 *
 * Given an Engine, the reflection runs on one connection of its own, closed after.
 */
export function reflectTable(
  bind: Connection | Engine,
  name: string,
  metadata: MetaData,
  options: ReflectTableOptions = {},
): Op<Table> {
  return withConnection(bind, function* reflectTable(conn) {
    return yield* new Reflector(conn, metadata).table(name, options.schema ?? metadata.schema);
  });
}

/**
 * Reflects every table of the schema (default: the MetaData's, else the search path's) into the
 * MetaData, in name order (SQLAlchemy's `metadata.reflect(conn)`), and returns them. Tables the
 * MetaData holds already are kept as they are.
 */
export function reflectMetadata(
  bind: Connection | Engine,
  metadata: MetaData,
  options: ReflectMetadataOptions = {},
): Op<Table[]> {
  return withConnection(bind, function* reflectMetadata(conn) {
    const schema = options.schema ?? metadata.schema;
    const available = yield* relationNames(
      conn,
      options.views === true ? ["r", "p", "v", "m"] : ["r", "p"],
      schema,
    );
    const { only } = options;
    let names = available;
    if (Array.isArray(only)) {
      const present = new Set(available);
      const missing = only.filter((name) => !present.has(name));
      if (missing.length > 0) {
        throw new InvalidRequestError(
          `could not reflect: requested table(s) not available ${schema === undefined ? "on the search path" : `in schema "${schema}"`}: (${missing.join(", ")})`,
        );
      }
      const wanted = new Set(only);
      names = available.filter((name) => wanted.has(name));
    } else if (typeof only === "function") {
      names = available.filter((name) => only(name, metadata));
    }
    const reflector = new Reflector(conn, metadata);
    const tables: Table[] = [];
    for (const name of names) tables.push(yield* reflector.table(name, schema));
    return tables;
  });
}

function withConnection<T>(
  bind: Connection | Engine,
  body: (conn: Connection) => Generator<Instruction, T, unknown>,
): Op<T> {
  if (bind instanceof Connection) return opCall(body, undefined, [bind]);
  return bind.connect(body);
}

/** One reflection run: the tables it is in the middle of, so a foreign key cycle ends. */
class Reflector {
  readonly #conn: Connection;
  readonly #metadata: MetaData;
  readonly #pending = new Set<string>();

  constructor(conn: Connection, metadata: MetaData) {
    this.#conn = conn;
    this.#metadata = metadata;
  }

  /** The table in the MetaData, reflected first (with the tables it refers to) when it is not there. */
  *table(name: string, schema: string | undefined): Generator<Instruction, Table, unknown> {
    const existing = this.#metadata.table(name, schema);
    if (existing !== undefined) return existing;
    const definition = yield* readTableDefinition(this.#conn, name, schema);
    const key = tableKey(name, schema);
    this.#pending.add(key);
    try {
      const referred: (Table | TableName)[] = [];
      for (const { foreignKey, referredTableSchema } of definition.foreignKeys) {
        // A referred table found on the search path is reflected without a schema (as SQLAlchemy
        // does), unless the MetaData has one of its own, which the Table would otherwise take.
        const referredSchema =
          foreignKey.referredSchema ??
          (this.#metadata.schema === undefined ? undefined : referredTableSchema);
        const referredName = { name: foreignKey.referredTable, schema: referredSchema };
        // A table still being reflected closes a cycle: it is referred to by name, resolved once it exists.
        referred.push(
          this.#pending.has(tableKey(referredName.name, referredSchema))
            ? referredName
            : yield* this.table(foreignKey.referredTable, referredSchema),
        );
      }
      return buildTable(definition, schema, this.#metadata, referred);
    } finally {
      this.#pending.delete(key);
    }
  }
}

/** A table by name, for a foreign key to a table not constructed yet. */
interface TableName {
  readonly name: string;
  readonly schema: string | undefined;
}

/** `schema.name` or `name`: how MetaData keys tables. */
function tableKey(name: string, schema: string | undefined): string {
  return schema === undefined ? name : `${schema}.${name}`;
}

/** The Table for a definition; `referred[i]` is the table foreign key i refers to (its name, in a cycle). */
function buildTable(
  definition: TableDefinition,
  schema: string | undefined,
  metadata: MetaData,
  referred: readonly (Table | TableName)[],
): Table {
  const { relation } = definition;
  // Column keys are the column names. Object.fromEntries makes own properties even of "__proto__".
  const columns: Record<string, AnyColumnSpec> = Object.fromEntries(
    definition.columns.map((reflected) => {
      const options: ColumnOptions = {
        nullable: reflected.nullable,
        // Explicit, so that "auto" never turns a reflected plain integer key into a SERIAL.
        autoincrement: reflected.autoincrement,
        // A serial's nextval() default is what SERIAL creates; written out it would need the sequence first.
        ...(reflected.default === undefined || reflected.autoincrement !== false
          ? {}
          : { serverDefault: reflected.default }),
        ...(reflected.comment === undefined ? {} : { comment: reflected.comment }),
      };
      return [reflected.name, column(reflected.type, options)];
    }),
  );
  const extras: TableExtra[] = [];
  const { primaryKey } = definition;
  if (primaryKey.constrainedColumns.length > 0) {
    extras.push(PrimaryKeyConstraint(...primaryKey.constrainedColumns, optionalName(primaryKey.name)));
  }
  definition.foreignKeys.forEach(({ foreignKey }, i) => {
    const target = referred[i]!;
    const targets: ForeignKeyTarget[] = foreignKey.referredColumns.map((name) => {
      if (target instanceof Table) {
        const referredColumn = target.columnByName(name);
        if (referredColumn === undefined) {
          throw new ArgumentError(
            `cannot reflect foreign key "${foreignKey.name}" of "${relation.name}": table "${target.fullname}" in the MetaData has no column "${name}"`,
          );
        }
        return referredColumn;
      }
      // A "schema.table.column" reference is split at its dots when it is resolved.
      const parts = [...(target.schema === undefined ? [] : [target.schema]), target.name, name];
      if (parts.some((part) => part.includes("."))) {
        throw new ArgumentError(
          `cannot reflect foreign key "${foreignKey.name}" of "${relation.name}": it closes a cycle of foreign keys, ` +
            `so it must refer to ${JSON.stringify(parts)} by a "schema.table.column" name, and a name holds a "."`,
        );
      }
      return parts.join(".");
    });
    extras.push(
      new ForeignKeyConstraint(foreignKey.constrainedColumns, targets, {
        name: foreignKey.name,
        ...foreignKey.options,
      }),
    );
  });
  for (const unique of definition.uniqueConstraints) {
    extras.push(UniqueConstraint(...unique.columnNames, { name: unique.name }));
  }
  for (const check of definition.checkConstraints) {
    extras.push(CheckConstraint(check.sqltext, { name: check.name }));
  }
  for (const index of definition.indexes) extras.push(reflectedIndex(index));
  extras.push({
    ...(schema === undefined ? {} : { schema }),
    ...(definition.comment === undefined ? {} : { comment: definition.comment }),
  });
  return new Table(relation.name, metadata, columns, ...extras);
}

function optionalName(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}

/** An Index: columns by key, expressions and a partial index's condition as SQL text. */
function reflectedIndex(index: ReflectedIndex): Index {
  const elements: (string | ColumnElement<unknown>)[] = index.columnNames.map((name, i) =>
    name !== null ? name : literalColumn(index.expressions![i]!),
  );
  const options: IndexOptions = {
    unique: index.unique,
    ...(index.using === undefined ? {} : { using: index.using }),
    ...(index.where === undefined ? {} : { where: literalColumn(index.where, booleanType) }),
  };
  return Index(index.name, ...elements, options);
}
