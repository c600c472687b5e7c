import {
  and_,
  ColumnElement,
  type Compiled,
  case_,
  delete_,
  type FromClause,
  false_,
  func,
  insert,
  not_,
  nullsFirst,
  nullsLast,
  or_,
  type SelectBase,
  type SelectItem,
  type SqlDialect,
  select,
  Text,
  true_,
  update,
} from "@athanor/core";
import {
  asTable,
  type BuiltSchema,
  boolEl,
  type Col,
  columnOf,
  compare,
  likeCall,
  pick,
  prototypeNames,
  type Scope,
  type Source,
  setOp,
  type Typed,
  textEl,
  uniqueName,
} from "./build-support.ts";
import { buildText, Collector, type JsValue } from "./build-values.ts";
import {
  type Expr,
  type Family,
  type Flags,
  familyOf,
  type ItemPlan,
  type MemberPlan,
  type Operand,
  type StatementPlan,
  type SubPlan,
  type TypeSpec,
} from "./plan.ts";

/** What compiling a built statement must give. */
export interface Expectation {
  /** Why compile() must raise StatementError; empty when it must succeed. */
  readonly invalid: readonly string[];
  /** The parameters as the driver gets them (order-free, except for text()). */
  readonly parameters: readonly unknown[];
  /** Names the SQL must contain as quoted identifiers. */
  readonly used: ReadonlySet<string>;
  /** text(): the exact SQL expected. */
  readonly sql: string | undefined;
}

export interface Compilable {
  compile(dialect?: SqlDialect): Compiled;
}

export interface Built {
  readonly statement: Compilable;
  readonly expect: Expectation;
  /** Every name the SQL may contain as a quoted identifier. */
  readonly known: ReadonlySet<string>;
}

/** Turns plans into Athanor elements, noting the parameters and identifiers they must produce. */
export class Builder {
  declare readonly values: Collector;
  declare readonly used: Set<string>;
  declare readonly known: Set<string>;
  declare private readonly schema: BuiltSchema;
  declare private readonly flags: Flags;

  constructor(schema: BuiltSchema, flags: Flags, values: Collector) {
    this.schema = schema;
    this.flags = flags;
    this.values = values;
    this.used = new Set();
    this.known = new Set(["anon_1", "anon_2", "anon_3"]);
    for (const table of schema.plan.tables) {
      this.known.add(table.name);
      for (const c of table.columns) this.known.add(c.name);
    }
  }

  private table(index: 0 | 1 | 2): Source {
    return this.schema.tables[index];
  }

  private name(name: string): string {
    if (this.values.muted === 0) this.used.add(name);
    this.known.add(name);
    return name;
  }

  private column(source: Source, family: Family, index: number): Col {
    const col = pick(source.cols[family], index);
    this.name(source.qualifier);
    this.name(col.name);
    return col;
  }

  /** An operand coerced to `anchor` (the type of the expression it meets). */
  private coerced(op: Operand, f: Family, anchor: TypeSpec, scope: Scope): ColumnElement<unknown> | JsValue {
    if (op.k !== "value") return this.expr(op, f, scope).el;
    const value = this.values.bound(op.v, anchor);
    if (value === null) throw new Error("generator bug: null where SQL needs a value");
    return value;
  }

  /** An operand sent as literal() (CASE results, function arguments): typed by its JS value. */
  private literal(
    op: Operand,
    f: Family,
    anchor: TypeSpec,
    scope: Scope,
  ): ColumnElement<unknown> | JsValue | null {
    return op.k === "value" ? this.values.literal(op.v, anchor) : this.expr(op, f, scope).el;
  }

  cond(e: Expr, scope: Scope): ColumnElement<boolean | null> {
    return boolEl(this.expr(e, "bool", scope).el);
  }

  expr(e: Expr, f: Family, scope: Scope): Typed {
    switch (e.k) {
      case "col": {
        const col = this.column(pick(scope, e.source), f, e.index);
        return { el: col.el, spec: col.spec };
      }
      case "bool":
        return { el: e.v ? true_() : false_(), spec: "boolean" };
      case "cmp": {
        const left = this.expr(e.left, e.f, scope);
        const isNull = e.right.k === "value" && e.right.v.k === "null";
        const right = isNull ? null : this.coerced(e.right, e.f, left.spec, scope);
        return { el: compare(left.el, e.op, right), spec: "boolean" };
      }
      case "and":
      case "or": {
        const items = e.items.map((item) => this.cond(item, scope));
        return { el: e.k === "and" ? and_(...items) : or_(...items), spec: "boolean" };
      }
      case "not":
        return { el: not_(this.cond(e.e, scope)), spec: "boolean" };
      case "in": {
        // An empty IN renders as false (NOT IN: true): its left side is not in the SQL.
        if (e.values.length === 0) this.values.muted += 1;
        const left = this.expr(e.left, e.f, scope);
        if (e.values.length === 0) this.values.muted -= 1;
        const values = e.values.map((v) => this.coerced(v, e.f, left.spec, scope));
        return { el: e.negate ? left.el.notIn(values) : left.el.in(values), spec: "boolean" };
      }
      case "between": {
        const subject = this.expr(e.subject, e.f, scope);
        const low = this.coerced(e.low, e.f, subject.spec, scope);
        const high = this.coerced(e.high, e.f, subject.spec, scope);
        const el = e.negate ? subject.el.notBetween(low, high) : subject.el.between(low, high);
        return { el, spec: "boolean" };
      }
      case "like":
        return { el: this.like(e, scope), spec: "boolean" };
      case "isNull": {
        const inner = this.expr(e.e, e.f, scope).el;
        return { el: e.negate ? inner.isNotNull() : inner.isNull(), spec: "boolean" };
      }
      case "exists":
        return { el: this.sub(e.sub, "int", scope).select.exists(), spec: "boolean" };
      case "inSelect": {
        const left = this.expr(e.left, e.f, scope);
        const sub = this.sub(e.sub, e.f, scope).select;
        return { el: e.negate ? left.el.notIn(sub) : left.el.in(sub), spec: "boolean" };
      }
      case "arith": {
        const left = this.expr(e.left, f, scope);
        const right = this.coerced(e.right, f, left.spec, scope);
        const el =
          e.op === "add" ? left.el.add(right) : e.op === "sub" ? left.el.sub(right) : left.el.mul(right);
        return { el, spec: left.spec };
      }
      case "neg": {
        const inner = this.expr(e.e, f, scope);
        return { el: inner.el.neg(), spec: inner.spec };
      }
      case "length":
        return { el: func.length(textEl(this.expr(e.e, "text", scope).el)), spec: "integer" };
      case "concat": {
        const left = this.expr(e.left, "text", scope).el;
        // concat() binds its operand as an unbounded String, whatever the left side is.
        const right =
          e.right.k === "value"
            ? this.values.bound(e.right.v, "varchar")
            : textEl(this.expr(e.right, "text", scope).el);
        if (typeof right !== "string" && !(right instanceof ColumnElement))
          throw new Error("generator bug: concat");
        return { el: left.concat(right), spec: "varchar" };
      }
      case "lower":
      case "upper": {
        const inner = textEl(this.expr(e.e, "text", scope).el);
        return { el: e.k === "lower" ? func.lower(inner) : func.upper(inner), spec: "varchar" };
      }
      case "castText":
        return { el: this.expr(e.e, e.f, scope).el.cast(Text), spec: "text" };
      case "case": {
        type When = readonly [ColumnElement<boolean | null>, ColumnElement<unknown> | JsValue | null];
        const result = this.expr(e.result, f, scope);
        const whens: When[] = [
          [this.cond(e.cond, scope), result.el],
          ...e.more.map(
            (w): When => [this.cond(w.cond, scope), this.literal(w.result, f, result.spec, scope)],
          ),
        ];
        const otherwise =
          e.otherwise === undefined ? undefined : this.literal(e.otherwise, f, result.spec, scope);
        const el = e.otherwise === undefined ? case_(whens) : case_(whens, { else: otherwise });
        return { el, spec: result.spec };
      }
      case "coalesce": {
        const first = this.expr(e.first, f, scope);
        const rest = e.rest.map((r) => this.literal(r, f, first.spec, scope));
        return { el: func.coalesce(first.el, ...rest), spec: first.spec };
      }
      case "scalar": {
        const sub = this.sub(e.sub, f, scope);
        return { el: sub.select.scalarSubquery(), spec: sub.spec };
      }
      case "label": {
        // A label inside an expression stands for its expression: its name need not appear.
        const inner = this.expr(e.e, f, scope);
        this.known.add(e.name);
        return { el: inner.el.label(e.name), spec: inner.spec };
      }
    }
  }

  private like(e: Extract<Expr, { k: "like" }>, scope: Scope): ColumnElement<boolean> {
    const subject = this.expr(e.subject, "text", scope);
    const s = textEl(subject.el);
    if (e.pattern.k !== "value") {
      const pattern = textEl(this.expr(e.pattern, "text", scope).el);
      // An expression given to startswith/endswith/contains is wrapped: '%' || x, x || '%'.
      if (e.op === "startswith" || e.op === "contains") this.values.expectDriver("%");
      if (e.op === "endswith" || e.op === "contains") this.values.expectDriver("%");
      return likeCall(s, e.op, pattern);
    }
    if (e.op === "like" || e.op === "notLike" || e.op === "ilike" || e.op === "notIlike") {
      // A pattern is text of any length: only what text refuses (NUL) is an error.
      const pattern = this.values.bound(e.pattern.v, "varchar");
      if (typeof pattern !== "string") throw new Error("generator bug: like pattern");
      return likeCall(s, e.op, pattern);
    }
    const before = e.op === "startswith" ? "" : "%";
    const after = e.op === "endswith" ? "" : "%";
    return likeCall(s, e.op, this.values.likeValue(e.pattern.v, subject.spec, before, after));
  }

  /** A one-column SELECT over t2 (correlating to the enclosing scope), maybe a compound. */
  private sub(s: SubPlan, f: Family, outer: Scope): { select: SelectBase; spec: TypeSpec } {
    const t2 = this.table(2);
    const scope = [t2, ...outer];
    const col = this.column(t2, f, s.index);
    const item = s.label === undefined ? col.el : col.el.label(this.name(s.label));
    let statement: SelectBase = select(item).where(...s.where.map((w) => this.cond(w, scope)));
    if (s.limit !== undefined) statement = statement.limit(this.values.count(s.limit));
    if (s.second !== undefined) {
      const other = this.column(t2, f, s.second.index);
      const second = select(other.el).where(...s.second.where.map((w) => this.cond(w, scope)));
      statement = setOp(statement, s.second.op, second);
    }
    return { select: statement, spec: col.spec };
  }

  private item(plan: ItemPlan, scope: Scope): ColumnElement<unknown> {
    const el = this.expr(plan.e, plan.f, scope).el;
    return plan.label === undefined ? el : el.label(this.name(plan.label));
  }

  build(plan: StatementPlan): Compilable {
    switch (plan.k) {
      case "select":
        return this.select(plan);
      case "compound":
        return this.compound(plan);
      case "insert": {
        const t0 = this.table(0);
        const rows = plan.rows.map((row) => {
          const entries = new Map<string, unknown>();
          for (const a of row) {
            const col = this.column(t0, a.f, a.index);
            if (!entries.has(col.key)) entries.set(col.key, this.coercedOrNull(a.v, a.f, col.spec, [t0]));
          }
          return Object.fromEntries(entries);
        });
        const statement = insert(asTable(t0));
        const returning = plan.returning.map((r) => this.item(r, [t0]));
        return statement.values(rows.length === 1 ? rows[0]! : rows).returning(...returning);
      }
      case "insertSelect": {
        const [t0, t1] = [this.table(0), this.table(1)];
        const keys = new Set<string>();
        const items: ColumnElement<unknown>[] = [];
        for (const target of plan.targets) {
          const col = this.column(t0, target.f, target.index);
          if (keys.has(col.key)) continue;
          keys.add(col.key);
          items.push(this.expr(target.e, target.f, [t1]).el);
        }
        const source = select(...items)
          .selectFrom(t1.from)
          .where(...plan.where.map((w) => this.cond(w, [t1])));
        return insert(asTable(t0)).fromSelect([...keys], source);
      }
      case "update": {
        const t0 = this.table(0);
        const entries = new Map<string, unknown>();
        for (const a of plan.sets) {
          const col = this.column(t0, a.f, a.index);
          if (!entries.has(col.key)) entries.set(col.key, this.coercedOrNull(a.v, a.f, col.spec, [t0]));
        }
        const scope = [t0, this.table(1)];
        return update(asTable(t0))
          .values(Object.fromEntries(entries))
          .where(...plan.where.map((w) => this.cond(w, scope)))
          .returning(...plan.returning.map((r) => this.item(r, [t0])));
      }
      case "delete": {
        const t0 = this.table(0);
        const scope = [t0, this.table(1)];
        return delete_(asTable(t0))
          .where(...plan.where.map((w) => this.cond(w, scope)))
          .returning(...plan.returning.map((r) => this.item(r, [t0])));
      }
      case "text":
        return buildText(plan, this.values);
    }
  }

  private coercedOrNull(op: Operand, f: Family, anchor: TypeSpec, scope: Scope): unknown {
    return op.k === "value" ? this.values.bound(op.v, anchor) : this.expr(op, f, scope).el;
  }

  private select(plan: Extract<StatementPlan, { k: "select" }>): Compilable {
    const [t0, t1] = [this.table(0), this.table(1)];
    let scope: Scope = [t0];
    let explicit: FromClause | undefined;
    const from = plan.from;
    if (from.k === "join") {
      scope = [t0, t1];
      explicit = t0.from.join(t1.from, this.cond(from.on, scope), { isouter: from.outer });
    } else if (from.k === "fullJoin") {
      scope = [t0, t1];
      const on = this.column(t0, from.f, from.left).el.eq(this.column(t1, from.f, from.right).el);
      explicit = t0.from.outerjoin(t1.from, on, { full: true });
    } else if (from.k === "subquery" || from.k === "cte") {
      const source = this.fromSubquery(from);
      scope = [source];
      explicit = source.from;
      this.name(source.qualifier);
    }
    const items: SelectItem[] = plan.items.map((item) => this.item(item, scope));
    if (plan.star) items.unshift(scope[0]!.from);
    // Named explicitly: FROM would otherwise come from the items and WHERE only (as documented, and
    // as in SQLAlchemy), and a SELECT without FROM is evaluated once (its values could overflow),
    // while over the empty tables nothing is evaluated.
    explicit ??= t0.from;
    let statement = select(...items);
    if (explicit !== undefined) statement = statement.selectFrom(explicit);
    statement = statement.where(...plan.where.map((w) => this.cond(w, scope)));
    if (plan.distinct) statement = statement.distinct();
    for (const order of plan.orderBy) {
      let key: ColumnElement<unknown> | undefined;
      if (plan.distinct) {
        // DISTINCT sorts by selected columns only (a plain column item, or its label with the flag).
        const plain = plan.items.flatMap((item, i) => (item.e.k === "col" ? [i] : []));
        if (plain.length === 0) continue;
        const index = pick(plain, order.pick);
        const chosen = plan.items[index]!;
        const element = items[index + (plan.star ? 1 : 0)];
        key =
          chosen.label !== undefined && this.flags.labelsInExpressions && element instanceof ColumnElement
            ? element
            : this.expr(chosen.e, chosen.f, scope).el;
      } else key = this.expr(order.e, order.f, scope).el;
      const directed = order.dir === "asc" ? key.asc() : order.dir === "desc" ? key.desc() : key;
      statement = statement.orderBy(
        order.nulls === "first"
          ? nullsFirst(directed)
          : order.nulls === "last"
            ? nullsLast(directed)
            : directed,
      );
    }
    if (plan.limit !== undefined) statement = statement.limit(this.values.count(plan.limit));
    if (plan.offset !== undefined) statement = statement.offset(this.values.count(plan.offset));
    return statement;
  }

  /** `(select <every t0 column>, <labelled items> from t0 where ...) as name`, or the same as a CTE. */
  private fromSubquery(
    plan: Extract<StatementPlan, { k: "select" }>["from"] & { k: "subquery" | "cte" },
  ): Source {
    const t0 = this.table(0);
    const taken = new Set(this.schema.plan.tables[0].columns.map((c) => c.name));
    // Labels named like Object.prototype members are the protoKeys bug.
    if (!this.flags.protoKeys) for (const name of prototypeNames) taken.add(name);
    const base = Object.values(t0.cols).flat();
    const labelled = plan.items.map((item, i) => {
      const name = uniqueName(item.label ?? `e${i}`, taken);
      const typed = this.expr(item.e, item.f, [t0]);
      return { item, name, spec: typed.spec, el: typed.el.label(this.name(name)) };
    });
    const inner = select(...base.map((c) => c.el), ...labelled.map((l) => l.el)).where(
      ...plan.where.map((w) => this.cond(w, [t0])),
    );
    const from = plan.k === "cte" ? inner.cte(plan.name) : inner.subquery(plan.name);
    const qualifier = plan.name ?? "anon_1";
    const cols: Record<Family, Col[]> = { int: [], float: [], text: [], bool: [] };
    for (const c of base) cols[familyOf(c.spec)].push({ ...c, el: columnOf(from, c.key) });
    for (const l of labelled) {
      cols[l.item.f].push({ el: columnOf(from, l.name), spec: l.spec, key: l.name, name: l.name });
    }
    return { from, qualifier, cols };
  }

  private member(
    plan: MemberPlan,
    chosen: readonly Family[],
    lead: Col | undefined,
  ): {
    select: SelectBase;
    lead: Col;
  } {
    const source = this.table(plan.source);
    const col = this.column(source, chosen[0]!, plan.lead);
    const taken = new Set([lead?.name ?? col.name]);
    const rest = plan.rest.map((e, i) => {
      const el = this.expr(e, chosen[i + 1]!, [source]).el;
      const label = plan.labels[i];
      return label === undefined ? el : el.label(this.name(uniqueName(label, taken)));
    });
    let statement: SelectBase = select(col.el, ...rest)
      .selectFrom(source.from)
      .where(...plan.where.map((w) => this.cond(w, [source])));
    if (plan.limit !== undefined) statement = statement.limit(this.values.count(plan.limit));
    return { select: statement, lead: col };
  }

  private compound(plan: Extract<StatementPlan, { k: "compound" }>): Compilable {
    const first = this.member(plan.first, plan.families, undefined);
    const second = this.member(plan.second, plan.families, first.lead);
    let statement = setOp(first.select, plan.op, second.select);
    if (plan.orderByLead) statement = statement.orderBy(first.lead.el);
    if (plan.limit !== undefined) statement = statement.limit(this.values.count(plan.limit));
    return statement;
  }
}

/** Builds one statement plan over built tables; `variant` perturbs every value (same shape). */
export function buildCase(schema: BuiltSchema, plan: StatementPlan, flags: Flags, variant = false): Built {
  const values = new Collector(variant);
  const builder = new Builder(schema, flags, values);
  const statement = builder.build(plan);
  return {
    statement,
    known: builder.known,
    expect: { invalid: values.invalid, parameters: values.parameters, used: builder.used, sql: values.sql },
  };
}
