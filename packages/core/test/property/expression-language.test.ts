import { PostgresDialect, StatementError } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { caseArbitrary, schemaArbitrary, statementArbitrary } from "./arbitraries.ts";
import { buildCase } from "./build.ts";
import { buildSchema, schemaDdl } from "./build-support.ts";
import { allFlags } from "./plan.ts";
import { compileChecked, executeInRollback } from "./run-checks.ts";
import { checkCompiled, sameParameters } from "./sql-checks.ts";

/**
 * Property-based tests of the SQL expression language: thousands of random expression trees and
 * statements over random tables with hostile names, with hostile values, using every construct
 * (allFlags; constructs.test.ts gives each once-buggy construct its own concentrated property).
 *
 * Run counts: compile 3000; cache 1500, plus 500 batches of 2-5 statements sharing a dialect;
 * database 400 per target (each run creates the random tables, executes, rolls back).
 */

const flags = allFlags;
const cases = caseArbitrary(flags);

describe("compile", () => {
  test("every statement compiles, or raises StatementError exactly for a value its type refuses; values travel as parameters, identifiers are quoted", () => {
    fc.assert(
      fc.property(cases, ({ schema, statement }) => {
        compileChecked(buildCase(buildSchema(schema), statement, flags), new PostgresDialect());
      }),
      { seed: 0x5eed_0001, numRuns: 3000 },
    );
  });

  test("compiling twice hits the cache; the same shape with other values hits it and sends the new values", () => {
    fc.assert(
      fc.property(cases, ({ schema, statement }) => {
        const tables = buildSchema(schema);
        const dialect = new PostgresDialect();
        const original = buildCase(tables, statement, flags);
        fc.pre(original.expect.invalid.length === 0);
        const first = original.statement.compile(dialect);
        expect(first.cached).toBe(false);
        const again = original.statement.compile(dialect);
        expect(again.cached).toBe(true);
        expect(again.sql).toBe(first.sql);
        sameParameters(again.parameters, first.parameters);

        const other = buildCase(tables, statement, flags, true);
        if (other.expect.invalid.length > 0) {
          expect(() => other.statement.compile(dialect)).toThrow(StatementError);
          return;
        }
        // Other values are the same shape unless a literal's inferred type changed with its value
        // (-2147483648 is DOUBLE PRECISION, -2147483647 INTEGER), which shows in the SQL as its
        // cast: then it is another shape and must miss. Either way the SQL is what a fresh dialect
        // gives.
        const fresh = other.statement.compile(new PostgresDialect());
        expect(fresh.cached).toBe(false);
        const hit = other.statement.compile(dialect);
        expect(hit.cached).toBe(fresh.sql === first.sql);
        expect(hit.sql).toBe(fresh.sql);
        checkCompiled(hit.sql, hit.parameters, other.expect, other.known);
        sameParameters(hit.parameters, fresh.parameters);
      }),
      { seed: 0x5eed_0002, numRuns: 1500 },
    );
  });

  test("different statements sharing a dialect get the SQL a fresh dialect gives them (no shape-key collisions)", () => {
    const statements = fc.array(statementArbitrary(flags), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(schemaArbitrary(flags), statements, (schema, plans) => {
        const tables = buildSchema(schema);
        const shared = new PostgresDialect();
        for (const plan of plans) {
          const built = buildCase(tables, plan, flags);
          if (built.expect.invalid.length > 0) continue;
          const fromShared = built.statement.compile(shared);
          const alone = built.statement.compile(new PostgresDialect());
          expect(fromShared.sql).toBe(alone.sql);
          sameParameters(fromShared.parameters, alone.parameters);
        }
      }),
      { seed: 0x5eed_0003, numRuns: 500 },
    );
  });
});

forEachDatabase((db) => {
  test("PostgreSQL accepts every statement that compiles", async () => {
    const dialect = new PostgresDialect();
    await fc.assert(
      fc.asyncProperty(cases, async ({ schema, statement }) => {
        const compiled = compileChecked(buildCase(buildSchema(schema), statement, flags), dialect);
        if (compiled !== undefined) await executeInRollback(db, schemaDdl(schema), compiled);
      }),
      { seed: 0x5eed_0004, numRuns: 400 },
    );
  }, 120_000);
});
