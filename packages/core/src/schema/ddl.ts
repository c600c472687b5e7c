import { ArgumentError } from "../errors.ts";
import { ColumnElement } from "../sql/column-element.ts";
import type { ShapeContext, SqlElement } from "../sql/element.ts";
import { Executable } from "../sql/executable.ts";
import { checkIdentifier } from "../sql/identifier.ts";
import { Column } from "./column.ts";
import { constraintName } from "./constraint-names.ts";
import { CheckConstraint, PrimaryKeyConstraint, type UniqueConstraint } from "./constraints.ts";
import { type EnumTypeLike, enumTypeOf, type NativeEnum, nativeEnum } from "./enum-ddl.ts";
import { ForeignKeyConstraint } from "./foreign-key.ts";
import type { Table } from "./table.ts";
import type { Index } from "./table-index.ts";

/**
 * DDL statements: CREATE / DROP of tables, indexes and enum types, ALTER TABLE ADD / DROP
 * CONSTRAINT, COMMENT ON. Each is an Executable whose lowering (compile/lower-ddl.ts) builds Kysely's
 * DDL nodes; rendering rules (SERIAL, IDENTITY, constraint names...) live there.
 */

declare module "../sql/element-kinds.ts" {
  interface ElementKinds {
    createTable: CreateTable;
    dropTable: DropTable;
    createIndex: CreateIndex;
    dropIndex: DropIndex;
    addConstraint: AddConstraint;
    dropConstraint: DropConstraint;
    createEnumType: CreateEnumType;
    dropEnumType: DropEnumType;
    setComment: SetComment;
  }
}

/** A table-level constraint. */
export type TableConstraint =
  | PrimaryKeyConstraint
  | UniqueConstraint
  | CheckConstraint
  | ForeignKeyConstraint;

/** A table constraint tagged with what it is (a primary key and a unique constraint look alike). */
export type ConstraintDefinition =
  | { readonly kind: "primaryKey"; readonly constraint: PrimaryKeyConstraint }
  | { readonly kind: "unique"; readonly constraint: UniqueConstraint }
  | { readonly kind: "check"; readonly constraint: CheckConstraint }
  | { readonly kind: "foreignKey"; readonly constraint: ForeignKeyConstraint };

/** The base of DDL statements: PostgreSQL takes no bound parameters in DDL, so values are inlined. */
export abstract class DdlStatement extends Executable {
  override get inlineValues(): boolean {
    return true;
  }
}

export interface CreateTableOptions {
  ifNotExists?: boolean;
  /**
   * The foreign keys written inside CREATE TABLE (default: all of the table's). createAll leaves out
   * those that close a dependency cycle and adds them with AddConstraint once every table exists.
   */
  includeForeignKeys?: readonly ForeignKeyConstraint[];
}

/** CREATE TABLE: columns with their types, defaults and NOT NULL, then the table's constraints. */
export class CreateTable extends DdlStatement {
  declare readonly kind: "createTable";
  declare readonly table: Table;
  declare readonly ifNotExists: boolean;
  declare readonly foreignKeys: readonly ForeignKeyConstraint[];

  constructor(table: Table, options: CreateTableOptions = {}) {
    super();
    const foreignKeys = options.includeForeignKeys ?? table.foreignKeys;
    for (const fk of foreignKeys) {
      if (!table.foreignKeys.includes(fk)) {
        throw new ArgumentError(
          `CreateTable("${table.fullname}"): includeForeignKeys holds a foreign key of another table (${describeForeignKey(fk)})`,
        );
      }
    }
    this.kind = "createTable";
    this.table = table;
    this.ifNotExists = options.ifNotExists ?? false;
    this.foreignKeys = foreignKeys;
  }

  shape(context: ShapeContext): void {
    context.add(`createTable(${flag(this.ifNotExists)}`);
    shapeTable(context, this.table);
    for (const column of Object.values(this.table.columns)) {
      context.add("col:");
      context.add(column.name);
      context.add(column.type.name);
      shapeList(context, enumTypeOf(column.type)?.values ?? []);
      context.add(`${flag(column.nullable)}${flag(column.primaryKey)}${String(column.autoincrement)}`);
      shapeSql(context, column.serverDefault);
    }
    shapeColumns(context, "pk", this.table.primaryKey);
    for (const fk of this.foreignKeys) shapeForeignKey(context, fk);
    for (const constraint of this.table.constraints) {
      if (constraint instanceof CheckConstraint) shapeCheck(context, constraint);
      else shapeColumns(context, "unique", constraint);
    }
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    const elements: SqlElement[] = [this.table];
    for (const column of Object.values(this.table.columns)) {
      if (column.serverDefault instanceof ColumnElement) elements.push(column.serverDefault);
    }
    for (const constraint of this.table.constraints) {
      if (constraint instanceof CheckConstraint && constraint.condition instanceof ColumnElement) {
        elements.push(constraint.condition);
      }
    }
    return elements;
  }
}

export interface DropTableOptions {
  ifExists?: boolean;
  cascade?: boolean;
}

/** DROP TABLE [IF EXISTS] ... [CASCADE]. */
export class DropTable extends DdlStatement {
  declare readonly kind: "dropTable";
  declare readonly table: Table;
  declare readonly ifExists: boolean;
  declare readonly cascade: boolean;

  constructor(table: Table, options: DropTableOptions = {}) {
    super();
    this.kind = "dropTable";
    this.table = table;
    this.ifExists = options.ifExists ?? false;
    this.cascade = options.cascade ?? false;
  }

  shape(context: ShapeContext): void {
    context.add(`dropTable(${flag(this.ifExists)}${flag(this.cascade)}`);
    shapeTable(context, this.table);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.table];
  }
}

/** CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table [USING method] (elements) [WHERE condition]. */
export class CreateIndex extends DdlStatement {
  declare readonly kind: "createIndex";
  declare readonly index: Index;
  declare readonly table: Table;
  declare readonly ifNotExists: boolean;

  constructor(index: Index, options: { ifNotExists?: boolean } = {}) {
    super();
    this.kind = "createIndex";
    this.index = index;
    this.table = index.table; // an index outside a table has nothing to be created on: fail now
    this.ifNotExists = options.ifNotExists ?? false;
  }

  shape(context: ShapeContext): void {
    const { index } = this;
    context.add(`createIndex(${flag(this.ifNotExists)}${flag(index.options.unique ?? false)}`);
    context.add(index.name);
    shapeTable(context, this.table);
    context.add(index.options.using ?? "");
    context.add(index.elements.length);
    for (const element of index.elements) element.shape(context);
    context.add("where:");
    index.options.where?.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    const where = this.index.options.where;
    return [this.table, ...this.index.elements, ...(where === undefined ? [] : [where])];
  }
}

/** DROP INDEX [IF EXISTS] schema.name (an index lives in its table's schema). */
export class DropIndex extends DdlStatement {
  declare readonly kind: "dropIndex";
  declare readonly index: Index;
  declare readonly table: Table;
  declare readonly ifExists: boolean;

  constructor(index: Index, options: { ifExists?: boolean } = {}) {
    super();
    this.kind = "dropIndex";
    this.index = index;
    this.table = index.table;
    this.ifExists = options.ifExists ?? false;
  }

  shape(context: ShapeContext): void {
    context.add(`dropIndex(${flag(this.ifExists)}`);
    context.add(this.index.name);
    shapeTable(context, this.table);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.table];
  }
}

/**
 * ALTER TABLE ... ADD CONSTRAINT. An unnamed primary key, unique or foreign key constraint gets
 * PostgreSQL's default name written out (`<table>_<columns>_fkey`...), so DropConstraint finds it.
 * A CHECK constraint belongs to no table until one is given: pass it as `table`.
 */
export class AddConstraint extends DdlStatement {
  declare readonly kind: "addConstraint";
  declare readonly constraint: TableConstraint;
  declare readonly definition: ConstraintDefinition;
  declare readonly table: Table;
  /** undefined only for an unnamed CHECK constraint: PostgreSQL names it. */
  declare readonly name: string | undefined;

  constructor(constraint: TableConstraint, table?: Table) {
    super();
    const owner = ownerOf(constraint, table, "AddConstraint");
    this.kind = "addConstraint";
    this.constraint = constraint;
    this.definition = define(constraint);
    this.table = owner;
    this.name = constraint instanceof CheckConstraint ? constraint.name : constraintName(constraint, owner);
  }

  shape(context: ShapeContext): void {
    context.add("addConstraint(");
    shapeTable(context, this.table);
    context.add(this.name ?? "");
    const { definition } = this;
    if (definition.kind === "check") shapeCheck(context, definition.constraint);
    else if (definition.kind === "foreignKey") shapeForeignKey(context, definition.constraint);
    else shapeColumns(context, definition.kind, definition.constraint);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    const { constraint } = this;
    return constraint instanceof CheckConstraint && constraint.condition instanceof ColumnElement
      ? [this.table, constraint.condition]
      : [this.table];
  }
}

export interface DropConstraintOptions {
  ifExists?: boolean;
  cascade?: boolean;
}

/**
 * ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name [CASCADE]: by name (give the table), or by the
 * constraint itself (its name, else the default name AddConstraint writes).
 */
export class DropConstraint extends DdlStatement {
  declare readonly kind: "dropConstraint";
  declare readonly name: string;
  declare readonly table: Table;
  declare readonly ifExists: boolean;
  declare readonly cascade: boolean;

  constructor(constraint: TableConstraint | string, table?: Table, options: DropConstraintOptions = {}) {
    super();
    let owner: Table;
    let name: string;
    if (typeof constraint === "string") {
      if (constraint === "") throw new ArgumentError("DropConstraint: the constraint name is empty");
      checkIdentifier(constraint, "DropConstraint");
      if (table === undefined) {
        throw new ArgumentError(`DropConstraint("${constraint}"): give the table the constraint belongs to`);
      }
      owner = table;
      name = constraint;
    } else {
      owner = ownerOf(constraint, table, "DropConstraint");
      if (constraint instanceof CheckConstraint) {
        if (constraint.name === undefined) {
          throw new ArgumentError(
            `DropConstraint: an unnamed CHECK constraint of "${owner.fullname}" cannot be found by name; name it (options.name) or pass its name`,
          );
        }
        name = constraint.name;
      } else name = constraintName(constraint, owner);
    }
    this.kind = "dropConstraint";
    this.name = name;
    this.table = owner;
    this.ifExists = options.ifExists ?? false;
    this.cascade = options.cascade ?? false;
  }

  shape(context: ShapeContext): void {
    context.add(`dropConstraint(${flag(this.ifExists)}${flag(this.cascade)}`);
    shapeTable(context, this.table);
    context.add(this.name);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.table];
  }
}

/** CREATE TYPE name AS ENUM (values), for a PostgreSQL native enum. */
export class CreateEnumType extends DdlStatement {
  declare readonly kind: "createEnumType";
  declare readonly enumType: NativeEnum;

  constructor(enumType: EnumTypeLike) {
    super();
    this.kind = "createEnumType";
    this.enumType = nativeEnum(enumType);
  }

  shape(context: ShapeContext): void {
    context.add("createEnumType(");
    shapeEnum(context, this.enumType);
    shapeList(context, this.enumType.values);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

/** DROP TYPE [IF EXISTS] name, for a PostgreSQL native enum. */
export class DropEnumType extends DdlStatement {
  declare readonly kind: "dropEnumType";
  declare readonly enumType: NativeEnum;
  declare readonly ifExists: boolean;

  constructor(enumType: EnumTypeLike, options: { ifExists?: boolean } = {}) {
    super();
    this.kind = "dropEnumType";
    this.enumType = nativeEnum(enumType);
    this.ifExists = options.ifExists ?? false;
  }

  shape(context: ShapeContext): void {
    context.add(`dropEnumType(${flag(this.ifExists)}`);
    shapeEnum(context, this.enumType);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

/**
 * COMMENT ON TABLE / COMMENT ON COLUMN ... IS 'text' (or IS NULL, which removes it). The comment
 * defaults to the table's or column's own `comment`.
 */
export class SetComment extends DdlStatement {
  declare readonly kind: "setComment";
  declare readonly table: Table;
  /** The column commented on; undefined for the table itself. */
  declare readonly column: Column<unknown> | undefined;
  declare readonly comment: string | null;

  constructor(target: Table | Column<unknown>, comment?: string | null) {
    super();
    this.kind = "setComment";
    if (target instanceof Column) {
      this.table = target.table;
      this.column = target;
    } else {
      this.table = target;
      this.column = undefined;
    }
    this.comment = comment === undefined ? (target.comment ?? null) : comment;
  }

  shape(context: ShapeContext): void {
    context.add("setComment(");
    shapeTable(context, this.table);
    context.add(this.column?.name ?? "");
    context.add(this.comment === null ? 0 : 1);
    if (this.comment !== null) context.add(this.comment);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return this.column === undefined ? [this.table] : [this.table, this.column];
  }
}

function define(constraint: TableConstraint): ConstraintDefinition {
  if (constraint instanceof CheckConstraint) return { kind: "check", constraint };
  if (constraint instanceof ForeignKeyConstraint) return { kind: "foreignKey", constraint };
  if (constraint instanceof PrimaryKeyConstraint) return { kind: "primaryKey", constraint };
  return { kind: "unique", constraint };
}

/** The table a constraint belongs to: its own, or (for a CHECK constraint) the one given. */
function ownerOf(constraint: TableConstraint, table: Table | undefined, statement: string): Table {
  if (constraint instanceof CheckConstraint) {
    if (table === undefined) {
      throw new ArgumentError(
        `${statement}: a CHECK constraint belongs to no table by itself; pass the table`,
      );
    }
    return table;
  }
  const owner = constraint.table;
  if (table !== undefined && table !== owner) {
    throw new ArgumentError(
      `${statement}: the constraint belongs to "${owner.fullname}", not to "${table.fullname}"`,
    );
  }
  return owner;
}

function describeForeignKey(fk: ForeignKeyConstraint): string {
  return `${fk.table.fullname}(${fk.columns.map((column) => column.name).join(", ")})`;
}

function flag(value: boolean): string {
  return value ? "1" : "0";
}

// Shape keys: DDL is compiled with values inline and never cached, but its shape still has to
// collect the binds of the expressions inside it (defaults, CHECK conditions, partial indexes).

/** A list of names or values, counted so that what follows it cannot be read as part of it. */
function shapeList(context: ShapeContext, items: readonly string[]): void {
  context.add(items.length);
  for (const item of items) context.add(item);
}

function shapeTable(context: ShapeContext, table: Table): void {
  context.add("t:");
  context.add(table.schema ?? "");
  context.add(table.name);
}

function shapeSql(context: ShapeContext, sql: string | ColumnElement<unknown> | undefined): void {
  if (sql === undefined) context.add("-");
  else if (typeof sql === "string") context.add(sql);
  else sql.shape(context);
}

function shapeColumns(
  context: ShapeContext,
  label: string,
  constraint: PrimaryKeyConstraint | UniqueConstraint | undefined,
): void {
  if (constraint === undefined) return;
  context.add(`${label}:`);
  context.add(constraint.name ?? "");
  shapeList(
    context,
    constraint.columns.map((column) => column.name),
  );
  context.add(
    `${flag(constraint.options.deferrable ?? false)}${flag(constraint.options.initiallyDeferred ?? false)}`,
  );
}

function shapeForeignKey(context: ShapeContext, fk: ForeignKeyConstraint): void {
  context.add("fk:");
  context.add(fk.name ?? "");
  shapeList(
    context,
    fk.columns.map((column) => column.name),
  );
  shapeTable(context, fk.referencedTable);
  shapeList(
    context,
    fk.referencedColumns.map((column) => column.name),
  );
  const { onDelete, onUpdate, deferrable, initiallyDeferred } = fk.options;
  context.add(`${onDelete ?? ""}/${onUpdate ?? ""}`);
  context.add(`${String(deferrable)}${String(initiallyDeferred)}`);
}

function shapeCheck(context: ShapeContext, check: CheckConstraint): void {
  context.add("check:");
  context.add(check.name ?? "");
  shapeSql(context, check.condition);
}

function shapeEnum(context: ShapeContext, type: NativeEnum): void {
  context.add(type.schema ?? "");
  context.add(type.name);
}
