import type {
  ColumnNode,
  CommonTableExpressionNode,
  OperationNode,
  ReferenceNode,
  RootOperationNode,
  SelectionNode,
  TableNode,
  ValueNode,
} from "kysely";
import { CompileError } from "../errors.ts";
import type { BindParameter, ColumnElement, Label } from "../sql/column-element.ts";
import { Precedence, type ShapeContext, type SqlElement } from "../sql/element.ts";
import type { ElementKind, ElementKinds } from "../sql/element-kinds.ts";
import type { ColumnClause, FromClause } from "../sql/from-clause.ts";
import type { Select } from "../sql/select.ts";
import type { CompoundSelect, SelectBase } from "../sql/select-base.ts";
import type { Cte } from "../sql/subquery.ts";
import { ddlLowerers } from "./lower-ddl.ts";
import { dmlLowerers } from "./lower-dml.ts";
import {
  attachWith,
  defineCte,
  fromItem,
  isFrom,
  lowerCompound,
  lowerRowSource,
  lowerSelect,
  orderBy,
  orderByItem,
  selection,
} from "./lower-select.ts";
import { alias, binary, columnNode, freeze, operatorNode, parens, raw, table, where } from "./nodes.ts";

/**
 * Lowering: Athanor's SQL elements to Kysely operation nodes, which the dialect's Kysely compiler
 * renders. This module holds the Lowering state, the registry of lowerers (every element kind has
 * one: a new kind fails to compile until handled) and the expression lowerers; statements live in
 * lower-select.ts, lower-dml.ts and lower-ddl.ts, node factories in nodes.ts.
 */

/** Stands where a bound value goes; after rendering, the markers' order gives the parameter slots. */
export class ParameterMarker {
  declare readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

/**
 * State of one lowering: bind numbering, anonymous names, correlation scopes and CTEs. Lowerers in
 * other modules (DML, DDL) reach the shared machinery through its methods.
 */
export class Lowering {
  declare readonly bindIndex: Map<BindParameter<unknown>, number>;
  declare readonly shapes: ShapeContext;
  /** FROM items of the enclosing statements, innermost last: nested SELECTs correlate to them. */
  declare readonly scopes: Set<FromClause>[];
  /** CTE definitions by root, in dependency order once complete. */
  declare readonly ctes: Map<Cte, CommonTableExpressionNode | undefined>;
  /** For each CTE root, the CTE (root or a restatement) whose SELECT defines it here. */
  declare readonly cteDefiners: Map<Cte, Cte>;
  /** Values are written into the SQL as literals (DDL) instead of parameter markers. */
  declare readonly inlineValues: boolean;
  recursiveCte: boolean;

  declare readonly statement: SqlElement;
  declare private anonymousNames: string[] | undefined;
  declare private takenNames: Set<string> | undefined;

  constructor(statement: SqlElement, shapes: ShapeContext, inlineValues: boolean) {
    this.statement = statement;
    this.anonymousNames = undefined;
    this.takenNames = undefined;
    this.shapes = shapes;
    this.inlineValues = inlineValues;
    this.bindIndex = new Map();
    shapes.binds.forEach((bind, index) => {
      if (!this.bindIndex.has(bind)) this.bindIndex.set(bind, index);
    });
    this.scopes = [];
    this.ctes = new Map();
    this.cteDefiners = new Map();
    this.recursiveCte = false;
  }

  /**
   * The rendered name of a FROM item's qualifier: its name, or for an unnamed one anon_1, anon_2...
   * in order of appearance, skipping names the statement already uses (a table called anon_1).
   */
  nameOf(from: FromClause & { readonly name?: string | undefined }): string {
    if (from.name !== undefined) return from.name;
    const number = this.shapes.anonymousNumber(from);
    if (this.anonymousNames === undefined) {
      this.anonymousNames = [];
      this.takenNames = namesIn(this.statement);
    }
    let candidate = this.anonymousNames.length;
    while (this.anonymousNames.length < number) {
      candidate++;
      if (!this.takenNames!.has(`anon_${candidate}`)) this.anonymousNames.push(`anon_${candidate}`);
    }
    return this.anonymousNames[number - 1]!;
  }

  enclosing(): Set<FromClause> {
    const all = new Set<FromClause>();
    for (const scope of this.scopes) for (const from of scope) all.add(from);
    return all;
  }

  /** Any element. */
  lower(element: SqlElement): OperationNode {
    return lower(element, this);
  }

  /** An expression operand, parenthesised by precedence. */
  operand(element: SqlElement, parentPrecedence: number, right = false): OperationNode {
    return operand(element, parentPrecedence, right, this);
  }

  /** Conditions ANDed (or ORed). */
  conjunction(clauses: readonly ColumnElement<unknown>[], operator: "and" | "or" = "and"): OperationNode {
    return conjunction(clauses, operator, this);
  }

  /** A SELECT (or compound) in a statement: `correlate` when inside an expression. */
  rowSource(select: SelectBase, correlate: boolean): OperationNode {
    return lowerRowSource(select, this, correlate);
  }

  /** A FROM item (table, alias, join, subquery, CTE). */
  fromItem(from: FromClause): OperationNode {
    return fromItem(from, this);
  }

  /** A column reference, qualified by its FROM item. */
  columnRef(column: ColumnClause<unknown>): ReferenceNode | ColumnNode {
    return columnReference(column, this);
  }

  /** The table node that qualifies the columns of a FROM item. */
  qualifier(from: FromClause): TableNode {
    return qualifierTable(from, this);
  }

  /** A SELECT list (or RETURNING list): FROM items expand to their columns. */
  selections(items: readonly SqlElement[]): SelectionNode[] {
    return items.flatMap((item) =>
      isFrom(item)
        ? Object.values(item.columns).map((column) => selection(columnReference(column, this)))
        : [
            selection(
              item.kind === "label"
                ? alias(lower((item as Label<unknown>).element, this), (item as Label<unknown>).name)
                : lower(item, this),
            ),
          ],
    );
  }

  /** Lowers `body` with `froms` visible to nested SELECTs for correlation. */
  inScope<T>(froms: readonly FromClause[], body: () => T): T {
    this.scopes.push(new Set(froms.flatMap((from) => from.parts)));
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }
}

export function lowerStatement(
  statement: SqlElement,
  shapes: ShapeContext,
  inlineValues = false,
): RootOperationNode {
  const lowering = new Lowering(statement, shapes, inlineValues);
  const node = lowerTop(statement, lowering);
  return attachWith(node, lowering);
}

/** Every name a statement gives a FROM item (tables, aliases, named subqueries and CTEs). */
function namesIn(statement: SqlElement): Set<string> {
  const names = new Set<string>();
  const seen = new Set<SqlElement>();
  const visit = (element: SqlElement): void => {
    if (seen.has(element)) return;
    seen.add(element);
    const name = (element as { name?: unknown }).name;
    if (isFrom(element) && typeof name === "string") names.add(name);
    for (const child of element.children) visit(child);
    if (element.kind === "column") {
      const from = (element as ColumnClause<unknown>).from;
      if (from !== undefined) visit(from);
    }
  };
  visit(statement);
  return names;
}

function lowerTop(statement: SqlElement, lowering: Lowering): OperationNode {
  const kind = statement.kind;
  if (kind === "select") return lowerSelect(statement as Select, lowering, false);
  if (kind === "compoundSelect") return lowerCompound(statement as CompoundSelect, lowering, false, true);
  return lower(statement, lowering);
}

export type Lowerer<K extends ElementKind> = (element: ElementKinds[K], lowering: Lowering) => OperationNode;
type Lowerers = { readonly [K in ElementKind]: Lowerer<K> };

function lower(element: SqlElement, lowering: Lowering): OperationNode {
  const lowerer = lowerers[element.kind] as Lowerer<ElementKind>;
  return lowerer(element as ElementKinds[ElementKind], lowering);
}

/** An operand, parenthesised when it binds looser than its operator (or as loosely, on the right). */
function operand(
  element: SqlElement,
  parentPrecedence: number,
  right: boolean,
  lowering: Lowering,
): OperationNode {
  const node = lower(element, lowering);
  const precedence =
    "precedence" in element ? (element as ColumnElement<unknown>).precedence : Precedence.atom;
  // Equal precedence needs parentheses on the right of a left-associative operator, and on both
  // sides of PostgreSQL's non-associative ones (a < b = c is a syntax error). A unary minus under
  // another is "on the right" too: -(-x), never --x, which would start a comment.
  const tie =
    precedence === parentPrecedence &&
    precedence !== Precedence.atom &&
    (right || NON_ASSOCIATIVE.has(precedence));
  return precedence < parentPrecedence || tie ? parens(node) : node;
}

const NON_ASSOCIATIVE = new Set<number>([Precedence.is, Precedence.comparison, Precedence.like]);

/** Conditions joined by AND (or OR), each parenthesised when it binds looser. */
function conjunction(
  clauses: readonly ColumnElement<unknown>[],
  operator: "and" | "or",
  lowering: Lowering,
): OperationNode {
  const precedence = operator === "and" ? Precedence.and : Precedence.or;
  const nodes = clauses.map((clause) => operand(clause, precedence, false, lowering));
  let result = nodes[0]!;
  for (let i = 1; i < nodes.length; i++) {
    result = freeze({
      kind: operator === "and" ? "AndNode" : "OrNode",
      left: result,
      right: nodes[i]!,
    }) as OperationNode;
  }
  return result;
}

function columnReference(column: ColumnClause<unknown>, lowering: Lowering): ReferenceNode | ColumnNode {
  const from = column.from;
  if (from === undefined) return columnNode(column.name);
  return freeze({
    kind: "ReferenceNode",
    table: qualifierTable(from, lowering),
    column: columnNode(column.name),
  });
}

function qualifierTable(from: FromClause, lowering: Lowering): TableNode {
  switch (from.kind) {
    case "table": {
      const { name, schema } = from.qualifier!;
      return table(name, schema);
    }
    case "subquery":
    case "alias":
      return table(lowering.nameOf(from as FromClause & { name?: string }));
    case "cte":
      return table(lowering.nameOf((from as Cte).root));
    case "excluded":
      return table("excluded");
    default:
      throw new CompileError(`a column cannot be qualified by a ${from.kind}`);
  }
}

const expressionLowerers = {
  bindParameter: (bind, lowering) => {
    if (lowering.inlineValues) {
      const value = bind.resolve(undefined);
      if (value !== null && !bind.type.validate(value)) {
        throw new CompileError(
          `cannot write ${String(value)} into the SQL as a value of type ${bind.type.name}: ${bind.type.explain(value)}`,
        );
      }
      return freeze({
        kind: "ValueNode",
        value: value === null ? null : bind.type.toDriver(value),
        immediate: true,
      });
    }
    const index = lowering.bindIndex.get(bind);
    if (index !== undefined && bind.renderCast) {
      return raw(
        ["", `::${bind.type.ddl()}`],
        [freeze({ kind: "ValueNode", value: new ParameterMarker(index) })],
      );
    }
    if (index === undefined)
      throw new CompileError("a bind parameter was not seen by the shape traversal (a bug)");
    return freeze({ kind: "ValueNode", value: new ParameterMarker(index) }) satisfies ValueNode;
  },
  keyword: (keyword) => raw([keyword.word]),
  binary: (expression, lowering) => {
    const precedence = expression.precedence;
    const right =
      "returnsRows" in expression.right
        ? lowerRowSource(expression.right as SelectBase, lowering, true)
        : operand(expression.right, precedence, true, lowering);
    return binary(operand(expression.left, precedence, false, lowering), expression.operator, right);
  },
  unary: (expression, lowering) => {
    const inner =
      "returnsRows" in expression.operand
        ? lowerRowSource(expression.operand as SelectBase, lowering, true)
        : operand(expression.operand, expression.precedence, true, lowering);
    return freeze({
      kind: "UnaryOperationNode",
      operator: operatorNode(expression.operator),
      operand: inner,
    }) as OperationNode;
  },
  booleanList: (list, lowering) => {
    if (list.clauses.length === 0) return raw([list.operator === "and" ? "true" : "false"]);
    return conjunction(list.clauses, list.operator, lowering);
  },
  inList: (list, lowering) => {
    if (list.values.length === 0) return raw([list.negate ? "true" : "false"]);
    const values = freeze({
      kind: "ValueListNode",
      values: list.values.map((value) => lower(value, lowering)),
    }) as OperationNode;
    return binary(
      operand(list.left, Precedence.like, false, lowering),
      list.negate ? "not in" : "in",
      values,
    );
  },
  between: (expression, lowering) =>
    raw(
      ["", expression.negate ? " not between " : " between ", " and ", ""],
      [
        operand(expression.subject, Precedence.like, false, lowering),
        operand(expression.low, Precedence.like, true, lowering),
        operand(expression.high, Precedence.like, true, lowering),
      ],
    ),
  like: (expression, lowering) =>
    raw(
      [
        "",
        ` ${expression.operator} `,
        expression.escape === undefined ? "" : ` escape '${expression.escape}'`,
      ],
      [
        operand(expression.subject, Precedence.like, false, lowering),
        operand(expression.pattern, Precedence.like, true, lowering),
      ],
    ),
  // A label names its expression in a SELECT list (see selections()); anywhere else it is the expression.
  label: (label, lowering) => lower(label.element, lowering),
  cast: (cast, lowering) =>
    freeze({
      kind: "CastNode",
      expression: lower(cast.element, lowering),
      dataType: raw([cast.type.ddl()]),
    }) as OperationNode,
  ordering: (ordering, lowering) => orderByItem(ordering, lowering),
  column: (column, lowering) => columnReference(column, lowering),
  table: (item) => table(item.name, item.schema),
  alias: (item, lowering) => alias(fromItem(item.element, lowering), item.name),
  join: (join, lowering) => fromItem(join, lowering),
  function: (call, lowering) => {
    if (call.bare) return raw([call.name]);
    const args = call.star ? [raw(["*"])] : call.args.map((arg) => lower(arg, lowering));
    if (!call.distinctArgs && call.filterCondition === undefined && call.window === undefined) {
      return freeze({ kind: "FunctionNode", func: call.name, arguments: args }) as OperationNode;
    }
    const window = call.window;
    return freeze({
      kind: "AggregateFunctionNode",
      func: call.name,
      aggregated: args,
      ...(call.distinctArgs ? { distinct: true } : {}),
      ...(call.filterCondition === undefined ? {} : { filter: where(lower(call.filterCondition, lowering)) }),
      ...(window === undefined
        ? {}
        : {
            over: freeze({
              kind: "OverNode",
              ...(window.partitionBy?.length
                ? {
                    partitionBy: freeze({
                      kind: "PartitionByNode",
                      items: window.partitionBy.map((item) =>
                        freeze({ kind: "PartitionByItemNode", partitionBy: lower(item, lowering) }),
                      ),
                    }),
                  }
                : {}),
              ...(window.orderBy?.length ? { orderBy: orderBy(window.orderBy, lowering) } : {}),
            }),
          }),
    }) as OperationNode;
  },
  text: (text, lowering) =>
    raw(
      text.fragments,
      text.binds.map((bind) => lower(bind, lowering)),
    ),
  case: (expression, lowering) =>
    freeze({
      kind: "CaseNode",
      ...(expression.value === undefined ? {} : { value: lower(expression.value, lowering) }),
      when: expression.whens.map(([condition, result]) =>
        freeze({ kind: "WhenNode", condition: lower(condition, lowering), result: lower(result, lowering) }),
      ),
      ...(expression.otherwise === undefined ? {} : { else: lower(expression.otherwise, lowering) }),
    }) as OperationNode,
  select: (select, lowering) => lowerSelect(select, lowering, true),
  compoundSelect: (compound, lowering) => lowerCompound(compound, lowering, true),
  subquery: (subquery, lowering) => fromItem(subquery, lowering),
  cte: (cte, lowering) => defineCte(cte, lowering),
  scalarSubquery: (subquery, lowering) => lowerRowSource(subquery.element, lowering, true),
} satisfies Partial<Lowerers>;

// Every kind, from every module that defines some: a missing one is a compile error here.
const lowerers: Lowerers = { ...expressionLowerers, ...dmlLowerers, ...ddlLowerers };
