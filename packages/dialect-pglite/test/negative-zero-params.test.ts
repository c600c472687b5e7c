import { describe, expect, test } from "vitest";
import { toDriverParams } from "../src/params.ts";

// String(-0) is "0": -0 written that way reached PGlite as 0 (issue 10, defect 7).
describe("-0 as a PGlite parameter", () => {
  test("is sent as the text -0, alone and inside an array", () => {
    expect(toDriverParams([-0, 0, [-0, 1.5]])).toEqual(["-0", "0", '{"-0","1.5"}']);
  });
});
