import { ArgumentError, NoSuchTableError } from "../errors.ts";
import type { Instruction } from "../runtime/instruction.ts";
import type { ForeignKeyAction } from "../schema/foreign-key.ts";
import { ARRAY, type ArrayDimensions, parseArrayText } from "../types/array-type.ts";
import { LargeBinary } from "../types/binary-type.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { DateTime, Date as dateType, Time } from "../types/datetime-types.ts";
import { Enum } from "../types/enum-type.ts";
import { Float } from "../types/float-type.ts";
import { BigInteger, Integer, SmallInteger } from "../types/integer-types.ts";
import { Interval } from "../types/interval-type.ts";
import { JSONB, JSON as jsonType } from "../types/json-types.ts";
import { Numeric } from "../types/numeric-type.ts";
import type { SqlType } from "../types/sql-type.ts";
import { String as stringType, Text } from "../types/string-types.ts";
import { Unmapped } from "../types/unmapped-type.ts";
import { UUID } from "../types/uuid-type.ts";
import type { Connection } from "./connection.ts";

import type {
  ReflectedCheckConstraint,
  ReflectedColumn,
  ReflectedForeignKey,
  ReflectedForeignKeyOptions,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedUniqueConstraint,
} from "./inspector.ts";
/*
 * Reading the catalog for the Inspector: one function per question, the catalog types mapped to
 * SqlTypes, and checked reads of catalog rows (a row of an unexpected shape is a TypeError, not a
 * wrong answer).
 */

/** A table-like relation found in the catalog. @internal */
export interface Relation {
  /** As text: oids are unsigned 32-bit, which drivers hand back differently. */
  readonly oid: string;
  readonly name: string;
  /** The schema it lives in. */
  readonly schema: string;
  /** The schema it was asked for in (undefined: the search path). */
  readonly requestedSchema: string | undefined;
}

/** A foreign key, with the referred table's actual schema (reflection needs it). @internal */
export interface ForeignKeyEntry {
  readonly foreignKey: ReflectedForeignKey;
  readonly referredTableSchema: string;
}

/** Everything reflection needs about one table, read on one connection. @internal */
export interface TableDefinition {
  readonly relation: Relation;
  readonly columns: ReflectedColumn[];
  readonly primaryKey: ReflectedPrimaryKey;
  readonly foreignKeys: ForeignKeyEntry[];
  readonly uniqueConstraints: ReflectedUniqueConstraint[];
  readonly checkConstraints: ReflectedCheckConstraint[];
  readonly indexes: ReflectedIndex[];
  readonly comment: string | undefined;
}

/** @internal Reads a table's whole definition (reflection's one entry point into the catalogs). */
export function* readTableDefinition(
  conn: Connection,
  table: string,
  schema: string | undefined,
): Generator<Instruction, TableDefinition, unknown> {
  const relation = yield* findRelation(conn, table, schema);
  return {
    relation,
    columns: yield* readColumns(conn, relation),
    primaryKey: yield* readPrimaryKey(conn, relation),
    foreignKeys: yield* readForeignKeys(conn, relation),
    uniqueConstraints: yield* readUniqueConstraints(conn, relation),
    checkConstraints: yield* readCheckConstraints(conn, relation),
    indexes: yield* readIndexes(conn, relation),
    comment: yield* readTableComment(conn, relation),
  };
}

/** Relation kinds (pg_class.relkind) by what they are. */
export type RelationKind = "r" | "p" | "v" | "m";

/** @internal Names of relations of these kinds in the schema, else on the search path; sorted. */
export function* relationNames(
  conn: Connection,
  kinds: readonly RelationKind[],
  schema: string | undefined,
): Generator<Instruction, string[], unknown> {
  // Without a schema: what the search path shows, but never PostgreSQL's own tables (SQLAlchemy's scope).
  const scope =
    schema === undefined
      ? "pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog'"
      : "n.nspname = $1";
  // The kinds are this module's constants (typed above), so they are written into the SQL.
  const kindList = kinds.map((kind) => `'${kind}'`).join(", ");
  const rows = yield* query(
    conn,
    `SELECT c.relname::text AS name
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN (${kindList}) AND c.relpersistence <> 't' AND ${scope}
      ORDER BY c.relname`,
    schema === undefined ? [] : [schema],
  );
  return rows.map((row) => textAt(row, "name"));
}

/** The table (or view...) of the name in the schema, else the one the search path finds. */
export function* findRelation(
  conn: Connection,
  table: string,
  schema: string | undefined,
): Generator<Instruction, Relation, unknown> {
  if (typeof table !== "string" || table === "") throw new ArgumentError("a table name is needed");
  const scope = schema === undefined ? "pg_catalog.pg_table_is_visible(c.oid)" : "n.nspname = $2";
  const [row] = yield* query(
    conn,
    `SELECT c.oid::text AS oid, n.nspname::text AS schema
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${scope}`,
    schema === undefined ? [table] : [table, schema],
  );
  if (row === undefined) throw new NoSuchTableError(table, schema);
  return { oid: textAt(row, "oid"), name: table, schema: textAt(row, "schema"), requestedSchema: schema };
}

/** The names of the columns `keys` (an int2[] of attnums) names, in its order: a SQL subquery. */
function keyColumns(keys: string, relation: string): string {
  return `ARRAY(SELECT a.attname::text
                  FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, position)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.attnum
                 ORDER BY k.position)`;
}

export function* readColumns(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ReflectedColumn[], unknown> {
  // b is the column's type, or its element type for an array (a true array type: its element's
  // typarray points back at it, which int2vector and the like do not).
  const rows = yield* query(
    conn,
    `SELECT a.attname::text AS name,
            a.attnotnull AS not_null,
            a.atttypmod AS typmod,
            a.attndims AS dimensions,
            e.oid IS NOT NULL AS is_array,
            pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_sql,
            a.attidentity::text AS identity,
            a.attgenerated::text AS generated,
            pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
            b.typname::text AS type_name,
            bn.nspname::text AS type_schema,
            b.typtype::text AS type_kind,
            pg_catalog.pg_type_is_visible(b.oid) AS type_visible,
            pg_catalog.format_type(b.oid, a.atttypmod) AS type_sql,
            ARRAY(SELECT l.enumlabel::text FROM pg_catalog.pg_enum l
                   WHERE l.enumtypid = b.oid ORDER BY l.enumsortorder) AS labels,
            EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                      JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
                     WHERE dep.classid = 'pg_catalog.pg_class'::regclass
                       AND dep.refclassid = 'pg_catalog.pg_class'::regclass
                       AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
                       AND dep.deptype = 'a') AS owns_sequence
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
       JOIN pg_catalog.pg_type b ON b.oid = COALESCE(e.oid, t.oid)
       JOIN pg_catalog.pg_namespace bn ON bn.oid = b.typnamespace
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [relation.oid],
  );
  return rows.map((row): ReflectedColumn => {
    const baseType = mappedType({
      name: textAt(row, "type_name"),
      schema: textAt(row, "type_schema"),
      kind: textAt(row, "type_kind"),
      visible: boolAt(row, "type_visible"),
      typmod: intAt(row, "typmod"),
      labels: textListAt(row, "labels"),
    });
    const base = baseType ?? Unmapped(textAt(row, "type_sql"));
    const type = boolAt(row, "is_array")
      ? ARRAY(base, { dimensions: arrayDimensions(intAt(row, "dimensions")) })
      : base;
    const expression = optionalTextAt(row, "default_sql");
    const generated = textAt(row, "generated");
    const identity = textAt(row, "identity");
    const integer = baseType !== undefined && integerTypeNames.has(baseType.name) && !boolAt(row, "is_array");
    const serial = integer && boolAt(row, "owns_sequence") && expression?.startsWith("nextval(") === true;
    const column: ReflectedColumn = {
      name: textAt(row, "name"),
      type,
      nullable: !boolAt(row, "not_null"),
      default: generated === "" ? expression : undefined,
      autoincrement: identity !== "" ? "identity" : serial,
      comment: optionalTextAt(row, "comment"),
    };
    if (generated === "" || expression === undefined) return column;
    return { ...column, computed: { sqltext: expression, persisted: generated === "s" } };
  });
}

export function* readPrimaryKey(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ReflectedPrimaryKey, unknown> {
  const [row] = yield* query(
    conn,
    `SELECT con.conname::text AS name, ${keyColumns("con.conkey", "con.conrelid")} AS columns
       FROM pg_catalog.pg_constraint con
      WHERE con.conrelid = $1::oid AND con.contype = 'p'`,
    [relation.oid],
  );
  if (row === undefined) return { name: undefined, constrainedColumns: [] };
  return { name: textAt(row, "name"), constrainedColumns: textListAt(row, "columns") };
}

const foreignKeyActions: Readonly<Record<string, ForeignKeyAction | undefined>> = {
  a: undefined, // NO ACTION: the default, left out as SQLAlchemy does
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

export function* readForeignKeys(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ForeignKeyEntry[], unknown> {
  const rows = yield* query(
    conn,
    `SELECT con.conname::text AS name,
            ${keyColumns("con.conkey", "con.conrelid")} AS columns,
            ${keyColumns("con.confkey", "con.confrelid")} AS referred_columns,
            rc.relname::text AS referred_table,
            rn.nspname::text AS referred_schema,
            pg_catalog.pg_table_is_visible(rc.oid) AS referred_visible,
            con.confdeltype::text AS on_delete,
            con.confupdtype::text AS on_update,
            con.condeferrable AS deferrable,
            con.condeferred AS deferred
       FROM pg_catalog.pg_constraint con
       JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
       JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.conrelid = $1::oid AND con.contype = 'f'
      ORDER BY con.conname`,
    [relation.oid],
  );
  return rows.map((row) => {
    const referredTableSchema = textAt(row, "referred_schema");
    const onDelete = foreignKeyActions[textAt(row, "on_delete")];
    const onUpdate = foreignKeyActions[textAt(row, "on_update")];
    const options: ReflectedForeignKeyOptions = {
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
      ...(boolAt(row, "deferrable") ? { deferrable: true } : {}),
      ...(boolAt(row, "deferred") ? { initiallyDeferred: true } : {}),
    };
    const named = referredTableSchema === relation.requestedSchema || !boolAt(row, "referred_visible");
    return {
      foreignKey: {
        name: textAt(row, "name"),
        constrainedColumns: textListAt(row, "columns"),
        referredSchema: named ? referredTableSchema : undefined,
        referredTable: textAt(row, "referred_table"),
        referredColumns: textListAt(row, "referred_columns"),
        options,
      },
      referredTableSchema,
    };
  });
}

export function* readUniqueConstraints(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ReflectedUniqueConstraint[], unknown> {
  const rows = yield* query(
    conn,
    `SELECT con.conname::text AS name, ${keyColumns("con.conkey", "con.conrelid")} AS columns
       FROM pg_catalog.pg_constraint con
      WHERE con.conrelid = $1::oid AND con.contype = 'u'
      ORDER BY con.conname`,
    [relation.oid],
  );
  return rows.map((row) => ({ name: textAt(row, "name"), columnNames: textListAt(row, "columns") }));
}

export function* readCheckConstraints(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ReflectedCheckConstraint[], unknown> {
  const rows = yield* query(
    conn,
    `SELECT con.conname::text AS name, pg_catalog.pg_get_expr(con.conbin, con.conrelid) AS condition
       FROM pg_catalog.pg_constraint con
      WHERE con.conrelid = $1::oid AND con.contype = 'c'
      ORDER BY con.conname`,
    [relation.oid],
  );
  return rows.map((row) => ({
    name: textAt(row, "name"),
    sqltext: unwrapParentheses(textAt(row, "condition")),
  }));
}

export function* readIndexes(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, ReflectedIndex[], unknown> {
  // Key columns only (an INCLUDE column is stored, not indexed); attnum 0 marks an expression.
  const rows = yield* query(
    conn,
    `SELECT i.relname::text AS name,
            ix.indisunique AS is_unique,
            am.amname::text AS method,
            pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
            ARRAY(SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END
                    FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                   WHERE k.position <= ix.indnkeyatts
                   ORDER BY k.position) AS columns,
            ARRAY(SELECT pg_catalog.pg_get_indexdef(ix.indexrelid, k.position, true)
                    FROM generate_series(1, ix.indnkeyatts::int) AS k(position)
                   ORDER BY k.position) AS elements
       FROM pg_catalog.pg_index ix
       JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
       JOIN pg_catalog.pg_am am ON am.oid = i.relam
      WHERE ix.indrelid = $1::oid
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                         WHERE con.conrelid = ix.indrelid AND con.conindid = ix.indexrelid
                           AND con.contype IN ('p', 'u', 'x'))
      ORDER BY i.relname`,
    [relation.oid],
  );
  return rows.map((row) => {
    const columnNames = optionalTextListAt(row, "columns");
    const predicate = optionalTextAt(row, "predicate");
    const method = textAt(row, "method");
    return {
      name: textAt(row, "name"),
      columnNames,
      unique: boolAt(row, "is_unique"),
      ...(columnNames.includes(null) ? { expressions: textListAt(row, "elements") } : {}),
      ...(predicate === undefined ? {} : { where: unwrapParentheses(predicate) }),
      ...(method === "btree" ? {} : { using: method }),
    };
  });
}

export function* readTableComment(
  conn: Connection,
  relation: Relation,
): Generator<Instruction, string | undefined, unknown> {
  const [row] = yield* query(conn, "SELECT pg_catalog.obj_description($1::oid, 'pg_class') AS comment", [
    relation.oid,
  ]);
  return row === undefined ? undefined : optionalTextAt(row, "comment");
}

// ------------------------------------------------------------------------------------- type mapping

const integerTypeNames: ReadonlySet<string> = new Set(["Integer", "BigInteger", "SmallInteger"]);

interface CatalogType {
  readonly name: string;
  readonly schema: string;
  /** pg_type.typtype: "b" base, "e" enum, "d" domain... */
  readonly kind: string;
  /** Whether the search path finds the type by its bare name. */
  readonly visible: boolean;
  /** The column's type modifier (-1: none): varchar length, numeric precision and scale... */
  readonly typmod: number;
  /** An enum's labels, in their sort order. */
  readonly labels: readonly string[];
}

/** The Athanor type of a catalog type, or undefined when there is none (the caller falls back to Unmapped). */
function mappedType(type: CatalogType): SqlType<unknown> | undefined {
  if (type.kind === "e") return enumType(type);
  if (type.schema !== "pg_catalog") return undefined;
  const { typmod } = type;
  // time and timestamp keep their precision as the typmod itself.
  const precision = typmod >= 0 ? { precision: typmod } : {};
  switch (type.name) {
    case "int2":
      return SmallInteger();
    case "int4":
      return Integer();
    case "int8":
      return BigInteger();
    case "varchar":
      // varchar's typmod counts the 4-byte length header.
      return typmod >= 4 ? stringType(typmod - 4) : stringType();
    case "text":
      return Text();
    case "bool":
      return booleanType();
    case "numeric":
      return numericType(typmod);
    case "float4":
      return Float(24);
    case "float8":
      return Float();
    case "date":
      return dateType();
    case "time":
      return Time(precision);
    case "timetz":
      return Time({ timezone: true, ...precision });
    case "timestamp":
      return DateTime(precision);
    case "timestamptz":
      return DateTime({ timezone: true, ...precision });
    case "interval":
      return Interval();
    case "json":
      return jsonType();
    case "jsonb":
      return JSONB();
    case "uuid":
      return UUID();
    case "bytea":
      return LargeBinary();
    default:
      return undefined;
  }
}

/** NUMERIC(p, s) from its typmod: (p << 16 | s) + 4, the scale an 11-bit signed field (PostgreSQL 15+). */
function numericType(typmod: number): SqlType<unknown> | undefined {
  if (typmod < 4) return Numeric();
  const packed = typmod - 4;
  const precision = (packed >> 16) & 0xffff;
  const rawScale = packed & 0x7ff;
  const scale = rawScale >= 0x400 ? rawScale - 0x800 : rawScale;
  // Negative scales and scales above the precision have no Numeric spelling: Unmapped keeps the DDL.
  if (scale < 0 || scale > precision) return undefined;
  return Numeric(precision, scale);
}

/** A native enum; undefined for what Enum refuses (no labels, a name it cannot take). */
function enumType(type: CatalogType): SqlType<unknown> | undefined {
  const [first, ...rest] = type.labels;
  if (first === undefined) return undefined;
  try {
    return Enum([first, ...rest], { name: type.name, ...(type.visible ? {} : { schema: type.schema }) });
  } catch (error) {
    if (error instanceof ArgumentError) return undefined;
    throw error;
  }
}

/** attndims is 0 for arrays PostgreSQL did not record a depth for; Athanor arrays have 1 to 6. */
function arrayDimensions(dimensions: number): ArrayDimensions {
  return Math.min(Math.max(dimensions, 1), 6) as ArrayDimensions;
}

// ----------------------------------------------------------------------------------- row reading

type CatalogRow = Readonly<Record<string, unknown>>;

export function* query(
  conn: Connection,
  sql: string,
  parameters: readonly unknown[] = [],
): Generator<Instruction, CatalogRow[], unknown> {
  const result = yield* conn.execDriverSql(sql, parameters);
  return result.mappings().all();
}

function catalogError(row: CatalogRow, key: string, expected: string): TypeError {
  return new TypeError(
    `catalog query: "${key}" should be ${expected}, the driver gave ${JSON.stringify(row[key])}`,
  );
}

export function optionalTextAt(row: CatalogRow, key: string): string | undefined {
  const value = row[key];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") throw catalogError(row, key, "text");
  return value;
}

export function textAt(row: CatalogRow, key: string): string {
  const value = optionalTextAt(row, key);
  if (value === undefined) throw catalogError(row, key, "text");
  return value;
}

function boolAt(row: CatalogRow, key: string): boolean {
  const value = row[key];
  if (typeof value === "boolean") return value;
  if (value === "t" || value === "f") return value === "t";
  throw catalogError(row, key, "a boolean");
}

function intAt(row: CatalogRow, key: string): number {
  const value = row[key];
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" || typeof value === "bigint"
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(number)) throw catalogError(row, key, "an integer");
  return number;
}

/** A text[] value: a JS array from drivers that parse arrays, PostgreSQL array text from others. */
function optionalTextListAt(row: CatalogRow, key: string): (string | null)[] {
  const value = row[key];
  const items: unknown[] | undefined = Array.isArray(value)
    ? value
    : typeof value === "string"
      ? parseArrayText(value)
      : undefined;
  if (items === undefined || !items.every((item) => item === null || typeof item === "string")) {
    throw catalogError(row, key, "a text array");
  }
  return items as (string | null)[];
}

function textListAt(row: CatalogRow, key: string): string[] {
  const items = optionalTextListAt(row, key);
  if (items.includes(null)) throw catalogError(row, key, "a text array without nulls");
  return items as string[];
}

/**
 * PostgreSQL writes a condition inside parentheses (`(total >= 0)`); SQLAlchemy reports it without
 * them. Removed only when the first parenthesis closes at the very end (not for `(a) AND (b)`).
 */
function unwrapParentheses(sql: string): string {
  const trimmed = sql.trim();
  if (!trimmed.startsWith("(") || !trimmed.endsWith(")")) return trimmed;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]!;
    if (quote !== undefined) {
      // A doubled quote inside quotes is the quote character itself: it closes and reopens.
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "(") depth++;
    else if (char === ")") {
      depth--;
      if (depth === 0 && i < trimmed.length - 1) return trimmed;
    }
  }
  return trimmed.slice(1, -1).trim();
}
