import { opCall } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import type { ForeignKeyAction } from "../schema/foreign-key.ts";
import { tableExistsQuery } from "../schema/pg-catalog.ts";
import type { SqlType } from "../types/sql-type.ts";
import {
  findRelation,
  optionalTextAt,
  query,
  readCheckConstraints,
  readColumns,
  readForeignKeys,
  readIndexes,
  readPrimaryKey,
  readTableComment,
  readUniqueConstraints,
  relationNames,
  textAt,
} from "./catalog-reads.ts";
import { Connection } from "./connection.ts";
import type { Engine } from "./engine.ts";
/*
 * The Inspector reads PostgreSQL's catalogs (pg_catalog) with parameterised SQL through a
 * Connection: names are always bound, never spliced into the SQL text. Casts to text (`::text`)
 * keep the values drivers return uniform (`name` and `"char"` columns otherwise depend on the
 * driver's parsers).
 */

/** A column as the catalog describes it (SQLAlchemy's ReflectedColumn). */
export interface ReflectedColumn {
  readonly name: string;
  /** The Athanor type for the catalog's type; `Unmapped` when there is no type class for it. */
  readonly type: SqlType<unknown>;
  readonly nullable: boolean;
  /** The server default as SQL text (`pg_get_expr`); undefined when there is none. */
  readonly default: string | undefined;
  /** true: a serial column (its default draws from a sequence it owns); "identity": an identity column. */
  readonly autoincrement: boolean | "identity";
  readonly comment: string | undefined;
  /** Only on a generated column: its expression (`default` is then undefined). */
  readonly computed?: { readonly sqltext: string; readonly persisted: boolean };
}

export interface ReflectedPrimaryKey {
  /** undefined when the table has no primary key (then constrainedColumns is empty). */
  readonly name: string | undefined;
  /** In the key's order. */
  readonly constrainedColumns: readonly string[];
}

export interface ReflectedForeignKeyOptions {
  /** Left out for NO ACTION, PostgreSQL's default. */
  readonly onDelete?: ForeignKeyAction;
  readonly onUpdate?: ForeignKeyAction;
  /** Only when true. */
  readonly deferrable?: boolean;
  readonly initiallyDeferred?: boolean;
}

export interface ReflectedForeignKey {
  readonly name: string;
  readonly constrainedColumns: readonly string[];
  /**
   * The referred table's schema; undefined when the search path finds the referred table (as
   * SQLAlchemy reports it), unless it is the schema that was asked for.
   */
  readonly referredSchema: string | undefined;
  readonly referredTable: string;
  /** Paired with constrainedColumns, in order. */
  readonly referredColumns: readonly string[];
  readonly options: ReflectedForeignKeyOptions;
}

export interface ReflectedIndex {
  readonly name: string;
  /** The indexed columns in order; null for an expression (then `expressions` is given). */
  readonly columnNames: readonly (string | null)[];
  readonly unique: boolean;
  /** Only for an index on expressions: every element as SQL text, columns included. */
  readonly expressions?: readonly string[];
  /** Only for a partial index: its WHERE condition. */
  readonly where?: string;
  /** Only when not btree: the index method. */
  readonly using?: string;
}

export interface ReflectedUniqueConstraint {
  readonly name: string;
  readonly columnNames: readonly string[];
}

export interface ReflectedCheckConstraint {
  readonly name: string;
  /** The condition, without the parentheses PostgreSQL puts around it. */
  readonly sqltext: string;
}

/**
 * `inspect(conn)` / `inspect(engine)`: questions about the database's schema, each an op
 * (`yield* insp.getTableNames()`). On a Connection the questions run in its transaction (they
 * autobegin one, as any statement does); on an Engine each method checks out a connection for
 * itself and returns it. Results are not cached: each call asks the database.
 */
export function inspect(bind: Connection | Engine): Inspector {
  return new Inspector(bind);
}

type Body<T> = (conn: Connection) => Iterator<Instruction, T, unknown>;

/** SQLAlchemy's Inspector, PostgreSQL catalogs. A missing table raises NoSuchTableError. */
export class Inspector {
  readonly bind: Connection | Engine;

  constructor(bind: Connection | Engine) {
    this.bind = bind;
  }

  /** Every schema but PostgreSQL's own (pg_catalog, pg_toast...), sorted; information_schema included. */
  getSchemaNames(): Op<string[]> {
    return this.#with(function* getSchemaNames(conn) {
      const rows = yield* query(
        conn,
        "SELECT n.nspname::text AS name FROM pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' ORDER BY n.nspname",
      );
      return rows.map((row) => textAt(row, "name"));
    });
  }

  /** `current_schema()`: where unqualified names are created. */
  getDefaultSchemaName(): Op<string | undefined> {
    return this.#with(function* getDefaultSchemaName(conn) {
      const [row] = yield* query(conn, "SELECT pg_catalog.current_schema()::text AS name");
      return row === undefined ? undefined : optionalTextAt(row, "name");
    });
  }

  hasSchema(schema: string): Op<boolean> {
    return this.#with(function* hasSchema(conn) {
      const rows = yield* query(conn, "SELECT 1 AS found FROM pg_catalog.pg_namespace WHERE nspname = $1", [
        schema,
      ]);
      return rows.length > 0;
    });
  }

  /** Tables (plain and partitioned; not temporary ones) of the schema, else on the search path; sorted. */
  getTableNames(schema?: string): Op<string[]> {
    return this.#with((conn) => relationNames(conn, ["r", "p"], schema));
  }

  /** Views of the schema, else on the search path; sorted. */
  getViewNames(schema?: string): Op<string[]> {
    return this.#with((conn) => relationNames(conn, ["v"], schema));
  }

  /** Materialized views of the schema, else on the search path; sorted. */
  getMaterializedViewNames(schema?: string): Op<string[]> {
    return this.#with((conn) => relationNames(conn, ["m"], schema));
  }

  /** Whether a table, view, materialized view or foreign table of the name exists (as SQLAlchemy 2.0). */
  hasTable(table: string, schema?: string): Op<boolean> {
    return this.#with(function* hasTable(conn) {
      const found = yield* conn.scalar(tableExistsQuery(table, schema));
      return found !== undefined && found !== null;
    });
  }

  /** The columns, in table order. */
  getColumns(table: string, schema?: string): Op<ReflectedColumn[]> {
    return this.#with(function* getColumns(conn) {
      return yield* readColumns(conn, yield* findRelation(conn, table, schema));
    });
  }

  getPkConstraint(table: string, schema?: string): Op<ReflectedPrimaryKey> {
    return this.#with(function* getPkConstraint(conn) {
      return yield* readPrimaryKey(conn, yield* findRelation(conn, table, schema));
    });
  }

  /** The foreign keys, by name. */
  getForeignKeys(table: string, schema?: string): Op<ReflectedForeignKey[]> {
    return this.#with(function* getForeignKeys(conn) {
      const found = yield* readForeignKeys(conn, yield* findRelation(conn, table, schema));
      return found.map((entry) => entry.foreignKey);
    });
  }

  /**
   * The indexes, by name; not those behind a constraint (the primary key, unique and exclusion
   * constraints), as SQLAlchemy: getUniqueConstraints reports those.
   */
  getIndexes(table: string, schema?: string): Op<ReflectedIndex[]> {
    return this.#with(function* getIndexes(conn) {
      return yield* readIndexes(conn, yield* findRelation(conn, table, schema));
    });
  }

  /** The unique constraints, by name. */
  getUniqueConstraints(table: string, schema?: string): Op<ReflectedUniqueConstraint[]> {
    return this.#with(function* getUniqueConstraints(conn) {
      return yield* readUniqueConstraints(conn, yield* findRelation(conn, table, schema));
    });
  }

  /** The CHECK constraints, by name (NOT NULL is a column's `nullable`, not reported here). */
  getCheckConstraints(table: string, schema?: string): Op<ReflectedCheckConstraint[]> {
    return this.#with(function* getCheckConstraints(conn) {
      return yield* readCheckConstraints(conn, yield* findRelation(conn, table, schema));
    });
  }

  /** The table's comment, or undefined. */
  getTableComment(table: string, schema?: string): Op<string | undefined> {
    return this.#with(function* getTableComment(conn) {
      return yield* readTableComment(conn, yield* findRelation(conn, table, schema));
    });
  }

  /** Runs the body on the bound connection, or on a connection of the engine's that it closes after. */
  #with<T>(body: Body<T>): Op<T> {
    const bind = this.bind;
    if (bind instanceof Connection) return opCall(body, undefined, [bind]);
    return bind.connect(body);
  }
}
