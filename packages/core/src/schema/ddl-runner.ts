import type { SqlDialect } from "../dialect/sql-dialect.ts";
import { ArgumentError } from "../errors.ts";
import { op } from "../runtime/gen-op.ts";
import type { Op } from "../runtime/instruction.ts";
import type { Executable } from "../sql/executable.ts";
import {
  AddConstraint,
  CreateEnumType,
  CreateIndex,
  CreateTable,
  DropConstraint,
  DropEnumType,
  DropTable,
  SetComment,
} from "./ddl.ts";
import { type EnumTypeLike, enumKey, nativeEnum, nativeEnumsOf } from "./enum-ddl.ts";
import type { MetaData } from "./metadata.ts";
import { constraintExistsQuery, enumExistsQuery, tableExistsQuery } from "./pg-catalog.ts";
import { sortTables } from "./sort-tables.ts";
import type { Table } from "./table.ts";

/** What createAll / dropAll need of a connection: running statements, one value back from a query. */
export interface SchemaConnection {
  readonly dialect: SqlDialect;
  execute(statement: Executable): Op<unknown>;
  /** The first column of the first row, or undefined. */
  scalar(statement: Executable): Op<unknown>;
}

export interface SchemaOptions {
  /**
   * Ask the database first (default true): createAll skips enum types and tables that exist,
   * dropAll skips those that do not. false: every statement is sent, and the database's error for
   * an existing (or missing) object fails the op.
   */
  checkfirst?: boolean;
  /** Only these tables of the MetaData (default: all of them), still in dependency order. */
  tables?: readonly Table[];
}

/**
 * CREATE everything the MetaData describes, in an order the database accepts: native enum types,
 * then each table (referenced tables first) with its indexes and comments, then the foreign keys
 * that close a dependency cycle, with ALTER TABLE ... ADD CONSTRAINT. Every statement is compiled
 * before the first is sent, so a table that cannot be rendered fails the op before any DDL runs.
 */
export function createAll(metadata: MetaData, conn: SchemaConnection, options: SchemaOptions = {}): Op<void> {
  return op(function* createAll() {
    const checkfirst = options.checkfirst ?? true;
    const chosen = chosenTables(metadata, options.tables);
    const { tables, cycleForeignKeys } = sortTables(chosen);
    const deferred = new Set(cycleForeignKeys);
    const enumTypes = nativeEnumsOf(tables).map((type) => new CreateEnumType(type));
    const plans = tables.map((table) => ({
      table,
      statements: [
        new CreateTable(table, { includeForeignKeys: table.foreignKeys.filter((fk) => !deferred.has(fk)) }),
        ...table.indexes.map((index) => new CreateIndex(index)),
        ...(table.comment === undefined ? [] : [new SetComment(table)]),
        ...Object.values(table.columns)
          .filter((column) => column.comment !== undefined)
          .map((column) => new SetComment(column)),
      ],
    }));
    const cycleConstraints = cycleForeignKeys.map((fk) => new AddConstraint(fk));
    validate(conn, [...enumTypes, ...plans.flatMap((plan) => plan.statements), ...cycleConstraints]);

    for (const statement of enumTypes) {
      if (checkfirst && (yield* exists(conn, enumExistsQuery(statement.enumType)))) continue;
      yield* conn.execute(statement);
    }
    const created = new Set<Table>();
    for (const { table, statements } of plans) {
      if (checkfirst && (yield* exists(conn, tableExistsQuery(table.name, table.schema)))) continue;
      for (const statement of statements) yield* conn.execute(statement);
      created.add(table);
    }
    // A table that already existed keeps the constraints it has.
    for (const statement of cycleConstraints) {
      if (created.has(statement.table)) yield* conn.execute(statement);
    }
  });
}

/**
 * DROP everything createAll creates, in reverse: the foreign keys that close a dependency cycle
 * (ALTER TABLE ... DROP CONSTRAINT), the tables (referencing tables first), then the native enum
 * types of the dropped tables that no other table of the MetaData uses.
 */
export function dropAll(metadata: MetaData, conn: SchemaConnection, options: SchemaOptions = {}): Op<void> {
  return op(function* dropAll() {
    const checkfirst = options.checkfirst ?? true;
    const chosen = chosenTables(metadata, options.tables);
    const { tables, cycleForeignKeys } = sortTables(chosen);
    const cycleConstraints = cycleForeignKeys.map((fk) => new DropConstraint(fk));
    const drops = [...tables].reverse().map((table) => new DropTable(table));
    const chosenSet = new Set(chosen);
    const kept = [...metadata.tables.values()].filter((table) => !chosenSet.has(table));
    const keptTypes = new Set(nativeEnumsOf(kept).map(typeKey));
    const enumTypes = nativeEnumsOf(tables)
      .filter((type) => !keptTypes.has(typeKey(type)))
      .map((type) => new DropEnumType(type));
    validate(conn, [...cycleConstraints, ...drops, ...enumTypes]);

    const existing = new Set<Table>();
    for (const { table } of drops) {
      if (!checkfirst || (yield* exists(conn, tableExistsQuery(table.name, table.schema))))
        existing.add(table);
    }
    for (const statement of cycleConstraints) {
      const { table } = statement;
      if (!existing.has(table)) continue;
      if (
        checkfirst &&
        !(yield* exists(conn, constraintExistsQuery(statement.name, table.name, table.schema)))
      ) {
        continue;
      }
      yield* conn.execute(statement);
    }
    for (const statement of drops) {
      if (existing.has(statement.table)) yield* conn.execute(statement);
    }
    for (const statement of enumTypes) {
      if (checkfirst && !(yield* exists(conn, enumExistsQuery(statement.enumType)))) continue;
      yield* conn.execute(statement);
    }
  });
}

/** The tables to act on, each once, in the MetaData's definition order. */
function chosenTables(metadata: MetaData, tables: readonly Table[] | undefined): Table[] {
  const all = [...metadata.tables.values()];
  if (tables === undefined) return all;
  for (const table of tables) {
    if (!all.includes(table)) {
      throw new ArgumentError(`table "${table.fullname}" is not part of this MetaData`);
    }
  }
  const wanted = new Set(tables);
  return all.filter((table) => wanted.has(table));
}

function typeKey(type: EnumTypeLike): string {
  return enumKey(nativeEnum(type));
}

/** Compiles each statement once, for the errors: nothing should run when something cannot. */
function validate(conn: SchemaConnection, statements: readonly Executable[]): void {
  for (const statement of statements) statement.compile(conn.dialect);
}

/** Whether the catalog query finds a row. */
function exists(conn: SchemaConnection, query: Executable): Op<boolean> {
  return op(function* exists() {
    const value = yield* conn.scalar(query);
    return value !== undefined && value !== null;
  });
}
