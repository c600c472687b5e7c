import type {
  AliasNode,
  ColumnNode,
  IdentifierNode,
  OperationNode,
  RawNode,
  TableNode,
  WhereNode,
} from "kysely";
import { checkIdentifierLength } from "../sql/identifier.ts";

/**
 * Kysely's operation nodes, built as frozen literals of Kysely's public node interfaces (their
 * factories are Kysely-internal and change between minors). Only the compile/ modules use these.
 */
export const freeze = Object.freeze;

/**
 * Every name the compiler writes goes through here: one longer than PostgreSQL's limit is refused at
 * compile time too, whatever path made it (schema objects already refuse theirs when built).
 */
export function identifier(name: string): IdentifierNode {
  return freeze({ kind: "IdentifierNode", name: checkIdentifierLength(name, "compile") });
}

export function raw(fragments: readonly string[], parameters: readonly OperationNode[] = []): RawNode {
  return freeze({
    kind: "RawNode",
    sqlFragments: freeze([...fragments]),
    parameters: freeze([...parameters]),
  });
}

export function table(name: string, schema?: string): TableNode {
  return freeze({
    kind: "TableNode",
    table: freeze({
      kind: "SchemableIdentifierNode",
      ...(schema === undefined ? {} : { schema: identifier(schema) }),
      identifier: identifier(name),
    }),
  });
}

export function columnNode(name: string): ColumnNode {
  return freeze({ kind: "ColumnNode", column: identifier(name) });
}

export function alias(node: OperationNode, name: string): AliasNode {
  return freeze({ kind: "AliasNode", node, alias: identifier(name) });
}

export function parens(node: OperationNode): OperationNode {
  return freeze({ kind: "ParensNode", node });
}

export function operatorNode(operator: string): OperationNode {
  return freeze({ kind: "OperatorNode", operator }) as unknown as OperationNode;
}

export function binary(left: OperationNode, operator: string, right: OperationNode): OperationNode {
  return freeze({
    kind: "BinaryOperationNode",
    leftOperand: left,
    operator: operatorNode(operator),
    rightOperand: right,
  }) as OperationNode;
}

export function where(condition: OperationNode): WhereNode {
  return freeze({ kind: "WhereNode", where: condition });
}
