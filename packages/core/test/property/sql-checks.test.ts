import { describe, expect, test } from "vitest";
import { VALUE_MARKER } from "./arbitraries.ts";
import type { Expectation } from "./build.ts";
import { checkCompiled, scanSql } from "./sql-checks.ts";

/** The checks of the properties catch what they look for (so that passing means something). */

const known = new Set(["t", "x", 'we"ird']);
const expectation = (parameters: unknown[], used: string[] = ["t", "x"]): Expectation => ({
  invalid: [],
  parameters,
  used: new Set(used),
  sql: undefined,
});

describe("checkCompiled", () => {
  test("accepts quoted identifiers, keywords, $n and the LIKE escape", () => {
    const sql = `select "t"."x", "t"."we""ird" from "t" where "t"."x" like $1 escape '/' and "t"."x" = $2`;
    expect(() => checkCompiled(sql, ["a", 1], expectation(["a", 1]), known)).not.toThrow();
  });

  test.each([
    ["an unquoted identifier", 'select "t".x from "t"', [], []],
    ["an unknown quoted identifier", 'select "t"."y" from "t"', [], []],
    ["a used name missing", 'select 1 from "t"', [], []],
    ["a value in the SQL", `select "t"."x" from "t" where "t"."x" = 'a${VALUE_MARKER}'`, [], []],
    ["a comment", 'select "t"."x" from "t" --', [], []],
    ["placeholders out of order", 'select "t"."x" from "t" where $2 = $1', [1, 2], [1, 2]],
    ["a parameter never bound", 'select "t"."x" from "t" where "t"."x" = $1', [1], []],
    ["a bound value not sent", 'select "t"."x" from "t" where "t"."x" = $1', [1], [1, 2]],
    ["-0 sent for 0", 'select "t"."x" from "t" where "t"."x" = $1', [-0], [0]],
  ])("rejects %s", (_, sql, sent, bound) => {
    expect(() => checkCompiled(sql, sent, expectation(bound), known)).toThrow();
  });
});

test("scanSql reads doubled quotes back", () => {
  expect(scanSql(`select "a""b", 'c''d'`)).toEqual({
    identifiers: ['a"b'],
    strings: ["c'd"],
    outside: "select  ,  ",
  });
});
