import type { ColumnElement } from "../sql/column-element.ts";
import { ColumnClause } from "../sql/from-clause.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import type { SqlType, TypeArg } from "../types/sql-type.ts";
import { resolveType } from "../types/sql-type.ts";
import { ForeignKey } from "./foreign-key.ts";
import type { Table } from "./table.ts";

/** A client-side default or onupdate: a value, a function called per row, or a SQL expression. */
export type ClientDefault<T> = T | (() => T) | ColumnElement<T>;

export interface ColumnOptions<T = unknown> {
  /** The SQL name, when it differs from the attribute key. */
  name?: string;
  primaryKey?: boolean;
  /** Default: true, except for primary key columns. */
  nullable?: boolean;
  /**
   * For a single integer primary key (the default "auto"): SERIAL, or with "identity" an IDENTITY
   * column. false: a plain integer.
   */
  autoincrement?: boolean | "auto" | "identity";
  /** Applied by INSERT when the statement does not give a value. */
  default?: ClientDefault<T>;
  /** Applied by UPDATE when the statement does not give a value. */
  onupdate?: ClientDefault<T>;
  /** DDL DEFAULT: SQL text (written as is) or a SQL expression such as func.now(). */
  serverDefault?: string | ColumnElement<unknown>;
  /** Marks a value the server sets on UPDATE (a trigger, say); no DDL is emitted for it. */
  serverOnupdate?: string | ColumnElement<unknown>;
  unique?: boolean;
  /** Creates an index on this column (ix_<table>_<column>, cut to 63 bytes with a hash when longer). */
  index?: boolean;
  comment?: string;
}

export type ColumnExtra<T = unknown> = ColumnOptions<T> | ForeignKey;

/** A column declared but not yet part of a table: what `column()` returns. */
export class ColumnSpec<T, Nullable extends boolean> {
  declare readonly __nullable: Nullable;
  declare readonly type: SqlType<T>;
  declare readonly options: ColumnOptions<T>;
  declare readonly foreignKeys: readonly ForeignKey[];

  constructor(type: SqlType<T>, options: ColumnOptions<T>, foreignKeys: readonly ForeignKey[]) {
    this.type = type;
    this.options = options;
    this.foreignKeys = foreignKeys;
  }
}

/** Whether a column declared with these extras may hold NULL. */
export type IsNullable<E extends readonly unknown[]> =
  Extract<E[number], { primaryKey: true } | { nullable: false }> extends never ? true : false;

/**
 * Declares a column: its type, then options and foreign keys in any order.
 * `column(Integer, { primaryKey: true })`, `column(Integer, ForeignKey("a.id"), { name: "a_id" })`.
 */
export function column<T, const E extends readonly ColumnExtra<NoInfer<T>>[]>(
  type: TypeArg<T>,
  ...extras: E
): ColumnSpec<T, IsNullable<E>> {
  const options: ColumnOptions<T> = {};
  const foreignKeys: ForeignKey[] = [];
  for (const extra of extras) {
    if (extra instanceof ForeignKey) foreignKeys.push(extra);
    else Object.assign(options, extra);
  }
  return new ColumnSpec(resolveType(type), options, foreignKeys);
}

/** A column of a Table. */
export class Column<T, K extends string = string> extends ColumnClause<T, K> {
  declare readonly table: Table;
  declare readonly primaryKey: boolean;
  declare readonly nullable: boolean;
  declare readonly autoincrement: boolean | "auto" | "identity";
  declare readonly default: ClientDefault<unknown> | undefined;
  declare readonly onupdate: ClientDefault<unknown> | undefined;
  declare readonly serverDefault: string | ColumnElement<unknown> | undefined;
  declare readonly serverOnupdate: string | ColumnElement<unknown> | undefined;
  declare readonly unique: boolean;
  declare readonly index: boolean;
  declare readonly comment: string | undefined;
  declare readonly foreignKeys: readonly ForeignKey[];

  constructor(key: K, spec: ColumnSpec<unknown, boolean>, table: Table) {
    const options = spec.options;
    const name = options.name ?? key;
    checkIdentifier(name, `column "${key}"`);
    super(key, name, spec.type, table);
    this.table = table;
    this.primaryKey = options.primaryKey ?? false;
    this.nullable = options.nullable ?? !this.primaryKey;
    this.autoincrement = options.autoincrement ?? "auto";
    this.default = options.default;
    this.onupdate = options.onupdate;
    this.serverDefault = options.serverDefault;
    this.serverOnupdate = options.serverOnupdate;
    this.unique = options.unique ?? false;
    this.index = options.index ?? false;
    this.comment = options.comment;
    this.foreignKeys = spec.foreignKeys;
  }
}
