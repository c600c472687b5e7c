import { describe, expect, expectTypeOf, test } from "vitest";
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from "../../src/errors.ts";
import type { ScalarResult } from "../../src/result/scalar-result.ts";
import { threeUsers, users } from "./result-fixtures.ts";

describe("ScalarResult", () => {
  test("scalars() reads the first column; scalars(i) / scalars(name) another", () => {
    expect(users(threeUsers).scalars().all()).toEqual([1, 2, 3]);
    expect(users(threeUsers).scalars(1).all()).toEqual(["ann", "bob", null]);
    expect(users(threeUsers).scalars("name").all()).toEqual(["ann", "bob", null]);
  });

  test("first / one / oneOrNone, with SQLAlchemy's errors", () => {
    expect(users(threeUsers).scalars().first()).toBe(1);
    expect(users([]).scalars().first()).toBeNull();
    expect(
      users([["4", "d"]])
        .scalars()
        .one(),
    ).toBe(4);
    expect(() => users([]).scalars().one()).toThrow(
      new NoResultFound("No row was found when one was required"),
    );
    expect(() => users(threeUsers).scalars().one()).toThrow(
      new MultipleResultsFound("Multiple rows were found when exactly one was required"),
    );
    expect(users([]).scalars().oneOrNone()).toBeNull();
    expect(() => users(threeUsers).scalars().oneOrNone()).toThrow(
      new MultipleResultsFound("Multiple rows were found when one or none was required"),
    );
  });

  test("fetchmany / fetchall / partitions / iteration consume", () => {
    const scalars = users(threeUsers).scalars();
    expect(scalars.fetchmany(1)).toEqual([1]);
    expect([...scalars]).toEqual([2, 3]);
    expect(scalars.fetchall()).toEqual([]);
    expect([...users(threeUsers).scalars().partitions(2)]).toEqual([[1, 2], [3]]);
  });

  test("shares the rows and closing with its Result", () => {
    const result = users(threeUsers);
    const ids = result.scalars();
    expect(ids.fetchmany(1)).toEqual([1]);
    expect(result.fetchone()).toEqual([2, "bob"]);
    expect(ids.first()).toBe(3);
    expect(result.closed).toBe(true);
    expect(() => ids.all()).toThrow(new ResourceClosedError("This result object is closed."));
  });

  test("unique() compares the values it returns; a key function may decide", () => {
    expect(
      users(threeUsers)
        .scalars(1)
        .unique((name) => name === null)
        .all(),
    ).toEqual(["ann", null]);
    const names = users([
      ["1", "ann"],
      ["2", "ann"],
    ]);
    expect(names.scalars("name").unique().all()).toEqual(["ann"]);
    // A unique Result gives unique scalars, compared by the scalar.
    expect(names.unique().scalars("name").all()).toEqual([]);
    expect(
      users([
        ["1", "ann"],
        ["2", "ann"],
      ])
        .unique()
        .scalars("name")
        .all(),
    ).toEqual(["ann"]);
  });

  test("types: the column's value type", () => {
    expectTypeOf(users(threeUsers).scalars()).toEqualTypeOf<ScalarResult<number>>();
    expectTypeOf(users(threeUsers).scalars(1)).toEqualTypeOf<ScalarResult<string | null>>();
    expectTypeOf(users(threeUsers).scalars("name")).toEqualTypeOf<ScalarResult<string | null>>();
    expectTypeOf(users(threeUsers).scalars().first()).toEqualTypeOf<number | null>();
    expectTypeOf(users(threeUsers).scalars().all()).toEqualTypeOf<number[]>();
  });
});
