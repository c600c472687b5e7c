import {
  AthanorError,
  type Compiled,
  column,
  Integer,
  MetaData,
  PostgresDialect,
  select,
  Table,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { caseArbitrary, identifier } from "./arbitraries.ts";
import { buildCase } from "./build.ts";
import { buildSchema, schemaDdl } from "./build-support.ts";
import { baseFlags, type Flags } from "./plan.ts";
import { compileChecked, executeInRollback } from "./run-checks.ts";

/**
 * The expression-language properties with one once-buggy construct turned on each (plan.ts, Flags):
 * concentrated runs where bugs were. Each failed when written; the comment above it records the
 * shrunk counterexample (schema names abridged: "\u0001" is a control character, " " a space), and
 * regressions.test.ts has it as a plain test. All are fixed; they stay as guards. Seeds are fixed;
 * fast-check prints seed and path on failure.
 */

type Flag = keyof Flags;

function compileProperty(flag: Flag, seed: number): void {
  const flags = { ...baseFlags, [flag]: true };
  fc.assert(
    fc.property(caseArbitrary(flags), ({ schema, statement }) => {
      compileChecked(buildCase(buildSchema(schema), statement, flags), new PostgresDialect());
    }),
    { seed, numRuns: 500 },
  );
}

describe("compile, with one once-buggy construct on", () => {
  // -(-x) rendered as `--x`, a comment: `select --"t"."x" from "t"` runs as a bare `select`. Shrunk:
  // an INSERT ... SELECT whose CASE had `{"k":"neg","e":{"k":"neg","e":{"k":"col"}}}`: "comment or
  // statement separator outside quotes". (Fixed concurrently: now -(-x).)
  test("doubleNegation", () => compileProperty("doubleNegation", 0xb06_0001));
  // A VARCHAR(n) length check counted UTF-16 units: "NULL 𐀀⁂" (7 characters) refused for
  // VARCHAR(7) (fixed concurrently). Still: contains()/startswith()/endswith() check the escaped
  // pattern, wildcards included: `"anon_1".contains("⁂")` on a VARCHAR(1) column raises
  // StatementError `"%⁂%" is not a valid String (longer than 1 characters)`.
  test("varcharColumns", () => compileProperty("varcharColumns", 0xb06_0002));
  // Float(24) (REAL) accepts any double: `update ... returning "select" + $1 + $2` with $2 = -5e-324
  // on a REAL column compiles; PostgreSQL refuses it (out of range for type real).
  test("realColumns", () => compileProperty("realColumns", 0xb06_0003));
  // limit(2147483648) (a safe, non-negative count PostgreSQL takes as bigint) raises StatementError
  // "2147483648 is not a valid Integer": LIMIT / OFFSET are bound as INTEGER.
  test("bigLimits", () => compileProperty("bigLimits", 0xb06_0004));
  // A column keyed "__proto__" is dropped by the Table (assigned as a prototype): ArgumentError
  // `table "group" has no column "__proto__"`. Subqueries drop columns keyed like any
  // Object.prototype member (toString, constructor...): `exportedColumns[key] ??= column`.
  test("protoKeys", () => compileProperty("protoKeys", 0xb06_0005));
});

forEachDatabase((db) => {
  async function databaseProperty(flag: Flag, seed: number, numRuns = 300): Promise<void> {
    const flags = { ...baseFlags, [flag]: true };
    await fc.assert(
      fc.asyncProperty(caseArbitrary(flags), async ({ schema, statement }) => {
        const compiled = compileChecked(
          buildCase(buildSchema(schema), statement, flags),
          new PostgresDialect(),
        );
        if (compiled !== undefined) await executeInRollback(db, schemaDdl(schema), compiled);
      }),
      { seed, numRuns },
    );
  }
  // Equal precedence left bare on the left of PostgreSQL's non-associative operators: `""."" between
  // $1 and $2 between coalesce((select ...)) and $3`: syntax error at "between". (Fixed concurrently.)
  test("nonAssociativeChains", () => databaseProperty("nonAssociativeChains", 0xb06_0101), 120_000);
  // A label used as an operand rendered `x as "n"`: `... where "select"."" as " " like $1`: syntax
  // error at "as" (fixed concurrently). It now renders bare but keeps the label's precedence (atom):
  // `... between not " "."where" in (select ...) and false`: syntax error at "not"; and
  // `x.add(1).label("n").mul(2)` gives `"t"."x" + $1 * $2`, a wrong result without an error.
  test("labelsInExpressions", () => databaseProperty("labelsInExpressions", 0xb06_0102), 120_000);
  // A compound whose first member has LIMIT is written without outer parentheses inside an
  // expression: `... exists (select ... limit $1) union (select ...)`, `order by x in (select ...
  // limit $1) union (select ...)`: syntax error at "union".
  test("parenthesisedCompounds", () => databaseProperty("parenthesisedCompounds", 0xb06_0103), 120_000);
  // `{"k":"insert","rows":[[]]}`: `insert into "" values ()`: syntax error at ")" (DEFAULT VALUES).
  test("emptyInsert", () => databaseProperty("emptyInsert", 0xb06_0104), 120_000);
  // literal()s are typed by their JS value, PostgreSQL types them from the context: `case when ...
  // then "select" when ... then $1 end = $2` with $1 = -32769 next to a SMALLINT column: value out of
  // range for type smallint. (Passes since binds carry casts, a concurrent change.)
  test("untypedLiterals", () => databaseProperty("untypedLiterals", 0xb06_0105), 120_000);
  // `orderBy(and_())` (or an empty IN) renders a bare constant: `select ... full join ... order by
  // true`: "non-integer constant in ORDER BY".
  test("constantSortKeys", () => databaseProperty("constantSortKeys", 7, 1000), 120_000);
  // text() runs a line comment to "\n" only; PostgreSQL ends it at "\r" too. Shrunk: parts
  // `[{"k":"lineComment","content":"","cr":true},{"k":"escapedColon"}]`: `select -- \r0, 'c'\:\:text`
  // keeps its `\:` (read as comment). Found before (fixed concurrently): `select E'\'', -- \n0`
  // raised "unterminated string"; quotes in block comments; :name inside $$...$$.
  test("textLexing", () => databaseProperty("textLexing", 0xb06_0006), 120_000);
  // A table named anon_1 captures references to the unnamed subquery Athanor also calls anon_1:
  // `... from (select ...) as "anon_1" where ... in ((select ... from "anon_1" union select ... from
  // "anon_1" where "anon_1"."select"))`: "argument of WHERE must be type boolean, not type text"
  // (the table's text column, not the subquery's boolean one). With compatible types: wrong rows.
  test("anonymousNames", () => databaseProperty("anonymousNames", 4, 1000), 120_000);
});

type NamePlace = "table" | "column" | "label" | "subquery";

function compileWithName(name: string, place: NamePlace): Compiled {
  const table = new Table(place === "table" ? name : "t", new MetaData(), {
    x: column(Integer, { name: place === "column" ? name : "x" }),
  });
  if (place === "label") return select(table.c.x.label(name)).compile();
  if (place === "subquery") return select(select(table.c.x).subquery(name)).compile();
  return select(table.c.x).compile();
}

describe("NUL in a name", () => {
  // PostgreSQL names cannot hold NUL. Athanor writes it into the SQL, and the server answers with a
  // protocol error: PGlite "insufficient data left in message". Shrunk: `[" ", 0, "table"]`, a table
  // named "\u0000 ": `select "\u0000 "."x" from "\u0000 "` compiles.
  test("is refused with an AthanorError before any SQL is sent", () => {
    fc.assert(
      fc.property(
        identifier,
        fc.nat(),
        fc.constantFrom<NamePlace>("table", "column", "label", "subquery"),
        (base, at, place) => {
          const chars = [...base];
          const i = at % (chars.length + 1);
          const name = [...chars.slice(0, i), "\u0000", ...chars.slice(i)].join("");
          expect(() => compileWithName(name, place)).toThrow(AthanorError);
        },
      ),
      { seed: 0xb06_0201, numRuns: 200 },
    );
  });
});
