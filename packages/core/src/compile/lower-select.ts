import type {
  CommonTableExpressionNode,
  FromNode,
  OperationNode,
  OrderByItemNode,
  OrderByNode,
  RawNode,
  RootOperationNode,
  SelectionNode,
  SelectModifierNode,
  SelectQueryNode,
  WithNode,
} from "kysely";
import type { ColumnElement, Label, Ordering } from "../sql/column-element.ts";
import type { SqlElement } from "../sql/element.ts";
import type { ElementKinds } from "../sql/element-kinds.ts";
import type { ColumnClause, FromClause, Join } from "../sql/from-clause.ts";
import type { Select } from "../sql/select.ts";
import type { CompoundSelect, SelectBase } from "../sql/select-base.ts";
import type { Cte } from "../sql/subquery.ts";
import type { Lowering } from "./lower.ts";
import { alias, columnNode, freeze, parens, raw, table, where } from "./nodes.ts";

/**
 * Lowering of statements that read rows: SELECT (FROM list with joins and correlation, WHERE,
 * GROUP BY, HAVING, DISTINCT, locks), compounds (UNION ...), ORDER BY / LIMIT / OFFSET, and CTEs
 * gathered into the top statement's WITH. Shared machinery is reached through `Lowering`.
 */

const KEYWORDS = new Set(["true", "false", "null"]);

/** A FROM item. A join renders as `left <type> join right on condition`, nesting as written. */
export function fromItem(from: FromClause, lowering: Lowering): OperationNode {
  switch (from.kind) {
    case "join": {
      const join = from as Join;
      const type = join.full
        ? "full join"
        : join.rightOuter
          ? "right join"
          : join.isouter
            ? "left join"
            : "inner join";
      const right =
        join.right.kind === "join" ? parens(fromItem(join.right, lowering)) : fromItem(join.right, lowering);
      return raw(
        ["", ` ${type} `, " on ", ""],
        [fromItem(join.left, lowering), right, lowering.lower(join.on)],
      );
    }
    case "subquery": {
      const subquery = from as ElementKinds["subquery"];
      return alias(lowerRowSource(subquery.element, lowering, false), lowering.nameOf(subquery));
    }
    case "cte":
      return defineCte(from as Cte, lowering);
    default:
      return lowering.lower(from);
  }
}

/** A SELECT or compound SELECT; `correlate` when it sits inside an expression of an enclosing statement. */
export function lowerRowSource(select: SelectBase, lowering: Lowering, correlate: boolean): OperationNode {
  return select.kind === "select"
    ? lowerSelect(select as Select, lowering, correlate)
    : lowerCompound(select as CompoundSelect, lowering, correlate);
}

export function lowerSelect(select: Select, lowering: Lowering, correlate: boolean): SelectQueryNode {
  let froms = select.froms;
  if (correlate && lowering.scopes.length > 0) {
    const enclosing = lowering.enclosing();
    const allowed =
      select.correlation === "auto"
        ? enclosing
        : new Set(select.correlation.filter((from) => enclosing.has(from)));
    // As SQLAlchemy: auto-correlation applies to a SELECT of more than one FROM item, so
    // `x > (select avg(x) from t)` inside a statement on t keeps its own t. Unlike SQLAlchemy, a
    // SELECT that loses every FROM item this way stays valid: PostgreSQL takes a SELECT without
    // FROM, fully correlated, which is what it means. An explicit correlate() always applies.
    if (select.correlation !== "auto" || froms.length > 1) froms = froms.filter((from) => !allowed.has(from));
  }
  const scope = new Set<FromClause>(froms.flatMap((from) => from.parts));
  const fromNodes = froms.map((from) => fromItem(from, lowering));
  lowering.scopes.push(scope);
  try {
    const selections = lowering.selections(select.items);
    const lock = select.lockClause;
    const node: SelectQueryNode = {
      kind: "SelectQueryNode",
      selections,
      ...(fromNodes.length > 0 ? { from: freeze({ kind: "FromNode", froms: fromNodes }) as FromNode } : {}),
      ...(select.whereClause.length > 0 ? { where: where(lowering.conjunction(select.whereClause)) } : {}),
      ...(select.groupByClause.length > 0
        ? {
            groupBy: freeze({
              kind: "GroupByNode",
              items: select.groupByClause.map((item) =>
                freeze({ kind: "GroupByItemNode", groupBy: lowering.lower(item) }),
              ),
            }),
          }
        : {}),
      ...(select.havingClause.length > 0
        ? {
            having: freeze({ kind: "HavingNode", having: lowering.conjunction(select.havingClause) }),
          }
        : {}),
      ...(select.distinctClause === true ? { frontModifiers: [modifier("Distinct")] } : {}),
      ...(Array.isArray(select.distinctClause)
        ? { distinctOn: select.distinctClause.map((item: ColumnElement<unknown>) => lowering.lower(item)) }
        : {}),
      ...(lock !== undefined
        ? {
            endModifiers: [
              modifier(
                lock.read
                  ? lock.keyShare
                    ? "ForKeyShare"
                    : "ForShare"
                  : lock.keyShare
                    ? "ForNoKeyUpdate"
                    : "ForUpdate",
                lockOf(lock.of, lowering),
              ),
              ...(lock.nowait ? [modifier("NoWait")] : []),
              ...(lock.skipLocked ? [modifier("SkipLocked")] : []),
            ],
          }
        : {}),
      ...lowerCommon(select, lowering),
    };
    return freeze(node);
  } finally {
    lowering.scopes.pop();
  }
}

export function isFrom(item: SqlElement): item is FromClause {
  return "fromId" in item;
}

export function selection(node: OperationNode): SelectionNode {
  return freeze({ kind: "SelectionNode", selection: node }) as SelectionNode;
}

function modifier(
  name: NonNullable<SelectModifierNode["modifier"]>,
  of?: readonly OperationNode[],
): SelectModifierNode {
  return freeze({
    kind: "SelectModifierNode",
    modifier: name,
    ...(of === undefined || of.length === 0 ? {} : { of }),
  });
}

function lockOf(
  of: FromClause | readonly FromClause[] | undefined,
  lowering: Lowering,
): OperationNode[] | undefined {
  if (of === undefined) return undefined;
  const froms = Array.isArray(of) ? (of as readonly FromClause[]) : [of as FromClause];
  return froms.map((from) => lowering.qualifier(from));
}

/**
 * ORDER BY / LIMIT / OFFSET of a SELECT or compound. A compound's ORDER BY can only name its output
 * columns, so columns there are written by name alone; a label of the SELECT list is ordered by name.
 */
function lowerCommon(select: SelectBase, lowering: Lowering, outputNames = false): Partial<SelectQueryNode> {
  const listed = new Set<SqlElement>(select.kind === "select" ? (select as Select).items : []);
  return {
    ...(select.orderByClause.length > 0
      ? orderByPart(orderBy(select.orderByClause, lowering, outputNames, listed))
      : {}),
    ...(select.limitClause !== undefined
      ? { limit: freeze({ kind: "LimitNode", limit: lowering.lower(select.limitClause) }) }
      : {}),
    ...(select.offsetClause !== undefined
      ? { offset: freeze({ kind: "OffsetNode", offset: lowering.lower(select.offsetClause) }) }
      : {}),
  };
}

export function orderBy(
  items: readonly (ColumnElement<unknown> | Ordering)[],
  lowering: Lowering,
  outputNames = false,
  listed: ReadonlySet<SqlElement> = new Set(),
): OrderByNode | undefined {
  // PostgreSQL refuses a constant sort key (an empty IN or AND renders `false` / `true`), even in
  // parentheses; sorting by a constant does nothing, so it is left out.
  const nodes = items
    .map((item) => orderByItem(item, lowering, outputNames, listed))
    .filter(
      (node) =>
        !(node.orderBy.kind === "RawNode" && KEYWORDS.has((node.orderBy as RawNode).sqlFragments.join(""))),
    );
  return nodes.length === 0 ? undefined : freeze({ kind: "OrderByNode", items: nodes });
}

function orderByPart(node: OrderByNode | undefined): { orderBy?: OrderByNode } {
  return node === undefined ? {} : { orderBy: node };
}

export function orderByItem(
  item: ColumnElement<unknown> | Ordering,
  lowering: Lowering,
  outputNames = false,
  listed: ReadonlySet<SqlElement> = new Set(),
): OrderByItemNode {
  const sortKey = (element: ColumnElement<unknown>): OperationNode => {
    if (element.kind === "label" && (outputNames || listed.has(element))) {
      return columnNode((element as Label<unknown>).name);
    }
    if (outputNames && element.kind === "column") return columnNode((element as ColumnClause<unknown>).name);
    return lowering.lower(element);
  };
  if (item.kind !== "ordering")
    return freeze({ kind: "OrderByItemNode", orderBy: sortKey(item as ColumnElement<unknown>) });
  const ordering = item as Ordering;
  return freeze({
    kind: "OrderByItemNode",
    orderBy: sortKey(ordering.element),
    ...(ordering.direction === undefined ? {} : { direction: raw([ordering.direction]) }),
    ...(ordering.nulls === undefined ? {} : { nulls: ordering.nulls }),
  });
}

/**
 * UNION / INTERSECT / EXCEPT. Members are written bare; a member with its own ORDER BY / LIMIT /
 * OFFSET (or a nested compound) goes in parentheses, and when the first one needs them the whole
 * compound is written out as raw SQL around the parenthesised members.
 */
export function lowerCompound(
  compound: CompoundSelect,
  lowering: Lowering,
  correlate: boolean,
  top = false,
): OperationNode {
  const needsParens = (select: SelectBase): boolean =>
    select.kind === "compoundSelect" ||
    select.orderByClause.length > 0 ||
    select.limitClause !== undefined ||
    select.offsetClause !== undefined;
  const member = (select: SelectBase): OperationNode => {
    const node = lowerRowSource(select, lowering, correlate);
    return needsParens(select) ? parens(node) : node;
  };
  const common = lowerCommon(compound, lowering, true);
  if (!needsParens(compound.first)) {
    const first = lowerRowSource(compound.first, lowering, correlate) as SelectQueryNode;
    return freeze({
      ...first,
      setOperations: compound.members.map((part) =>
        freeze({
          kind: "SetOperationNode" as const,
          operator: part.operator,
          all: part.all,
          expression: member(part.select),
        }),
      ),
      ...common,
    });
  }
  const fragments = [""];
  const parameters: OperationNode[] = [member(compound.first)];
  for (const part of compound.members) {
    fragments.push(` ${part.operator}${part.all ? " all" : ""} `);
    parameters.push(member(part.select));
  }
  for (const clause of [common.orderBy, common.limit, common.offset]) {
    if (clause === undefined) continue;
    fragments.push(" ");
    parameters.push(clause);
  }
  fragments.push("");
  // Kysely parenthesises a nested SELECT node, not raw SQL: a nested compound needs its own.
  return top ? raw(fragments, parameters) : parens(raw(fragments, parameters));
}

/** Registers a CTE for the WITH clause (its dependencies first) and returns its reference. */
export function defineCte(cte: Cte, lowering: Lowering): OperationNode {
  const root = cte.root;
  const name = lowering.nameOf(root);
  const definer = lowering.cteDefiners.get(root);
  // Not yet defined, or defined by a CTE this one restates (the recursive union of it): (re)define.
  if (definer === undefined || (definer !== cte && restates(cte, definer))) {
    lowering.cteDefiners.set(root, cte);
    lowering.ctes.set(root, undefined); // in progress: a recursive reference finds it here
    if (cte.recursive || root.recursive) lowering.recursiveCte = true;
    const saved = lowering.scopes.splice(0);
    const expression = lowerRowSource(cte.element, lowering, false);
    lowering.scopes.push(...saved);
    // Re-insert so that CTEs this one uses (defined while lowering it) come before it.
    lowering.ctes.delete(root);
    lowering.ctes.set(
      root,
      freeze({
        kind: "CommonTableExpressionNode",
        name: freeze({ kind: "CommonTableExpressionNameNode", table: table(name) }),
        expression,
      }),
    );
  }
  return table(name);
}

function restates(cte: Cte, other: Cte): boolean {
  for (let earlier = cte.restates; earlier !== undefined; earlier = earlier.restates) {
    if (earlier === other) return true;
  }
  return false;
}

export function attachWith(node: OperationNode, lowering: Lowering): RootOperationNode {
  const expressions = [...lowering.ctes.values()].filter(
    (cte): cte is CommonTableExpressionNode => cte !== undefined,
  );
  if (expressions.length === 0) return node as RootOperationNode;
  const withNode: WithNode = freeze({
    kind: "WithNode",
    expressions,
    ...(lowering.recursiveCte ? { recursive: true } : {}),
  });
  if (node.kind === "RawNode") return raw(["", " ", ""], [withNode, node]);
  return freeze({ ...node, with: withNode }) as RootOperationNode;
}
