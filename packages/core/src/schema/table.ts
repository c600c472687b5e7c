import { ArgumentError } from "../errors.ts";
import type { ShapeContext, SqlElement } from "../sql/element.ts";
import {
  Alias,
  type ColumnClause,
  type ColumnPair,
  columnMap,
  FromClause,
  unalias,
} from "../sql/from-clause.ts";
import { checkIdentifier, shortenedName } from "../sql/identifier.ts";
import { Column, ColumnSpec } from "./column.ts";
import { CheckConstraint, PrimaryKeyConstraint, UniqueConstraint } from "./constraints.ts";
import { ForeignKeyConstraint } from "./foreign-key.ts";
import type { MetaData } from "./metadata.ts";
import { Index } from "./table-index.ts";

export interface TableOptions {
  /** The schema (namespace) the table lives in; default: the MetaData's schema, else none. */
  schema?: string;
  comment?: string;
}

/** What may follow a table's columns: constraints, indexes by column key, table options. */
export type TableExtra =
  | PrimaryKeyConstraint
  | UniqueConstraint
  | CheckConstraint
  | ForeignKeyConstraint
  | Index
  | TableOptions;

/** A column spec of any type and nullability. */
export type AnyColumnSpec = ColumnSpec<unknown, boolean>;

/** The typed columns of a table: `users.c.name` is a Column<string | null, "name">. */
export type TableColumns<Cols> = {
  readonly [K in keyof Cols & string]: Cols[K] extends ColumnSpec<infer T, infer N>
    ? Column<N extends true ? T | null : T, K>
    : never;
};

/** The columns of an alias of a table: the table's columns, qualified by the alias. */
export type AliasColumns<Cols> = {
  readonly [K in keyof Cols & string]: Cols[K] extends ColumnSpec<infer T, infer N>
    ? ColumnClause<N extends true ? T | null : T, K>
    : never;
};

/**
 * A table: `new Table("users", metadata, { id: column(Integer, { primaryKey: true }), ... })`.
 * Registers itself in its MetaData.
 */
export class Table<
  Cols extends Record<string, AnyColumnSpec> = Record<string, AnyColumnSpec>,
> extends FromClause {
  declare readonly kind: "table";
  declare readonly name: string;
  declare readonly schema: string | undefined;
  declare readonly metadata: MetaData;
  declare readonly comment: string | undefined;
  /** The columns by key. */
  declare readonly c: TableColumns<Cols>;
  declare readonly primaryKey: PrimaryKeyConstraint | undefined;
  declare readonly foreignKeys: readonly ForeignKeyConstraint[];
  declare readonly constraints: readonly (UniqueConstraint | CheckConstraint)[];
  declare readonly indexes: readonly Index[];
  declare private readonly byName: ReadonlyMap<string, Column<unknown>>;

  constructor(name: string, metadata: MetaData, columns: Cols, ...extras: TableExtra[]) {
    super();
    const options: TableOptions = {};
    for (const extra of extras) if (isOptions(extra)) Object.assign(options, extra);
    checkIdentifier(name, "Table");
    if (options.schema !== undefined) checkIdentifier(options.schema, `schema of table "${name}"`);
    this.kind = "table";
    this.name = name;
    this.schema = options.schema ?? metadata.schema;
    this.metadata = metadata;
    this.comment = options.comment;

    const built = columnMap<Column<unknown>>();
    const byName = new Map<string, Column<unknown>>();
    for (const [key, spec] of Object.entries(columns)) {
      if (!(spec instanceof ColumnSpec))
        throw new ArgumentError(`${name}.${key}: expected column(type, ...)`);
      const column = new Column(key, spec, this);
      if (byName.has(column.name))
        throw new ArgumentError(`table "${name}" has two columns named "${column.name}"`);
      built[key] = column;
      byName.set(column.name, column);
    }
    if (byName.size === 0) throw new ArgumentError(`table "${name}" needs at least one column`);
    this.c = built as TableColumns<Cols>;
    this.byName = byName;

    const foreignKeys: ForeignKeyConstraint[] = [];
    const constraints: (UniqueConstraint | CheckConstraint)[] = [];
    const indexes: Index[] = [];
    let primaryKey: PrimaryKeyConstraint | undefined;
    for (const column of byName.values()) {
      for (const fk of column.foreignKeys) {
        foreignKeys.push(new ForeignKeyConstraint([column.key], [fk.target], fk.options));
      }
      if (column.unique) constraints.push(UniqueConstraint(column.key));
      if (column.index) indexes.push(Index(shortenedName(`ix_${name}_${column.name}`), column.key));
    }
    const primaryKeyColumns = [...byName.values()].filter((column) => column.primaryKey);
    for (const extra of extras) {
      if (extra instanceof PrimaryKeyConstraint) {
        if (primaryKeyColumns.length > 0 || primaryKey !== undefined) {
          throw new ArgumentError(
            `table "${name}": give the primary key once (columns or a PrimaryKeyConstraint)`,
          );
        }
        primaryKey = extra;
      } else if (extra instanceof ForeignKeyConstraint) foreignKeys.push(extra);
      else if (extra instanceof UniqueConstraint || extra instanceof CheckConstraint) constraints.push(extra);
      else if (extra instanceof Index) indexes.push(extra);
    }
    if (primaryKey === undefined && primaryKeyColumns.length > 0) {
      primaryKey = PrimaryKeyConstraint(...primaryKeyColumns.map((column) => column.key));
    }
    this.primaryKey = primaryKey;
    this.foreignKeys = foreignKeys;
    this.constraints = constraints;
    this.indexes = indexes;
    primaryKey?.attach(this);
    for (const constraint of [...foreignKeys, ...constraints]) {
      if (!(constraint instanceof CheckConstraint)) constraint.attach(this);
    }
    for (const index of indexes) index.attach(this);
    metadata.add(this);
  }

  get columns(): Readonly<Record<string, Column<unknown>>> {
    return this.c;
  }

  get qualifier(): { readonly name: string; readonly schema: string | undefined } {
    return { name: this.name, schema: this.schema };
  }

  /** The table's name with its schema: `schema.name` or `name`. */
  get fullname(): string {
    return this.schema === undefined ? this.name : `${this.schema}.${this.name}`;
  }

  /** The column with this key; an error naming the table when there is none. */
  column(key: string): Column<unknown> {
    const column = Object.hasOwn(this.c, key) ? this.columns[key] : undefined;
    if (column === undefined) throw new ArgumentError(`table "${this.name}" has no column "${key}"`);
    return column;
  }

  /** The column with this SQL name, if any. */
  columnByName(name: string): Column<unknown> | undefined {
    return this.byName.get(name);
  }

  /** The primary key columns, in order. */
  get primaryKeyColumns(): Column<unknown>[] {
    return this.primaryKey?.columns ?? [];
  }

  addIndex(index: Index): void {
    if (this.indexes.includes(index)) return;
    index.attach(this);
    (this.indexes as Index[]).push(index);
  }

  alias(name: string): Alias<AliasColumns<Cols>> {
    return new Alias<AliasColumns<Cols>>(this, name);
  }

  override foreignKeysTo(target: FromClause): ColumnPair[][] {
    const referenced = unalias(target);
    const groups: ColumnPair[][] = [];
    for (const fk of this.foreignKeys) {
      if (fk.referencedTable !== referenced) continue;
      const targets = fk.referencedColumns;
      groups.push(
        fk.columns.map((own, i) => {
          const column = targets[i]!;
          return [own, target === referenced ? column : target.columns[column.key]!] as const;
        }),
      );
    }
    return groups;
  }

  shape(context: ShapeContext): void {
    context.add("t");
    context.add(this.fromId);
  }

  shapeRef(context: ShapeContext): void {
    context.add("t");
    context.add(this.fromId);
  }

  get children(): readonly SqlElement[] {
    return [];
  }

  override toString(): string {
    return this.fullname;
  }
}

function isOptions(extra: TableExtra): extra is TableOptions {
  return (
    !(extra instanceof PrimaryKeyConstraint) &&
    !(extra instanceof UniqueConstraint) &&
    !(extra instanceof CheckConstraint) &&
    !(extra instanceof ForeignKeyConstraint) &&
    !(extra instanceof Index)
  );
}
