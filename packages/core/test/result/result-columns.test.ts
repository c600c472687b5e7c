import { describe, expect, expectTypeOf, test } from "vitest";
import { NoSuchColumnError } from "../../src/errors.ts";
import type { Result } from "../../src/result/result.ts";
import { threeUsers, users } from "./result-fixtures.ts";

describe("Result.columns()", () => {
  test("keeps the order asked for and the names", () => {
    const result = users(threeUsers).columns("name", "id");
    expect(result.keys()).toEqual(["name", "id"]);
    const row = result.first();
    expect(row).toEqual(["ann", 1]);
    expect(row?.name).toBe("ann");
    expect(row?.id).toBe(1);
  });

  test("by index, negative from the end, and repeated", () => {
    expect(users(threeUsers).columns(1).first()).toEqual(["ann"]);
    expect(users(threeUsers).columns(-1, 0).first()).toEqual(["ann", 1]);
    expect(users(threeUsers).columns("id", "id").first()).toEqual([1, 1]);
    expect(users(threeUsers).columns().first()).toEqual([]);
  });

  test("shares the rows with the result it came from", () => {
    const result = users(threeUsers);
    const names = result.columns("name");
    expect(names.fetchone()).toEqual(["ann"]);
    expect(result.fetchone()).toEqual([2, "bob"]);
    expect(names.rowcount).toBe(result.rowcount);
  });

  test("an unknown name or index raises NoSuchColumnError", () => {
    // @ts-expect-error: not a column of the result
    expect(() => users(threeUsers).columns("email")).toThrow(
      new NoSuchColumnError("Could not locate column in row for column 'email'"),
    );
    expect(() => users(threeUsers).columns(2)).toThrow(
      new NoSuchColumnError("Could not locate column in row for column index 2"),
    );
    expect(() => users(threeUsers).columns(-3)).toThrow(NoSuchColumnError);
  });

  test("types: the tuple and names of the chosen columns", () => {
    expectTypeOf(users(threeUsers).columns("name", "id")).toEqualTypeOf<
      Result<[string | null, number], { readonly name: string | null; readonly id: number }>
    >();
    // A column given by position keeps its value type; its name is not known to the types.
    expectTypeOf(users(threeUsers).columns(1)).toEqualTypeOf<Result<[string | null], Record<never, never>>>();
  });
});
