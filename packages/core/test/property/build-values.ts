import { type TextClause, text } from "@athanor/core";
import type { TextPart, TextPlan, TypeSpec, Value } from "./plan.ts";

/** The JS values the builder hands to Athanor. */
export type JsValue = number | bigint | string | boolean;

const INT4 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT2 = { min: -(2n ** 15n), max: 2n ** 15n - 1n };
const INT8 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** The same shape, another value: what the cache property compiles second. */
export function perturb(value: Value): Value {
  switch (value.k) {
    case "int":
      return { k: "int", v: value.v ^ 1n };
    case "num":
      return { k: "num", v: -value.v };
    case "str":
      return { k: "str", v: [...value.v].reverse().join("") };
    case "bool":
      return { k: "bool", v: !value.v };
    case "null":
      return value;
  }
}

function inRange(v: bigint, range: { min: bigint; max: bigint }): boolean {
  return v >= range.min && v <= range.max;
}

/** The JS value a generated value becomes where it meets an expression of type `spec`. */
function toJs(value: Exclude<Value, { k: "null" }>, spec: TypeSpec): JsValue {
  switch (value.k) {
    case "int":
      return spec === "bigint" ? value.v : Number(value.v);
    case "num":
    case "str":
    case "bool":
      return value.v;
  }
}

/** Why PostgreSQL (or the column's declared range) refuses `js` as a `spec`; undefined when it is fine. */
function refusal(value: Exclude<Value, { k: "null" }>, js: JsValue, spec: TypeSpec): string | undefined {
  const range = spec === "integer" ? INT4 : spec === "smallint" ? INT2 : spec === "bigint" ? INT8 : undefined;
  if (range !== undefined) {
    if (value.k === "int") return inRange(value.v, range) ? undefined : `${value.v} out of ${spec} range`;
    if (spec === "bigint" || typeof js !== "number" || !Number.isInteger(js))
      return `${String(js)} is not an integer`;
    return inRange(BigInt(js), range) ? undefined : `${js} out of ${spec} range`;
  }
  if (spec === "real" && typeof js === "number" && js !== 0 && Number.isFinite(js)) {
    const single = Math.fround(js);
    if (!Number.isFinite(single) || single === 0) return `${js} out of real range`;
  }
  if (typeof js === "string") {
    if (js.includes("\u0000")) return "NUL in a string";
    // VARCHAR(n) counts characters (code points), not UTF-16 units.
    if (typeof spec === "object" && [...js].length > spec.varchar)
      return `longer than varchar(${spec.varchar})`;
  }
  return undefined;
}

/** How a bound JS value reaches the driver (BigInteger sends text). */
function driverValue(js: JsValue): unknown {
  return typeof js === "bigint" ? js.toString() : js;
}

/**
 * Collects what the values of one statement must produce: the parameters, and the reasons (if any)
 * compile() must refuse the statement with StatementError.
 */
export class Collector {
  declare readonly parameters: unknown[];
  declare readonly invalid: string[];
  /** text(): the SQL compile() must give, exactly. */
  sql: string | undefined;
  /**
   * > 0 while building an element the SQL leaves out (the left side of an empty IN): its values are
   * still validated but not sent.
   */
  muted: number;
  declare private readonly variant: boolean;

  constructor(variant: boolean) {
    this.variant = variant;
    this.parameters = [];
    this.invalid = [];
    this.sql = undefined;
    this.muted = 0;
  }

  private send(value: unknown): void {
    if (this.muted === 0) this.parameters.push(value);
  }

  private pick(value: Value): Value {
    return this.variant ? perturb(value) : value;
  }

  expectDriver(value: unknown): void {
    this.send(value);
  }

  /** A value coerced to the type of the column or expression it meets (`spec`). */
  bound(value: Value, spec: TypeSpec): JsValue | null {
    const v = this.pick(value);
    if (v.k === "null") {
      this.send(null);
      return null;
    }
    const js = toJs(v, spec);
    const reason = refusal(v, js, spec);
    if (reason !== undefined) this.invalid.push(reason);
    this.send(driverValue(js));
    return js;
  }

  /**
   * A value sent as literal(): Athanor types it by its JS value (a number INTEGER or DOUBLE
   * PRECISION, a bigint BIGINT, a string VARCHAR), so only those types' limits make it invalid.
   */
  literal(value: Value, spec: TypeSpec): JsValue | null {
    const v = this.pick(value);
    if (v.k === "null") {
      this.send(null);
      return null;
    }
    const js = toJs(v, spec);
    const inferred = typeof js === "bigint" ? "bigint" : typeof js === "string" ? "varchar" : "double";
    const reason = refusal(v, js, inferred);
    if (reason !== undefined) this.invalid.push(reason);
    this.send(driverValue(js));
    return js;
  }

  /**
   * startswith / endswith / contains of a value: the escaped pattern is sent, as text of any length
   * (a pattern is not a value of the column, so only NUL is refused).
   */
  likeValue(value: Value, _spec: TypeSpec, before: string, after: string): string {
    const v = this.pick(value);
    if (v.k !== "str") throw new Error("generator bug: a LIKE value that is not a string");
    const reason = refusal(v, v.v, "varchar");
    if (reason !== undefined) this.invalid.push(reason);
    this.send(before + v.v.replace(/[/%_]/g, (char) => `/${char}`) + after);
    return v.v;
  }

  /** LIMIT / OFFSET: any safe non-negative integer is a valid PostgreSQL (bigint) count. */
  count(n: number): number {
    const v = this.variant ? (n % 2 === 0 ? n + 1 : n - 1) : n;
    this.send(v);
    return v;
  }

  /** A text() parameter value: bindparams() types it by its JS value, like literal(). */
  textValue(value: Value): JsValue | null {
    const v = this.pick(value);
    if (v.k === "null") return null;
    if (v.k === "int") return v.v >= -(2n ** 53n) && v.v <= 2n ** 53n ? Number(v.v) : v.v;
    return v.v;
  }

  textOccurrence(js: JsValue | null): void {
    if (js === null) {
      this.send(null);
      return;
    }
    const inferred = typeof js === "bigint" ? "bigint" : typeof js === "string" ? "varchar" : "double";
    const asValue: Value =
      typeof js === "bigint"
        ? { k: "int", v: js }
        : typeof js === "string"
          ? { k: "str", v: js }
          : typeof js === "boolean"
            ? { k: "bool", v: js }
            : { k: "num", v: js };
    const reason = refusal(asValue, js, inferred);
    if (reason !== undefined) this.invalid.push(reason);
    this.send(driverValue(js));
  }
}

function renderPart(part: TextPart, param: () => string): { source: string; expected: string } {
  const same = (sql: string) => ({ source: sql, expected: sql });
  switch (part.k) {
    case "param":
      return { source: `:${part.name}::text`, expected: `${param()}::text` };
    case "literal":
      return same(`'${part.content.replaceAll("'", "''")}'`);
    case "ident":
      return same(`0 as "${part.content.replaceAll('"', '""')}"`);
    case "escapedColon":
      return { source: "'c'\\:\\:text", expected: "'c'::text" };
    case "lineComment":
      return same(`-- ${part.content}${part.cr ? "\r" : "\n"}0`);
    case "blockComment":
      return same(`/*${part.content}*/0`);
    case "dollar":
      return same(`$$${part.content}$$`);
    case "escapeString":
      return same(`E'${part.content.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`);
  }
}

/**
 * `select <parts>` as text(): each `:name` must become the next `$n`, everything else (quoted
 * strings and identifiers, comments, `::` casts) must stay as written, `\:` becoming `:`.
 */
export function buildText(plan: TextPlan, values: Collector): TextClause {
  const given = new Map(plan.values.map(({ name, v }) => [name, values.textValue(v)]));
  let n = 0;
  const rendered = plan.parts.map((part) =>
    renderPart(part, () => {
      n += 1;
      if (part.k !== "param") return `$${n}`;
      const js = given.get(part.name);
      if (js === undefined) values.invalid.push(`no value for :${part.name}`);
      else values.textOccurrence(js);
      return `$${n}`;
    }),
  );
  values.sql = `select ${rendered.map((r) => r.expected).join(", ")}`;
  const clause = text(`select ${rendered.map((r) => r.source).join(", ")}`);
  return given.size === 0 ? clause : clause.bindparams(Object.fromEntries(given));
}
