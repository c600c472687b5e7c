import { describe, expect, test } from "vitest";
import { prepareParams } from "../src/pg/pg-params.ts";
import { toDriverParameter } from "../src/postgresjs/value-types.ts";

// (-0).toString() and "" + -0 are both "0": the two drivers sent -0 as 0 (issue 10, defect 7).
describe("-0 as a parameter", () => {
  test("node-postgres gets the text -0, alone and inside an array", () => {
    expect(prepareParams([-0, 0, [-0, 2]])).toEqual(["-0", 0, ["-0", 2]]);
  });

  test("postgres.js gets the text -0, alone and inside an array", () => {
    expect(toDriverParameter(-0)).toBe("-0");
    expect(toDriverParameter(0)).toBe(0);
    expect(toDriverParameter([-0, 2])).toBe('{"-0","2"}');
  });
});
