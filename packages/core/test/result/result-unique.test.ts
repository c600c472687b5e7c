import { describe, expect, test } from "vitest";
import { MultipleResultsFound } from "../../src/errors.ts";
import { Result } from "../../src/result/result.ts";
import { Integer, Text, users } from "./result-fixtures.ts";

const withDuplicates = [
  ["1", "ann"],
  ["1", "ann"],
  ["2", "ann"],
  ["1", "ann"],
] as const;

describe("Result.unique()", () => {
  test("drops rows equal by value to one already returned", () => {
    expect(users(withDuplicates).unique().all()).toEqual([
      [1, "ann"],
      [2, "ann"],
    ]);
  });

  test("a key function decides what counts as equal", () => {
    expect(
      users(withDuplicates)
        .unique((row) => row.name)
        .all(),
    ).toEqual([[1, "ann"]]);
  });

  test("one() finds one row when the duplicates are filtered out", () => {
    expect(
      users([
        ["1", "ann"],
        ["1", "ann"],
      ])
        .unique()
        .one(),
    ).toEqual([1, "ann"]);
    expect(() => users(withDuplicates).unique().one()).toThrow(MultipleResultsFound);
  });

  test("applies across fetch calls", () => {
    const result = users(withDuplicates).unique();
    expect(result.fetchone()).toEqual([1, "ann"]);
    expect(result.fetchmany(5)).toEqual([[2, "ann"]]);
  });

  test("compares by value: numbers and their strings differ, dates and bytes by content", () => {
    const result = new Result(
      [{ name: "v", type: Text() }],
      [
        [1],
        ["1"],
        [new Date(5)],
        [new Date(5)],
        [new Uint8Array([1, 2])],
        [new Uint8Array([1, 2])],
        [{ a: 1, b: 2 }],
        [{ b: 2, a: 1 }],
      ],
    );
    expect(result.unique().all()).toHaveLength(5);
  });

  test("columns() of a unique result stays unique, by the new rows", () => {
    expect(users(withDuplicates).unique().columns("name").all()).toEqual([["ann"]]);
  });

  test("a Result with no unique() keeps duplicates", () => {
    expect(new Result([{ name: "n", type: Integer() }], [[1], [1]]).all()).toEqual([[1], [1]]);
  });
});
