import fc from "fast-check";
import {
  type ColumnPlan,
  type Family,
  type Flags,
  families,
  type SchemaPlan,
  type TypeSpec,
  type Value,
} from "./plan.ts";

/** Hostile names and values, and random schemas of three tables built from them. */

/**
 * Every string value carries this character; no identifier, keyword or SQL fragment of ours does,
 * so finding it in compiled SQL means a value was written into the SQL text.
 */
export const VALUE_MARKER = "\u2042";

/** Names PostgreSQL keeps for system columns: a table cannot have a column called so. */
const systemColumns = new Set(["ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"]);

// biome-ignore format: a list
const keywords = [
  "select", "from", "where", "order", "user", "table", "group", "end", "limit", "offset", "as", "and",
  "or", "not", "null", "true", "false", "default", "column", "check", "primary", "union", "all",
  "case", "when", "then", "else", "cast", "in", "between", "like", "is", "exists", "join", "on",
  "returning", "desc", "asc", "distinct", "having", "by", "into", "values", "insert", "update",
  "delete", "set", "with", "escape", "text", "integer", "Select", "FROM", "wHeRe", "anon_1", "excluded",
  "__proto__", "constructor", "toString", "hasOwnProperty",
];

// biome-ignore format: a list
const identifierPieces = [
  '"', '""', 'a"b', " ", "  ", "\\", "\\\\", "'", "''", "$1", "$", "--", "/*", "*/", ";", ":name", ":",
  "::", "?", "%", "_", ".", ",", "(", ")", "[", "é", "ß", "Ω", "日本", "😀", "𝔘𝔫𝔦", "\u200b", "\t", "\n",
  "\r", "MiXeD", "UPPER", "1", "123", "0x1F", "e1",
];

function prototypeName(name: string): boolean {
  return Object.hasOwn(Object.prototype, name);
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Table, column, label and subquery names: SQL keywords, quotes, backslashes, whitespace, unicode
 * (astral too), mixed case, leading digits. Never NUL (see the NUL property), never the value
 * marker, at most 63 bytes (PostgreSQL truncates longer names).
 */
export const identifier: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(...keywords),
    fc
      .array(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...keywords, ...identifierPieces) },
          { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }) },
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((parts) => parts.join("")),
    fc.string({ unit: "binary", minLength: 1, maxLength: 6 }),
  )
  .filter(
    (name) =>
      name.length > 0 &&
      !name.includes("\u0000") &&
      !name.includes(VALUE_MARKER) &&
      utf8Length(name) <= 63 &&
      !systemColumns.has(name),
  );

// biome-ignore format: a list
const valuePieces = [
  "'", "''", '"', "\\", "\\'", "$1", "$2", "$$", "--", "/*", "*/", ":name", ":x", "%", "_", "/", "//",
  ";", "é", "日本語", "😀", "𝔘", " ", "\t", "\n", "select", "drop table t;", "E'", "\u200b", "NULL", "?",
];

const valueText = fc
  .array(fc.oneof(fc.constantFrom(...valuePieces), fc.string({ unit: "grapheme", maxLength: 3 })), {
    maxLength: 4,
  })
  .map((parts) => parts.join(""));

const textValue: fc.Arbitrary<Value> = fc
  .oneof(
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 8, arbitrary: fc.tuple(valueText, valueText).map(([a, b]) => a + VALUE_MARKER + b) },
    { weight: 1, arbitrary: fc.tuple(valueText, valueText).map(([a, b]) => `${a}\u0000${VALUE_MARKER}${b}`) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 6 }).map((s) => VALUE_MARKER + s) },
  )
  .map((v): Value => ({ k: "str", v }));

// biome-ignore format: a list
const intEdges = [
  32767n, -32768n, 32768n, -32769n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, -(2n ** 31n) - 1n,
  2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n,
];

const intOf = (v: bigint): Value => ({ k: "int", v });
const numOf = (v: number): Value => ({ k: "num", v });

const intValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: -100n, max: 100n }).map(intOf) },
  {
    weight: 3,
    arbitrary: fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }).map(intOf),
  },
  { weight: 2, arbitrary: fc.constantFrom(...intEdges).map(intOf) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(intOf) },
  { weight: 1, arbitrary: fc.double({ noInteger: true }).map(numOf) },
);

/** Integers every integer type holds: what a literal() may carry without the untypedLiterals flag. */
export const smallIntValue: fc.Arbitrary<Value> = fc.bigInt({ min: -32768n, max: 32767n }).map(intOf);

const floatValue: fc.Arbitrary<Value> = fc.double().map(numOf);
const boolValue: fc.Arbitrary<Value> = fc.boolean().map((v): Value => ({ k: "bool", v }));
const nullValue: fc.Arbitrary<Value> = fc.constant({ k: "null" });

export const valueOf: Record<Family, fc.Arbitrary<Value>> = {
  int: intValue,
  float: floatValue,
  text: textValue,
  bool: boolValue,
};

export function nullable(value: fc.Arbitrary<Value>): fc.Arbitrary<Value> {
  return fc.oneof({ weight: 1, arbitrary: nullValue }, { weight: 6, arbitrary: value });
}

function typeOf(family: Family, flags: Flags): fc.Arbitrary<TypeSpec> {
  switch (family) {
    case "int":
      return fc.constantFrom<TypeSpec>("integer", "smallint", "bigint");
    case "float":
      return flags.realColumns ? fc.constantFrom<TypeSpec>("double", "real") : fc.constant("double");
    case "text":
      return flags.varcharColumns
        ? fc.oneof(
            fc.constantFrom<TypeSpec>("text", "varchar"),
            fc.integer({ min: 1, max: 12 }).map((n) => ({ varchar: n })),
          )
        : fc.constantFrom<TypeSpec>("text", "varchar");
    case "bool":
      return fc.constant("boolean");
  }
}

function columnsOf(flags: Flags): fc.Arbitrary<ColumnPlan[]> {
  return fc
    .record({
      names: fc.uniqueArray(identifier, { minLength: 4, maxLength: 7 }),
      base: fc.tuple(...families.map((family) => typeOf(family, flags))),
      extra: fc.array(fc.oneof(...families.map((family) => typeOf(family, flags))), {
        minLength: 3,
        maxLength: 3,
      }),
      keyed: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    })
    .map(({ names, base, extra, keyed }) => {
      const types = [...base, ...extra];
      return names.map((name, i) => ({
        name,
        keyed: keyed[i] === true,
        type: types[i] ?? "text",
      }));
    });
}

/** Three tables with distinct nasty names; t1 may reuse a column name of t0 ("echo"). */
export function schemaArbitrary(flags: Flags): fc.Arbitrary<SchemaPlan> {
  return fc
    .record({
      names: fc.uniqueArray(identifier, { minLength: 3, maxLength: 3 }),
      columns: fc.tuple(columnsOf(flags), columnsOf(flags), columnsOf(flags)),
      echo: fc.boolean(),
    })
    .map(({ names, columns: [c0, c1, c2], echo }) => {
      const echoed = c0[0] !== undefined && c1[0] !== undefined && !c1.some((c) => c.name === c0[0]?.name);
      const t1Columns = echo && echoed ? c1.map((c, i) => (i === 0 ? { ...c, name: c0[0]!.name } : c)) : c1;
      // Object.prototype names as attribute keys are the protoKeys bug: without the flag they are SQL
      // names only.
      const keys = (columns: ColumnPlan[]) =>
        columns.map((c) => (prototypeName(c.name) && !flags.protoKeys ? { ...c, keyed: true } : c));
      // A table named like Athanor's alias of an unnamed subquery is the anonymousNames bug.
      const table = (name: string) =>
        !flags.anonymousNames && /^anon_\d+$/.test(name) ? `${name}\u01c2` : name;
      return {
        tables: [
          { name: table(names[0]!), columns: keys(c0) },
          { name: table(names[1]!), columns: keys(t1Columns) },
          { name: table(names[2]!), columns: keys(c2) },
        ],
      };
    });
}
