import { describe, expect, expectTypeOf, test } from "vitest";
import type { Result } from "../../src/result/result.ts";
import { threeUsers, type UserNames, type UserTuple, users } from "./result-fixtures.ts";

describe("Result.freeze()", () => {
  test("reads the rest of the rows; each call gives a new, equal Result", () => {
    const result = users(threeUsers, { rowcount: 3 });
    result.fetchone();
    const frozen = result.freeze();
    expect(result.all()).toEqual([]);
    const a = frozen();
    const b = frozen();
    expect(a === b).toBe(false);
    expect(a.all()).toEqual([
      [2, "bob"],
      [3, null],
    ]);
    expect(b.keys()).toEqual(["id", "name"]);
    expect(b.rowcount).toBe(3);
    expect(b.one.bind(b)).toThrow();
    // Names work on the new rows, and the values are not converted a second time.
    expect(frozen().first()?.id).toBe(2);
  });

  test("data holds the values, frozen so later Results cannot be changed through it", () => {
    const frozen = users(threeUsers).freeze();
    expect(frozen.data).toEqual([
      [1, "ann"],
      [2, "bob"],
      [3, null],
    ]);
    expect(Object.isFrozen(frozen.data[0])).toBe(true);
  });

  test("keeps a unique filter's choice of rows", () => {
    const frozen = users([
      ["1", "a"],
      ["1", "a"],
    ])
      .unique()
      .freeze();
    expect(frozen().all()).toEqual([[1, "a"]]);
  });

  test("withNewRows() gives a FrozenResult of the same columns", () => {
    const frozen = users(threeUsers)
      .freeze()
      .withNewRows([[9, "z"]]);
    expect(frozen().one().name).toBe("z");
  });

  test("types: calling gives the same Result type", () => {
    const frozen = users(threeUsers).freeze();
    expectTypeOf(frozen()).toEqualTypeOf<Result<UserTuple, UserNames>>();
    expectTypeOf(frozen.data).toEqualTypeOf<readonly Readonly<UserTuple>[]>();
  });
});
