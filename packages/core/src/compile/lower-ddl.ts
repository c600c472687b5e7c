import type {
  AlterTableNode,
  CheckConstraintNode,
  ColumnDefinitionNode,
  ConstraintNode,
  CreateIndexNode,
  CreateTableNode,
  CreateTypeNode,
  DropIndexNode,
  DropTableNode,
  DropTypeNode,
  ForeignKeyConstraintNode,
  OperationNode,
  PrimaryKeyConstraintNode,
  SchemableIdentifierNode,
  TableNode,
  UniqueConstraintNode,
  ValueListNode,
  ValueNode,
} from "kysely";
import { CompileError } from "../errors.ts";
import type { Column } from "../schema/column.ts";
import { ddlConstraintName } from "../schema/constraint-names.ts";
import type {
  CheckConstraint,
  ConstraintOptions,
  PrimaryKeyConstraint,
  UniqueConstraint,
} from "../schema/constraints.ts";
import type { ConstraintDefinition } from "../schema/ddl.ts";
import { enumTypeOf } from "../schema/enum-ddl.ts";
import type { ForeignKeyConstraint } from "../schema/foreign-key.ts";
import type { Table } from "../schema/table.ts";
import { Precedence } from "../sql/element.ts";
import type { Lowerer, Lowering } from "./lower.ts";
import { binary, columnNode, freeze, identifier, parens, raw, table as tableNode, where } from "./nodes.ts";

/**
 * Lowering of DDL statements (schema/ddl.ts) to Kysely's DDL nodes, PostgreSQL flavoured. Where
 * Kysely has no node (COMMENT ON, SERIAL as a type) a raw node carries the keywords, with names
 * inside it as identifier nodes so the compiler quotes them. Values are always inline here: the
 * Lowering of a DDL statement writes binds as literals.
 */

/** SERIAL types by integer type name: the sequence-backed spelling of each. */
const serialTypes: Readonly<Record<string, string>> = {
  Integer: "SERIAL",
  BigInteger: "BIGSERIAL",
  SmallInteger: "SMALLSERIAL",
};

type DdlKind =
  | "createTable"
  | "dropTable"
  | "createIndex"
  | "dropIndex"
  | "addConstraint"
  | "dropConstraint"
  | "createEnumType"
  | "dropEnumType"
  | "setComment";

export const ddlLowerers = {
  createTable: (statement, lowering) => {
    const table = statement.table;
    const primaryKey = table.primaryKey;
    const keyColumns = new Set(primaryKey?.columns ?? []);
    const constraints: ConstraintNode[] = [];
    // Unnamed constraints keep the server's default name, unless that would not fit (ddlConstraintName).
    if (primaryKey !== undefined)
      constraints.push(primaryKeyNode(primaryKey, ddlConstraintName(primaryKey, table)));
    for (const fk of statement.foreignKeys)
      constraints.push(foreignKeyNode(fk, ddlConstraintName(fk, table)));
    for (const constraint of table.constraints) {
      constraints.push(
        "condition" in constraint
          ? checkNode(constraint, table, lowering)
          : uniqueNode(constraint, ddlConstraintName(constraint, table)),
      );
    }
    for (const column of Object.values(table.columns)) {
      const check = enumCheck(column);
      if (check !== undefined) constraints.push(check);
    }
    const node: CreateTableNode = {
      kind: "CreateTableNode",
      table: tableOf(table),
      columns: Object.values(table.columns).map((column) =>
        columnDefinition(column, keyColumns.has(column), lowering),
      ),
      ...(constraints.length > 0 ? { constraints } : {}),
      ...(statement.ifNotExists ? { ifNotExists: true } : {}),
    };
    return freeze(node);
  },

  dropTable: (statement) => {
    const node: DropTableNode = {
      kind: "DropTableNode",
      table: tableOf(statement.table),
      ...(statement.ifExists ? { ifExists: true } : {}),
      ...(statement.cascade ? { cascade: true } : {}),
    };
    return freeze(node);
  },

  createIndex: (statement, lowering) => {
    const { index, table } = statement;
    const { unique, using, where: condition } = index.options;
    const node: CreateIndexNode = {
      kind: "CreateIndexNode",
      name: identifier(index.name),
      table: tableOf(table),
      columns: index.elements.map((element) => {
        const lowered = ownColumns(lowering.lower(element), table);
        // A bare column needs no parentheses; PostgreSQL requires them around any other expression.
        return element.kind === "column" ? lowered : parens(lowered);
      }),
      ...(unique === true ? { unique: true } : {}),
      ...(using === undefined ? {} : { using: raw([using]) }),
      ...(statement.ifNotExists ? { ifNotExists: true } : {}),
      ...(condition === undefined ? {} : { where: where(ownColumns(lowering.lower(condition), table)) }),
    };
    return freeze(node);
  },

  dropIndex: (statement) => {
    const node: DropIndexNode = {
      kind: "DropIndexNode",
      // An index lives in its table's schema, and DROP INDEX names it there.
      name: schemable(statement.index.name, statement.table.schema),
      ...(statement.ifExists ? { ifExists: true } : {}),
    };
    return freeze(node);
  },

  addConstraint: (statement, lowering) => {
    const node: AlterTableNode = {
      kind: "AlterTableNode",
      table: tableOf(statement.table),
      addConstraint: freeze({
        kind: "AddConstraintNode",
        constraint: constraintNode(statement.definition, statement.name, statement.table, lowering),
      }),
    };
    return freeze(node);
  },

  dropConstraint: (statement) => {
    const node: AlterTableNode = {
      kind: "AlterTableNode",
      table: tableOf(statement.table),
      dropConstraint: freeze({
        kind: "DropConstraintNode",
        constraintName: identifier(statement.name),
        ...(statement.ifExists ? { ifExists: true } : {}),
        ...(statement.cascade ? { modifier: "cascade" as const } : {}),
      }),
    };
    return freeze(node);
  },

  createEnumType: (statement) => {
    const { name, schema, values } = statement.enumType;
    const node: CreateTypeNode = {
      kind: "CreateTypeNode",
      name: schemable(name, schema),
      enum: valueList(values),
    };
    return freeze(node);
  },

  dropEnumType: (statement) => {
    const { name, schema } = statement.enumType;
    const node: DropTypeNode = {
      kind: "DropTypeNode",
      name: schemable(name, schema),
      ...(statement.ifExists ? { ifExists: true } : {}),
    };
    return freeze(node);
  },

  // Kysely has no COMMENT ON node.
  setComment: (statement) => {
    const comment = statement.comment === null ? raw(["null"]) : literal(statement.comment);
    const table = tableOf(statement.table);
    return statement.column === undefined
      ? raw(["comment on table ", " is ", ""], [table, comment])
      : raw(["comment on column ", ".", " is ", ""], [table, identifier(statement.column.name), comment]);
  },
} satisfies { readonly [K in DdlKind]: Lowerer<K> };

function tableOf(table: Table): TableNode {
  return tableNode(table.name, table.schema);
}

function schemable(name: string, schema: string | undefined): SchemableIdentifierNode {
  return freeze({
    kind: "SchemableIdentifierNode",
    ...(schema === undefined ? {} : { schema: identifier(schema) }),
    identifier: identifier(name),
  });
}

/** A string written into the SQL as a quoted literal (the compiler doubles its quotes). */
function literal(value: string): ValueNode {
  return freeze({ kind: "ValueNode", value, immediate: true });
}

function valueList(values: readonly string[]): ValueListNode {
  return freeze({ kind: "ValueListNode", values: freeze(values.map(literal)) });
}

/**
 * A column's definition: its type (SERIAL or IDENTITY for an autoincrementing integer), DEFAULT,
 * and NOT NULL unless the primary key already implies it.
 */
function columnDefinition(
  column: Column<unknown>,
  inPrimaryKey: boolean,
  lowering: Lowering,
): ColumnDefinitionNode {
  const generation = autoincrementOf(column, inPrimaryKey);
  const type = typeDdl(column);
  const serverDefault = column.serverDefault;
  const node: ColumnDefinitionNode = {
    kind: "ColumnDefinitionNode",
    column: columnNode(column.name),
    dataType: raw([generation === "serial" ? serialTypes[column.type.name]! : type]),
    ...(generation === "identity"
      ? { generated: freeze({ kind: "GeneratedNode", byDefault: true, identity: true }) }
      : {}),
    ...(serverDefault === undefined
      ? {}
      : {
          defaultTo: freeze({
            kind: "DefaultValueNode",
            defaultValue:
              typeof serverDefault === "string"
                ? raw([serverDefault])
                : // DEFAULT takes a restricted expression: anything looser than an atom goes in parentheses.
                  lowering.operand(serverDefault, Precedence.atom),
          }),
        }),
    ...(!column.nullable && !inPrimaryKey ? { notNull: true } : {}),
  };
  return freeze(node);
}

function typeDdl(column: Column<unknown>): string {
  try {
    return column.type.ddl();
  } catch (error) {
    throw new CompileError(
      `column "${column.table.fullname}"."${column.name}": its type ${column.type.name} has no DDL (${
        error instanceof Error ? error.message : String(error)
      })`,
      { cause: error },
    );
  }
}

/**
 * How a column generates its values. `autoincrement: "auto"` (the default) makes a SERIAL of the
 * table's only primary key column when it is an integer with no foreign key and no server default
 * (a foreign key column takes its values from the referenced table, as SQLAlchemy decides too);
 * `true` asks for SERIAL and `"identity"` for GENERATED BY DEFAULT AS IDENTITY on any integer column.
 */
function autoincrementOf(column: Column<unknown>, inPrimaryKey: boolean): "serial" | "identity" | undefined {
  const mode = column.autoincrement;
  if (mode === false) return undefined;
  const integer = Object.hasOwn(serialTypes, column.type.name);
  if (mode === "auto") {
    const table = column.table;
    const single = inPrimaryKey && table.primaryKeyColumns.length === 1;
    const referencing = table.foreignKeys.some((fk) => fk.columns.includes(column));
    return single && integer && !referencing && column.serverDefault === undefined ? "serial" : undefined;
  }
  const wanted = mode === "identity" ? 'autoincrement: "identity"' : "autoincrement: true";
  if (!integer) {
    throw new CompileError(
      `column "${column.table.fullname}"."${column.name}": ${wanted} needs an integer type (Integer, BigInteger, SmallInteger), not ${column.type.name}`,
    );
  }
  if (column.serverDefault !== undefined) {
    throw new CompileError(
      `column "${column.table.fullname}"."${column.name}": ${wanted} generates the column's values, so it cannot also have a serverDefault`,
    );
  }
  return mode === "identity" ? "identity" : "serial";
}

function deferrable(options: ConstraintOptions): { deferrable?: boolean; initiallyDeferred?: boolean } {
  return {
    ...(options.deferrable === undefined ? {} : { deferrable: options.deferrable }),
    ...(options.initiallyDeferred === undefined ? {} : { initiallyDeferred: options.initiallyDeferred }),
  };
}

function primaryKeyNode(constraint: PrimaryKeyConstraint, name = constraint.name): PrimaryKeyConstraintNode {
  return freeze({
    kind: "PrimaryKeyConstraintNode",
    columns: constraint.columns.map((column) => columnNode(column.name)),
    ...(name === undefined ? {} : { name: identifier(name) }),
    ...deferrable(constraint.options),
  });
}

function uniqueNode(constraint: UniqueConstraint, name = constraint.name): UniqueConstraintNode {
  return freeze({
    kind: "UniqueConstraintNode",
    columns: constraint.columns.map((column) => columnNode(column.name)),
    ...(name === undefined ? {} : { name: identifier(name) }),
    ...deferrable(constraint.options),
  });
}

function foreignKeyNode(fk: ForeignKeyConstraint, name: string | undefined): ForeignKeyConstraintNode {
  const referenced = fk.referencedTable;
  const { onDelete, onUpdate } = fk.options;
  return freeze({
    kind: "ForeignKeyConstraintNode",
    columns: fk.columns.map((column) => columnNode(column.name)),
    references: freeze({
      kind: "ReferencesNode",
      table: tableOf(referenced),
      columns: fk.referencedColumns.map((column) => columnNode(column.name)),
    }),
    ...(onDelete === undefined ? {} : { onDelete }),
    ...(onUpdate === undefined ? {} : { onUpdate }),
    ...(name === undefined ? {} : { name: identifier(name) }),
    ...deferrable(fk.options),
  });
}

/** CHECK (condition): SQL text as is, or an expression over the table's columns (written unqualified). */
function checkNode(
  constraint: CheckConstraint,
  table: Table,
  lowering: Lowering,
  name = constraint.name,
): CheckConstraintNode {
  if (constraint.options.deferrable !== undefined || constraint.options.initiallyDeferred !== undefined) {
    throw new CompileError(
      `a CHECK constraint of "${table.fullname}"${name === undefined ? "" : ` ("${name}")`} is declared deferrable: PostgreSQL checks CHECK constraints immediately, always`,
    );
  }
  const condition = constraint.condition;
  return freeze({
    kind: "CheckConstraintNode",
    expression:
      typeof condition === "string" ? raw([condition]) : ownColumns(lowering.lower(condition), table),
    ...(name === undefined ? {} : { name: identifier(name) }),
  });
}

function constraintNode(
  definition: ConstraintDefinition,
  name: string | undefined,
  table: Table,
  lowering: Lowering,
): ConstraintNode {
  switch (definition.kind) {
    case "primaryKey":
      return primaryKeyNode(definition.constraint, name);
    case "unique":
      return uniqueNode(definition.constraint, name);
    case "check":
      return checkNode(definition.constraint, table, lowering, name);
    case "foreignKey":
      return foreignKeyNode(definition.constraint, name);
  }
}

/** The CHECK that keeps a non-native enum column (a VARCHAR) to its values. */
function enumCheck(column: Column<unknown>): CheckConstraintNode | undefined {
  const type = enumTypeOf(column.type);
  if (type === undefined || type.native) return undefined;
  return freeze({
    kind: "CheckConstraintNode",
    expression: binary(columnNode(column.name), "in", valueList(type.values)),
    ...(type.typeName === undefined ? {} : { name: identifier(type.typeName) }),
  });
}

/**
 * The node with the table's own columns written bare: CHECK conditions and index expressions are
 * read in the table's scope, and SQLAlchemy writes them unqualified too. Lowering qualifies every
 * table column, so references to `table` are rewritten afterwards; any other table's stay (and
 * PostgreSQL then says what is wrong with them).
 */
function ownColumns(node: OperationNode, table: Table): OperationNode {
  const own = JSON.stringify(tableOf(table));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return freeze(value.map(rewrite));
    if (typeof value !== "object" || value === null || !("kind" in value)) return value;
    if (value.kind === "ValueNode") return value;
    if (value.kind === "ReferenceNode" && "table" in value && "column" in value) {
      if (JSON.stringify(value.table) === own) return value.column;
    }
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = rewrite(item);
    return freeze(copy);
  };
  return rewrite(node) as OperationNode;
}
