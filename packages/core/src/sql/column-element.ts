import { ArgumentError } from "../errors.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { inferType } from "../types/infer-type.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType, TypeArg } from "../types/sql-type.ts";
import { resolveType } from "../types/sql-type.ts";
import { String as stringType } from "../types/string-types.ts";
import { Precedence, type ShapeContext, SqlElement } from "./element.ts";
import { checkIdentifier } from "./identifier.ts";
import type { TextClause } from "./text-clause.ts";

/**
 * The column-expression algebra: ColumnElement (every SQL expression that has a value) with its
 * operators, and the expressions those operators build. One module, because the base class
 * constructs them and they extend it.
 */

/** A value, or an expression of a compatible type, where an expression of T is expected. */
export type Operand<T> = NonNullable<T> | ColumnElement<NonNullable<T> | null>;

/** Something that renders as a subquery (a SELECT), for `in`, `exists` and scalar comparisons. */
export interface RowSource extends SqlElement {
  readonly returnsRows: true;
}

export abstract class ColumnElement<T> extends SqlElement {
  /** Phantom: the JS type of this expression's values. */
  declare readonly __value: T;
  /** The SQL type of this expression's values. */
  abstract readonly type: SqlType<unknown>;

  /** How tightly this expression binds (see Precedence). */
  get precedence(): number {
    return Precedence.atom;
  }

  /** "table.column" when this expression is a table column: bind errors name it. */
  get columnPath(): string | undefined {
    return undefined;
  }

  /** The name this expression has in a SELECT list or subquery; undefined when anonymous. */
  get selectName(): string | undefined {
    return undefined;
  }

  // Comparison. eq(null) and ne(null) mean IS NULL / IS NOT NULL.
  eq(other: Operand<T> | null): ColumnElement<boolean> {
    return other === null || other === Keyword.null ? this.isNull() : compare(this, "=", other);
  }
  ne(other: Operand<T> | null): ColumnElement<boolean> {
    return other === null || other === Keyword.null ? this.isNotNull() : compare(this, "<>", other);
  }
  lt(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, "<", other);
  }
  le(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, "<=", other);
  }
  gt(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, ">", other);
  }
  ge(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, ">=", other);
  }
  isDistinctFrom(other: Operand<T> | null): ColumnElement<boolean> {
    return compare(this, "is distinct from", other ?? Keyword.null);
  }
  isNotDistinctFrom(other: Operand<T> | null): ColumnElement<boolean> {
    return compare(this, "is not distinct from", other ?? Keyword.null);
  }
  isNull(): ColumnElement<boolean> {
    return new BinaryExpression(this, "is", Keyword.null, booleanType());
  }
  isNotNull(): ColumnElement<boolean> {
    return new BinaryExpression(this, "is not", Keyword.null, booleanType());
  }

  /** IN a list of values (an empty list is false) or a subquery. */
  in(values: readonly Operand<T>[] | RowSource): ColumnElement<boolean> {
    return membership(this, values, false);
  }
  /** NOT IN a list of values (an empty list is true) or a subquery. */
  notIn(values: readonly Operand<T>[] | RowSource): ColumnElement<boolean> {
    return membership(this, values, true);
  }
  between(low: Operand<T>, high: Operand<T>): ColumnElement<boolean> {
    return new Between(this, this.coerce(low), this.coerce(high), false);
  }
  notBetween(low: Operand<T>, high: Operand<T>): ColumnElement<boolean> {
    return new Between(this, this.coerce(low), this.coerce(high), true);
  }

  // Pattern matching. like/ilike take a pattern as written; startswith/endswith/contains escape
  // the value's own % and _ so it matches literally.
  like(
    this: ColumnElement<string | null>,
    pattern: Operand<string>,
    options?: LikeOptions,
  ): ColumnElement<boolean> {
    return new Like(this, "like", pattern_(this, pattern), options?.escape);
  }
  notLike(
    this: ColumnElement<string | null>,
    pattern: Operand<string>,
    options?: LikeOptions,
  ): ColumnElement<boolean> {
    return new Like(this, "not like", pattern_(this, pattern), options?.escape);
  }
  ilike(
    this: ColumnElement<string | null>,
    pattern: Operand<string>,
    options?: LikeOptions,
  ): ColumnElement<boolean> {
    return new Like(this, "ilike", pattern_(this, pattern), options?.escape);
  }
  notIlike(
    this: ColumnElement<string | null>,
    pattern: Operand<string>,
    options?: LikeOptions,
  ): ColumnElement<boolean> {
    return new Like(this, "not ilike", pattern_(this, pattern), options?.escape);
  }
  startswith(this: ColumnElement<string | null>, value: Operand<string>): ColumnElement<boolean> {
    return likeLiteral(this, value, "", "%");
  }
  endswith(this: ColumnElement<string | null>, value: Operand<string>): ColumnElement<boolean> {
    return likeLiteral(this, value, "%", "");
  }
  contains(this: ColumnElement<string | null>, value: Operand<string>): ColumnElement<boolean> {
    return likeLiteral(this, value, "%", "%");
  }

  // Arithmetic and concatenation.
  add(other: Operand<T>): ColumnElement<T> {
    return new BinaryExpression(this, "+", this.coerce(other), this.type);
  }
  sub(other: Operand<T>): ColumnElement<T> {
    return new BinaryExpression(this, "-", this.coerce(other), this.type);
  }
  mul(other: Operand<T>): ColumnElement<T> {
    return new BinaryExpression(this, "*", this.coerce(other), this.type);
  }
  div(other: Operand<T>): ColumnElement<T> {
    return new BinaryExpression(this, "/", this.coerce(other), this.type);
  }
  mod(other: Operand<T>): ColumnElement<T> {
    return new BinaryExpression(this, "%", this.coerce(other), this.type);
  }
  neg(): ColumnElement<T> {
    return new UnaryExpression(this, "-", this.type);
  }
  concat(other: Operand<string>): ColumnElement<string> {
    return new BinaryExpression(this, "||", coerceTo(other, stringType(), undefined), stringType());
  }

  /**
   * A custom binary operator: `col.op("@@")(query)`. The operator is written into the SQL as is;
   * the operand is untyped (a typed one would make every ColumnElement invariant in T).
   */
  op<R = boolean>(
    operator: string,
    options?: { returnType?: TypeArg<R>; precedence?: number },
  ): (other: unknown) => ColumnElement<R> {
    assertOperator(operator);
    const returnType = options?.returnType === undefined ? booleanType() : resolveType(options.returnType);
    return (other) =>
      new BinaryExpression(this, operator, this.coerce(other), returnType, options?.precedence);
  }

  label<N extends string>(name: N): Label<T, N> {
    return new Label(this, name);
  }
  cast<R>(type: TypeArg<R>): ColumnElement<R | (null extends T ? null : never)> {
    return new Cast(this, resolveType(type));
  }
  asc(): Ordering {
    return new Ordering(this, "asc", undefined);
  }
  desc(): Ordering {
    return new Ordering(this, "desc", undefined);
  }

  /** A value becomes a bind of this expression's type; an expression stays as it is. */
  coerce(value: unknown): ColumnElement<unknown> {
    return coerceTo(value, this.type, this.columnPath);
  }
}

export interface LikeOptions {
  /** The ESCAPE character for the pattern: one character, not a quote. */
  escape?: string;
}

function coerceTo(
  value: unknown,
  type: SqlType<unknown>,
  columnPath: string | undefined,
): ColumnElement<unknown> {
  if (value instanceof ColumnElement) return value;
  if (type === nullType)
    return new BindParameter(undefined, value, inferType(value), columnPath, true, undefined, true);
  return new BindParameter(undefined, value, type, columnPath);
}

function compare<T>(left: ColumnElement<T>, operator: string, right: unknown): ColumnElement<boolean> {
  return new BinaryExpression(left, operator, left.coerce(right), booleanType());
}

function membership<T>(
  left: ColumnElement<T>,
  values: readonly unknown[] | RowSource,
  negate: boolean,
): ColumnElement<boolean> {
  if (!Array.isArray(values)) {
    return new BinaryExpression(left, negate ? "not in" : "in", values as RowSource, booleanType());
  }
  return new InList(
    left,
    values.map((value) => left.coerce(value)),
    negate,
  );
}

const LIKE_ESCAPE = "/";

function likeLiteral(
  left: ColumnElement<string | null>,
  value: Operand<string>,
  before: string,
  after: string,
): ColumnElement<boolean> {
  if (value instanceof ColumnElement) {
    // An expression cannot be escaped in JS: match it as a pattern, wrapped in SQL.
    let pattern: ColumnElement<unknown> = value;
    if (before)
      pattern = new BinaryExpression(
        new BindParameter(undefined, before, stringType()),
        "||",
        pattern,
        stringType(),
      );
    if (after)
      pattern = new BinaryExpression(
        pattern,
        "||",
        new BindParameter(undefined, after, stringType()),
        stringType(),
      );
    return new Like(left, "like", pattern, undefined);
  }
  const escaped = value.replace(/[/%_]/g, (char) => LIKE_ESCAPE + char);
  return new Like(left, "like", pattern_(left, before + escaped + after), LIKE_ESCAPE);
}

/**
 * A LIKE pattern: text of any length (a pattern for a VARCHAR(3) column may be "%abc%"), still
 * naming the column in errors.
 */
function pattern_(subject: ColumnElement<unknown>, pattern: unknown): ColumnElement<unknown> {
  if (pattern instanceof ColumnElement) return pattern;
  return new BindParameter(undefined, pattern, stringType(), subject.columnPath);
}

const OPERATOR = /^[A-Za-z !#%&*+\-/<=>?@^|~]+$/;
function assertOperator(operator: string): void {
  if (!OPERATOR.test(operator) || operator.includes("--") || operator.includes("/*")) {
    throw new ArgumentError(`not a SQL operator: ${JSON.stringify(operator)}`);
  }
}

const OPERATOR_PRECEDENCE: Record<string, number> = {
  "=": Precedence.comparison,
  "<>": Precedence.comparison,
  "<": Precedence.comparison,
  "<=": Precedence.comparison,
  ">": Precedence.comparison,
  ">=": Precedence.comparison,
  is: Precedence.is,
  "is not": Precedence.is,
  "is distinct from": Precedence.is,
  "is not distinct from": Precedence.is,
  in: Precedence.like,
  "not in": Precedence.like,
  "+": Precedence.additive,
  "-": Precedence.additive,
  "*": Precedence.multiplicative,
  "/": Precedence.multiplicative,
  "%": Precedence.multiplicative,
};

/**
 * A bound value: sent as a parameter, never written into the SQL. Anonymous binds carry their
 * value; a named bind (bindparam("id")) takes its value from the execution parameters.
 */
export class BindParameter<T> extends ColumnElement<T> {
  declare readonly kind: "bindParameter";
  declare readonly key: string | undefined;
  declare readonly value: unknown;
  declare readonly hasValue: boolean;
  declare readonly type: SqlType<unknown>;
  /** The column this value is compared with or assigned to, for error messages. */
  declare readonly target: string | undefined;
  /** Computes the value at each execution when the params give none (a column default). */
  declare readonly callable: (() => unknown) | undefined;
  /**
   * Written as `$n::type`: a value with no column to give it a type (literal(), a function argument,
   * an inferred value) reaches PostgreSQL as `unknown`, which operators and SELECT lists mistype.
   */
  declare readonly renderCast: boolean;

  constructor(
    key: string | undefined,
    value: unknown,
    type: SqlType<unknown>,
    target?: string,
    hasValue = true,
    callable?: () => unknown,
    renderCast = false,
  ) {
    super();
    this.kind = "bindParameter";
    this.key = key;
    this.value = value;
    this.hasValue = hasValue;
    this.type = type;
    this.target = target;
    this.callable = callable;
    this.renderCast = renderCast && type !== nullType;
  }

  resolve(params: Readonly<Record<string, unknown>> | undefined): unknown {
    if (this.key !== undefined && params !== undefined && Object.hasOwn(params, this.key))
      return params[this.key];
    if (this.callable !== undefined) return this.callable();
    if (this.hasValue) return this.value;
    throw new TypeError(`a value is required for bind parameter "${this.key}"`);
  }

  shape(context: ShapeContext): void {
    context.add("?");
    if (this.renderCast) context.add(this.type.ddl());
    context.binds.push(this);
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

/** A bind parameter: named (value from the execution params, or a default) and typed. */
export function bindparam<T = unknown>(
  key: string,
  value?: T,
  options?: { type?: TypeArg<T> },
): BindParameter<T> {
  const type =
    options?.type !== undefined
      ? resolveType(options.type)
      : value === undefined
        ? nullType
        : inferType(value);
  return new BindParameter<T>(key, value, type, undefined, value !== undefined, undefined, true);
}

/** A literal value, sent as a bound parameter (its type inferred from the value unless given). */
export function literal<T>(value: T, type?: TypeArg<T>): BindParameter<T> {
  return new BindParameter<T>(
    undefined,
    value,
    type === undefined ? inferType(value) : resolveType(type),
    undefined,
    true,
    undefined,
    true,
  );
}

/** SQL keywords that stand as values: NULL, TRUE, FALSE, and DEFAULT (in INSERT / UPDATE values). */
export class Keyword<T> extends ColumnElement<T> {
  declare readonly kind: "keyword";
  declare readonly word: "null" | "true" | "false" | "default";
  declare readonly type: SqlType<unknown>;

  private constructor(word: "null" | "true" | "false" | "default", type: SqlType<unknown>) {
    super();
    this.kind = "keyword";
    this.word = word;
    this.type = type;
  }

  static readonly null = new Keyword<null>("null", nullType);
  static readonly true = new Keyword<boolean>("true", booleanType());
  static readonly false = new Keyword<boolean>("false", booleanType());
  static readonly default = new Keyword<never>("default", nullType);

  shape(context: ShapeContext): void {
    context.add(this.word);
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

export const null_ = (): ColumnElement<null> => Keyword.null;
export const true_ = (): ColumnElement<boolean> => Keyword.true;
export const false_ = (): ColumnElement<boolean> => Keyword.false;

export class BinaryExpression<T> extends ColumnElement<T> {
  declare readonly kind: "binary";
  declare readonly left: ColumnElement<unknown>;
  declare readonly operator: string;
  declare readonly right: SqlElement;
  declare readonly type: SqlType<unknown>;
  declare private readonly binding: number;

  constructor(
    left: ColumnElement<unknown>,
    operator: string,
    right: SqlElement,
    type: SqlType<unknown>,
    precedence?: number,
  ) {
    super();
    this.kind = "binary";
    this.left = left;
    this.operator = operator;
    this.right = right;
    this.type = type;
    this.binding = precedence ?? OPERATOR_PRECEDENCE[operator] ?? Precedence.other;
  }

  override get precedence(): number {
    return this.binding;
  }

  shape(context: ShapeContext): void {
    context.add("(");
    this.left.shape(context);
    context.add(this.operator);
    // A custom op()'s precedence decides its parentheses, so it is part of the shape.
    context.add(this.binding);
    this.right.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.left, this.right];
  }
}

/** A prefix operator: NOT x, -x, EXISTS (subquery). */
export class UnaryExpression<T> extends ColumnElement<T> {
  declare readonly kind: "unary";
  declare readonly operand: SqlElement;
  declare readonly operator: "not" | "-" | "exists";
  declare readonly type: SqlType<unknown>;

  constructor(operand: SqlElement, operator: "not" | "-" | "exists", type: SqlType<unknown>) {
    super();
    this.kind = "unary";
    this.operand = operand;
    this.operator = operator;
    this.type = type;
  }

  override get precedence(): number {
    return this.operator === "not"
      ? Precedence.not
      : this.operator === "-"
        ? Precedence.unary
        : Precedence.atom;
  }

  shape(context: ShapeContext): void {
    context.add("unary");
    context.add(this.operator);
    this.operand.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.operand];
  }
}

/** AND / OR over any number of clauses; an empty AND is true, an empty OR false. */
export class BooleanClauseList extends ColumnElement<boolean> {
  declare readonly kind: "booleanList";
  declare readonly operator: "and" | "or";
  declare readonly clauses: readonly ColumnElement<unknown>[];
  declare readonly type: SqlType<unknown>;

  constructor(operator: "and" | "or", clauses: readonly ColumnElement<unknown>[]) {
    super();
    this.kind = "booleanList";
    this.operator = operator;
    this.clauses = clauses;
    this.type = booleanType();
  }

  override get precedence(): number {
    if (this.clauses.length === 1) return this.clauses[0]!.precedence;
    return this.operator === "and" ? Precedence.and : Precedence.or;
  }

  shape(context: ShapeContext): void {
    context.add(this.operator);
    for (const clause of this.clauses) {
      clause.shape(context);
      context.add(",");
    }
    context.add("]");
  }

  get children(): readonly SqlElement[] {
    return this.clauses;
  }
}

/** A condition: a boolean expression, or raw SQL (`text("x > 1")`). */
export type Condition = ColumnElement<boolean | null> | TextClause;

/** AND of the clauses (nested ANDs are flattened). */
export function and_(...clauses: Condition[]): ColumnElement<boolean> {
  return new BooleanClauseList("and", flatten("and", clauses));
}

/** OR of the clauses (nested ORs are flattened). */
export function or_(...clauses: Condition[]): ColumnElement<boolean> {
  return new BooleanClauseList("or", flatten("or", clauses));
}

export function not_(clause: Condition): ColumnElement<boolean> {
  return new UnaryExpression(clause, "not", booleanType());
}

function flatten(
  operator: "and" | "or",
  clauses: readonly ColumnElement<unknown>[],
): ColumnElement<unknown>[] {
  return clauses.flatMap((clause) =>
    clause instanceof BooleanClauseList && clause.operator === operator ? clause.clauses : [clause],
  );
}

/** x IN (v1, v2, ...) over values; an empty list renders as false (NOT IN: true). */
export class InList extends ColumnElement<boolean> {
  declare readonly kind: "inList";
  declare readonly left: ColumnElement<unknown>;
  declare readonly values: readonly ColumnElement<unknown>[];
  declare readonly negate: boolean;
  declare readonly type: SqlType<unknown>;

  constructor(left: ColumnElement<unknown>, values: readonly ColumnElement<unknown>[], negate: boolean) {
    super();
    this.kind = "inList";
    this.left = left;
    this.values = values;
    this.negate = negate;
    this.type = booleanType();
  }

  override get precedence(): number {
    return this.values.length === 0 ? Precedence.atom : Precedence.like;
  }

  shape(context: ShapeContext): void {
    context.add(this.negate ? "notin(" : "in(");
    this.left.shape(context);
    for (const value of this.values) value.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.left, ...this.values];
  }
}

export class Between extends ColumnElement<boolean> {
  declare readonly kind: "between";
  declare readonly subject: ColumnElement<unknown>;
  declare readonly low: ColumnElement<unknown>;
  declare readonly high: ColumnElement<unknown>;
  declare readonly negate: boolean;
  declare readonly type: SqlType<unknown>;

  constructor(
    subject: ColumnElement<unknown>,
    low: ColumnElement<unknown>,
    high: ColumnElement<unknown>,
    negate: boolean,
  ) {
    super();
    this.kind = "between";
    this.subject = subject;
    this.low = low;
    this.high = high;
    this.negate = negate;
    this.type = booleanType();
  }

  override get precedence(): number {
    return Precedence.like;
  }

  shape(context: ShapeContext): void {
    context.add(this.negate ? "notbetween(" : "between(");
    this.subject.shape(context);
    this.low.shape(context);
    this.high.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.subject, this.low, this.high];
  }
}

export class Like extends ColumnElement<boolean> {
  declare readonly kind: "like";
  declare readonly subject: ColumnElement<unknown>;
  declare readonly operator: "like" | "not like" | "ilike" | "not ilike";
  declare readonly pattern: ColumnElement<unknown>;
  declare readonly escape: string | undefined;
  declare readonly type: SqlType<unknown>;

  constructor(
    subject: ColumnElement<unknown>,
    operator: "like" | "not like" | "ilike" | "not ilike",
    pattern: ColumnElement<unknown>,
    escapeChar: string | undefined,
  ) {
    super();
    if (escapeChar !== undefined && (escapeChar.length !== 1 || escapeChar === "'")) {
      throw new ArgumentError(
        `a LIKE escape must be one character other than a quote, got ${JSON.stringify(escapeChar)}`,
      );
    }
    this.kind = "like";
    this.subject = subject;
    this.operator = operator;
    this.pattern = pattern;
    this.escape = escapeChar;
    this.type = booleanType();
  }

  override get precedence(): number {
    return Precedence.like;
  }

  shape(context: ShapeContext): void {
    context.add(this.operator);
    this.subject.shape(context);
    this.pattern.shape(context);
    context.add("escape");
    context.add(this.escape ?? "");
  }

  get children(): readonly SqlElement[] {
    return [this.subject, this.pattern];
  }
}

/** expression AS name. */
export class Label<T, N extends string = string> extends ColumnElement<T> {
  declare readonly kind: "label";
  declare readonly element: ColumnElement<T>;
  declare readonly name: N;
  declare readonly type: SqlType<unknown>;

  constructor(element: ColumnElement<T>, name: N) {
    super();
    checkIdentifier(name, "label");
    this.kind = "label";
    this.element = element;
    this.name = name;
    this.type = element.type;
  }

  override get selectName(): string {
    return this.name;
  }

  /** Outside a SELECT list a label is its expression, so it binds as that does. */
  override get precedence(): number {
    return this.element.precedence;
  }

  shape(context: ShapeContext): void {
    context.add("label(");
    this.element.shape(context);
    context.add(this.name);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

/** CAST(expression AS type). */
export class Cast<T> extends ColumnElement<T> {
  declare readonly kind: "cast";
  declare readonly element: ColumnElement<unknown>;
  declare readonly type: SqlType<unknown>;

  constructor(element: ColumnElement<unknown>, type: SqlType<unknown>) {
    super();
    this.kind = "cast";
    this.element = element;
    this.type = type;
  }

  shape(context: ShapeContext): void {
    context.add("cast(");
    this.element.shape(context);
    context.add(this.type.ddl());
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

export function cast<T, R>(expression: Operand<T>, type: TypeArg<R>): ColumnElement<R> {
  // A JS value needs no cast of its own: CAST gives PostgreSQL its type.
  const element =
    expression instanceof ColumnElement
      ? expression
      : new BindParameter(undefined, expression, inferType(expression));
  return new Cast<R>(element, resolveType(type));
}

/** An ORDER BY item: expression ASC|DESC [NULLS FIRST|LAST]. */
export class Ordering extends SqlElement {
  declare readonly kind: "ordering";
  declare readonly element: ColumnElement<unknown>;
  declare readonly direction: "asc" | "desc" | undefined;
  declare readonly nulls: "first" | "last" | undefined;

  constructor(
    element: ColumnElement<unknown>,
    direction: "asc" | "desc" | undefined,
    nulls: "first" | "last" | undefined,
  ) {
    super();
    this.kind = "ordering";
    this.element = element;
    this.direction = direction;
    this.nulls = nulls;
  }

  nullsFirst(): Ordering {
    return new Ordering(this.element, this.direction, "first");
  }
  nullsLast(): Ordering {
    return new Ordering(this.element, this.direction, "last");
  }

  shape(context: ShapeContext): void {
    context.add("order(");
    this.element.shape(context);
    context.add(this.direction ?? "-");
    context.add(this.nulls ?? "-");
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

export const asc = (element: ColumnElement<unknown>): Ordering => element.asc();
export const desc = (element: ColumnElement<unknown>): Ordering => element.desc();
export const nullsFirst = (ordering: Ordering | ColumnElement<unknown>): Ordering =>
  (ordering instanceof Ordering ? ordering : new Ordering(ordering, undefined, undefined)).nullsFirst();
export const nullsLast = (ordering: Ordering | ColumnElement<unknown>): Ordering =>
  (ordering instanceof Ordering ? ordering : new Ordering(ordering, undefined, undefined)).nullsLast();
