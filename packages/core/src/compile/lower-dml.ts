import type { ColumnUpdateNode, OperationNode, ReturningNode } from "kysely";
import type { Column } from "../schema/column.ts";
import type { ColumnElement } from "../sql/column-element.ts";
import type { Delete } from "../sql/delete.ts";
import type { Insert } from "../sql/insert.ts";
import type { Update } from "../sql/update.ts";
import type { Lowerer, Lowering } from "./lower.ts";
import { columnNode, freeze, identifier, where } from "./nodes.ts";

declare module "../sql/element-kinds.ts" {
  interface ElementKinds {
    insert: Insert;
    update: Update;
    delete: Delete;
    excluded: import("../sql/insert.ts").Excluded;
  }
}

/** INSERT, UPDATE, DELETE to Kysely nodes. Columns being written are named bare (no table). */
export const dmlLowerers: {
  readonly insert: Lowerer<"insert">;
  readonly update: Lowerer<"update">;
  readonly delete: Lowerer<"delete">;
  readonly excluded: Lowerer<"excluded">;
} = {
  insert: (statement, lowering) => {
    const plan = statement.plan(lowering.shapes);
    const target = lowering.qualifier(statement.table);
    const conflict = statement.conflict;
    // Only a SELECT source and ON CONFLICT ... WHERE can refer to the target (correlation scope).
    return lowering.inScope(
      [statement.table],
      () =>
        freeze({
          kind: "InsertQueryNode",
          into: target,
          ...(plan.columns.length > 0
            ? { columns: plan.columns.map((column) => columnNode(column.name)) }
            : {}),
          ...(plan.rows !== undefined
            ? {
                values: freeze({
                  kind: "ValuesNode",
                  values: plan.rows.map((row) =>
                    freeze({ kind: "ValueListNode", values: row.map((value) => lowering.lower(value)) }),
                  ),
                }),
              }
            : {}),
          ...(plan.select !== undefined ? { values: lowering.rowSource(plan.select, false) } : {}),
          ...(plan.rows === undefined && plan.select === undefined ? { defaultValues: true } : {}),
          ...(conflict !== undefined
            ? {
                onConflict: freeze({
                  kind: "OnConflictNode",
                  ...(conflict.indexElements.length > 0
                    ? { columns: conflict.indexElements.map((element) => indexElement(element, lowering)) }
                    : {}),
                  ...(conflict.constraint !== undefined
                    ? { constraint: identifier(conflict.constraint) }
                    : {}),
                  ...(conflict.indexWhere !== undefined
                    ? { indexWhere: where(lowering.lower(conflict.indexWhere)) }
                    : {}),
                  ...(conflict.set === undefined
                    ? { doNothing: true }
                    : {
                        updates: conflict.set.map(([column, value]) => assignment(column, value, lowering)),
                      }),
                  ...(conflict.where !== undefined
                    ? { updateWhere: where(lowering.lower(conflict.where)) }
                    : {}),
                }),
              }
            : {}),
          ...returning(statement.returningItems, lowering),
        }) as OperationNode,
    );
  },
  update: (statement, lowering) => {
    const sets = statement.plan(lowering.shapes);
    const extra = statement.extraFroms;
    return lowering.inScope(
      [statement.table, ...extra],
      () =>
        freeze({
          kind: "UpdateQueryNode",
          table: lowering.qualifier(statement.table),
          updates: sets.map(([column, value]) => assignment(column, value, lowering)),
          ...(extra.length > 0
            ? { from: freeze({ kind: "FromNode", froms: extra.map((from) => lowering.fromItem(from)) }) }
            : {}),
          ...(statement.whereClause.length > 0
            ? { where: where(lowering.conjunction(statement.whereClause)) }
            : {}),
          ...returning(statement.returningItems, lowering),
        }) as OperationNode,
    );
  },
  delete: (statement, lowering) => {
    const extra = statement.extraFroms;
    return lowering.inScope(
      [statement.table, ...extra],
      () =>
        freeze({
          kind: "DeleteQueryNode",
          from: freeze({ kind: "FromNode", froms: [lowering.qualifier(statement.table)] }),
          ...(extra.length > 0
            ? { using: freeze({ kind: "UsingNode", tables: extra.map((from) => lowering.fromItem(from)) }) }
            : {}),
          ...(statement.whereClause.length > 0
            ? { where: where(lowering.conjunction(statement.whereClause)) }
            : {}),
          ...returning(statement.returningItems, lowering),
        }) as OperationNode,
    );
  },
  excluded: () => {
    throw new Error("athanor: `excluded` is not a FROM item; use its columns (a bug if reached)");
  },
};

function assignment(
  column: Column<unknown>,
  value: ColumnElement<unknown>,
  lowering: Lowering,
): ColumnUpdateNode {
  return freeze({ kind: "ColumnUpdateNode", column: columnNode(column.name), value: lowering.lower(value) });
}

/** An ON CONFLICT index element: a column by bare name, an expression in parentheses. */
function indexElement(element: ColumnElement<unknown>, lowering: Lowering): OperationNode {
  if (element.kind === "column") return columnNode((element as Column<unknown>).name);
  return freeze({ kind: "ParensNode", node: lowering.lower(element) }) as OperationNode;
}

function returning(
  items: readonly import("../sql/select.ts").SelectItem[],
  lowering: Lowering,
): { returning?: ReturningNode } {
  if (items.length === 0) return {};
  return { returning: freeze({ kind: "ReturningNode", selections: lowering.selections(items) }) };
}
