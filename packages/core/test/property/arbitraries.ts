import fc from "fast-check";
import {
  identifier,
  nullable,
  schemaArbitrary,
  smallIntValue,
  utf8Length,
  VALUE_MARKER,
  valueOf,
} from "./names-values.ts";
import {
  type CompoundPlan,
  type Expr,
  type Family,
  type Flags,
  families,
  type ItemPlan,
  type Operand,
  type OrderPlan,
  type SchemaPlan,
  type StatementPlan,
  type SubPlan,
  type TextPart,
  type TextPlan,
} from "./plan.ts";

export { identifier, schemaArbitrary, VALUE_MARKER } from "./names-values.ts";

/** Random expression trees and statements (as plans: plan.ts) over the tables of a random schema. */

const cmpOrderOps = fc.constantFrom("lt", "le", "gt", "ge");
const cmpEqualityOps = fc.constantFrom("eq", "ne", "isDistinctFrom", "isNotDistinctFrom");
const setOps = fc.constantFrom("union", "unionAll", "intersect", "intersectAll", "except", "exceptAll");

/**
 * Athanor leaves a left operand of the same precedence bare (right for `+`, `and`...), but these
 * levels do not associate in PostgreSQL: `a = b = c`, `a is distinct from b is distinct from c`,
 * `a is distinct from b is null`, `a between b and c in (...)`, `a like b between c and d` do not
 * parse. (`a in (b) in (c)` and `a is null is null` do.) Checked against PostgreSQL 15.
 */
export function chainsNonAssociative(parent: Expr, operand: Expr): boolean {
  const left = bare(operand);
  const isDistinct = (e: Expr) =>
    e.k === "cmp" && (e.op === "isDistinctFrom" || e.op === "isNotDistinctFrom");
  switch (parent.k) {
    case "cmp":
      return isDistinct(parent) ? isDistinct(left) : left.k === "cmp" && !isDistinct(left);
    case "isNull":
      return isDistinct(left);
    case "in":
    case "inSelect":
    case "between":
      return left.k === "between" || left.k === "like";
    default:
      return false;
  }
}

/** What an and_ / or_ of one clause renders as (that clause, with its precedence). */
function bare(e: Expr): Expr {
  return (e.k === "and" || e.k === "or") && e.items.length === 1 ? bare(e.items[0]!) : e;
}

/** The left operand of a binary node (the operand Athanor leaves bare at equal precedence). */
function leftOperand(e: Expr): Expr | undefined {
  switch (e.k) {
    case "cmp":
    case "in":
    case "inSelect":
      return e.left;
    case "between":
      return e.subject;
    case "isNull":
      return e.e;
    default:
      return undefined;
  }
}

export function limitArbitrary(flags: Flags): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat(20) },
    { weight: 1, arbitrary: flags.bigLimits ? fc.maxSafeNat() : fc.nat() },
  );
}

/**
 * Expressions Athanor writes as a bare `true` / `false` (an empty IN, an empty and_ / or_), which
 * PostgreSQL refuses as an ORDER BY key ("non-integer constant in ORDER BY").
 */
export function rendersConstant(e: Expr): boolean {
  if (e.k === "bool") return true;
  if (e.k === "in") return e.values.length === 0;
  if (e.k === "and" || e.k === "or")
    return e.items.length === 0 || (e.items.length === 1 && rendersConstant(e.items[0]!));
  return false;
}

/** Whether a plan (any part of it) has a node of one of these kinds. */
export function containsKind(plan: unknown, kinds: readonly string[]): boolean {
  if (Array.isArray(plan)) return plan.some((part) => containsKind(part, kinds));
  if (typeof plan !== "object" || plan === null) return false;
  if ("k" in plan && typeof plan.k === "string" && kinds.includes(plan.k)) return true;
  return Object.values(plan).some((part) => containsKind(part, kinds));
}

type Exprs = Record<Family, Expr>;

/** Expression trees per family, up to about five levels deep. */
export function expressionArbitraries(flags: Flags): Record<Family, fc.Arbitrary<Expr>> {
  const limit = limitArbitrary(flags);
  return fc.letrec<Exprs>((tie) => {
    const depth: fc.OneOfConstraints = { depthSize: "small", maxDepth: 5, depthIdentifier: "expr" };
    const col = fc.record({ k: fc.constant("col"), source: fc.nat(3), index: fc.nat(7) });
    const value = (f: Family, orNull: boolean): fc.Arbitrary<Operand> =>
      (orNull ? nullable(valueOf[f]) : valueOf[f]).map((v): Operand => ({ k: "value", v }));
    const operand = (f: Family, orNull = false): fc.Arbitrary<Operand> =>
      fc.oneof({ weight: 3, arbitrary: value(f, orNull) }, { weight: 2, arbitrary: tie(f) });
    /** CASE results and coalesce arguments: sent as literal()s, typed by their JS value. */
    const literalOperand = (f: Family): fc.Arbitrary<Operand> => {
      const safe = f === "int" && !flags.untypedLiterals ? smallIntValue : valueOf[f];
      return fc.oneof(
        { weight: 3, arbitrary: nullable(safe).map((v): Operand => ({ k: "value", v })) },
        { weight: 1, arbitrary: tie(f) },
      );
    };
    const where = fc.array(tie("bool"), { maxLength: 2 });
    const sub: fc.Arbitrary<SubPlan> = fc
      .record({
        index: fc.nat(7),
        label: fc.option(identifier, { nil: undefined, freq: 4 }),
        where,
        limit: fc.option(limit, { nil: undefined, freq: 4 }),
        second: fc.option(fc.record({ op: setOps, index: fc.nat(7), where }), { nil: undefined, freq: 4 }),
      })
      .map((s) => (s.second !== undefined && !flags.parenthesisedCompounds ? { ...s, limit: undefined } : s));
    const common = (f: Family): fc.Arbitrary<Expr>[] => [
      fc.record({
        k: fc.constant("case"),
        cond: tie("bool"),
        result: tie(f),
        more: fc.array(fc.record({ cond: tie("bool"), result: literalOperand(f) }), { maxLength: 2 }),
        otherwise: fc.option(literalOperand(f), { nil: undefined }),
      }),
      fc.record({
        k: fc.constant("coalesce"),
        first: tie(f),
        rest: fc.array(literalOperand(f), { maxLength: 2 }),
      }),
      fc.record({ k: fc.constant("scalar"), sub }),
      ...(flags.labelsInExpressions
        ? [fc.record({ k: fc.constant("label"), name: identifier, e: tie(f) })]
        : []),
    ];
    const numeric = (f: "int" | "float"): fc.Arbitrary<Expr>[] => [
      fc.record({
        k: fc.constant("arith"),
        op: fc.constantFrom("add", "sub", "mul"),
        left: tie(f),
        right: operand(f),
      }),
      fc.record({
        k: fc.constant("neg"),
        e: flags.doubleNegation ? tie(f) : tie(f).filter((e) => e.k !== "neg"),
      }),
    ];
    const associates = (e: Expr): boolean => {
      const left = leftOperand(e);
      return flags.nonAssociativeChains || left === undefined || !chainsNonAssociative(e, left);
    };
    const perFamily = (make: (f: Family) => fc.Arbitrary<Expr>): fc.Arbitrary<Expr> =>
      fc.oneof(...families.map(make));
    const comparison = perFamily((f) =>
      fc
        .oneof(
          fc.record({
            k: fc.constant("cmp"),
            f: fc.constant(f),
            op: cmpOrderOps,
            left: tie(f),
            right: operand(f),
          }),
          fc.record({
            k: fc.constant("cmp"),
            f: fc.constant(f),
            op: cmpEqualityOps,
            left: tie(f),
            right: operand(f, true),
          }),
        )
        .filter(associates),
    );
    return {
      int: fc.oneof(
        depth,
        col,
        ...numeric("int"),
        fc.record({ k: fc.constant("length"), e: tie("text") }),
        ...common("int"),
      ),
      float: fc.oneof(depth, col, ...numeric("float"), ...common("float")),
      text: fc.oneof(
        depth,
        col,
        fc.record({ k: fc.constant("concat"), left: tie("text"), right: operand("text") }),
        fc.record({ k: fc.constantFrom("lower", "upper"), e: tie("text") }),
        perFamily((f) => fc.record({ k: fc.constant("castText"), f: fc.constant(f), e: tie(f) })),
        ...common("text"),
      ),
      bool: fc.oneof(
        depth,
        col,
        fc.record({ k: fc.constant("bool"), v: fc.boolean() }),
        comparison,
        fc.record({
          k: fc.constantFrom("and", "or"),
          items: fc.array(tie("bool"), { maxLength: 3 }),
        }),
        fc.record({ k: fc.constant("not"), e: tie("bool") }),
        perFamily((f) =>
          fc
            .record({
              k: fc.constant("in"),
              f: fc.constant(f),
              negate: fc.boolean(),
              left: tie(f),
              values: fc.array(operand(f), { maxLength: 4 }),
            })
            .filter(associates),
        ),
        perFamily((f) =>
          fc
            .record({
              k: fc.constant("between"),
              f: fc.constant(f),
              negate: fc.boolean(),
              subject: tie(f),
              low: operand(f),
              high: operand(f),
            })
            .filter(associates),
        ),
        fc.record({
          k: fc.constant("like"),
          op: fc.constantFrom("like", "notLike", "ilike", "notIlike", "startswith", "endswith", "contains"),
          subject: tie("text"),
          pattern: operand("text"),
        }),
        perFamily((f) =>
          fc
            .record({ k: fc.constant("isNull"), f: fc.constant(f), negate: fc.boolean(), e: tie(f) })
            .filter(associates),
        ),
        fc.record({ k: fc.constant("exists"), sub }),
        perFamily((f) =>
          fc
            .record({
              k: fc.constant("inSelect"),
              f: fc.constant(f),
              negate: fc.boolean(),
              left: tie(f),
              sub,
            })
            .filter(associates),
        ),
        ...common("bool"),
      ),
    };
  });
}

function textPartOf(flags: Flags): fc.Arbitrary<TextPart> {
  const name = fc.oneof(
    fc.constantFrom("a", "b", "id", "name", "select", "from", "x1", "_", "A_b9"),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
  );
  const content = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ":a",
          ":name",
          "::",
          ":",
          "'",
          "''",
          '"',
          "\\",
          "--",
          "?",
          "$1",
          " ",
          "\r",
          "é",
          "😀",
        ),
        fc.string({ unit: "grapheme", maxLength: 3 }),
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join(""))
    .filter((s) => !s.includes("\u0000") && !s.includes(VALUE_MARKER));
  const lexing = flags.textLexing;
  return fc.oneof(
    fc.record({ k: fc.constant("param"), name }),
    fc.record({ k: fc.constant("literal"), content }),
    fc.record({
      k: fc.constant("ident"),
      content: content.filter((s) => s.length > 0 && utf8Length(s) <= 63),
    }),
    fc.constant({ k: "escapedColon" }),
    fc.record({
      k: fc.constant("lineComment"),
      content: content.filter((s) => !/[\r\n]/.test(s)),
      cr: lexing ? fc.boolean() : fc.constant(false),
    }),
    ...(lexing
      ? [
          fc.record({
            k: fc.constant("blockComment"),
            content: content.filter((s) => !s.includes("*/") && !s.includes("/*") && !s.endsWith("/")),
          }),
          fc.record({
            k: fc.constant("dollar"),
            content: content.filter((s) => !s.includes("$")),
          }),
          fc.record({ k: fc.constant("escapeString"), content }),
        ]
      : []),
  );
}

function textArbitrary(flags: Flags): fc.Arbitrary<TextPlan> {
  const anyValue = fc.oneof(...families.map((f) => nullable(valueOf[f])));
  return fc.array(textPartOf(flags), { minLength: 1, maxLength: 6 }).chain((parts) => {
    const names = [...new Set(parts.flatMap((part) => (part.k === "param" ? [part.name] : [])))];
    return fc.tuple(...names.map(() => fc.option(anyValue, { nil: undefined, freq: 8 }))).map((values) => ({
      k: "text",
      parts,
      values: names.flatMap((name, i) => {
        const v = values[i];
        return v === undefined ? [] : [{ name, v }];
      }),
    }));
  });
}

/** Every kind of statement, over the tables of a schema. */
export function statementArbitrary(flags: Flags): fc.Arbitrary<StatementPlan> {
  const expr = expressionArbitraries(flags);
  const limit = limitArbitrary(flags);
  const optionalLimit = fc.option(limit, { nil: undefined, freq: 3 });
  const where = fc.array(expr.bool, { maxLength: 2 });
  const item = fc.oneof(
    ...families.map((f) =>
      fc.record({ f: fc.constant(f), e: expr[f], label: fc.option(identifier, { nil: undefined, freq: 3 }) }),
    ),
  ) satisfies fc.Arbitrary<ItemPlan>;
  const items = (min: number, max: number): fc.Arbitrary<ItemPlan[]> =>
    fc.array(item, { minLength: min, maxLength: max });
  const order: fc.Arbitrary<OrderPlan> = fc.oneof(
    ...families.map((f) =>
      fc.record({
        f: fc.constant(f),
        // A constant of one's own (`true_()`) is no sort key; an empty IN is one only to Athanor.
        e: expr[f].filter((e) => e.k !== "bool" && (flags.constantSortKeys || !rendersConstant(e))),
        pick: fc.nat(5),
        dir: fc.option(fc.constantFrom("asc", "desc"), { nil: undefined }),
        nulls: fc.option(fc.constantFrom("first", "last"), { nil: undefined }),
      }),
    ),
  );
  const from = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ k: "table" }) },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant("join"), outer: fc.boolean(), on: expr.bool }),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        ...families.map((f) =>
          fc.record({
            k: fc.constant("fullJoin"),
            f: fc.constant(f),
            left: fc.nat(7),
            right: fc.nat(7),
          }),
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constantFrom("subquery", "cte"),
        name: fc.option(identifier, { nil: undefined }),
        items: items(0, 3),
        where,
      }),
    },
  );
  const selectPlan = fc.record({
    k: fc.constant("select"),
    from,
    star: fc.boolean(),
    items: items(1, 4),
    where,
    orderBy: fc.array(order, { maxLength: 2 }),
    distinct: fc.boolean(),
    limit: optionalLimit,
    offset: optionalLimit,
  });
  const compound: fc.Arbitrary<CompoundPlan> = fc
    .array(fc.constantFrom(...families), { minLength: 1, maxLength: 3 })
    .chain((chosen) => {
      const rest = chosen.slice(1);
      const member = fc.record({
        source: fc.constantFrom(0, 1),
        lead: fc.nat(7),
        rest: fc.tuple(...rest.map((f) => expr[f])),
        labels: fc.uniqueArray(identifier, { minLength: rest.length, maxLength: rest.length }),
        where,
        limit: optionalLimit,
      });
      return fc.record({
        k: fc.constant("compound"),
        op: setOps,
        families: fc.constant(chosen),
        first: member,
        second: member,
        orderByLead: fc.boolean(),
        limit: optionalLimit,
      });
    });
  const assignment = (values: boolean) =>
    fc.oneof(
      ...families.map((f) =>
        fc.record({
          f: fc.constant(f),
          index: fc.nat(7),
          v: values
            ? nullable(valueOf[f]).map((v): Operand => ({ k: "value", v }))
            : fc.oneof(
                nullable(valueOf[f]).map((v): Operand => ({ k: "value", v })),
                expr[f],
              ),
        }),
      ),
    );
  const returning = items(0, 2);
  // INSERT ... RETURNING evaluates on the inserted row: no arithmetic (overflow), no LIKE (a pattern
  // may end in its escape character), so that PostgreSQL has no runtime error to raise.
  const insertReturning = fc.array(
    item.filter((i) => !containsKind(i.e, ["arith", "neg", "like"])),
    { maxLength: 2 },
  );
  return fc.oneof(
    { weight: 6, arbitrary: selectPlan },
    { weight: 2, arbitrary: compound },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("insert"),
        rows: fc.array(fc.array(assignment(true), { minLength: flags.emptyInsert ? 0 : 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 3,
        }),
        returning: insertReturning,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("insertSelect"),
        targets: fc.array(
          fc.oneof(...families.map((f) => fc.record({ f: fc.constant(f), index: fc.nat(7), e: expr[f] }))),
          { minLength: 1, maxLength: 3 },
        ),
        where,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("update"),
        sets: fc.array(assignment(false), { minLength: 1, maxLength: 3 }),
        where,
        returning,
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("delete"), where, returning }) },
    { weight: 2, arbitrary: textArbitrary(flags) },
  );
}

/** A schema and a statement over it. */
export function caseArbitrary(flags: Flags): fc.Arbitrary<{ schema: SchemaPlan; statement: StatementPlan }> {
  return fc.record({ schema: schemaArbitrary(flags), statement: statementArbitrary(flags) });
}
