import { describe, expect, expectTypeOf, test } from "vitest";
import { MultipleResultsFound, NoResultFound } from "../../src/errors.ts";
import { Result } from "../../src/result/result.ts";
import { Integer, threeUsers, users } from "./result-fixtures.ts";

describe("MappingResult", () => {
  test("rows as frozen plain objects by name", () => {
    const mappings = users(threeUsers).mappings();
    expect(mappings.keys()).toEqual(["id", "name"]);
    const first = mappings.fetchone();
    expect(first).toEqual({ id: 1, name: "ann" });
    expect(Object.isFrozen(first)).toBe(true);
    expect(mappings.all()).toEqual([
      { id: 2, name: "bob" },
      { id: 3, name: null },
    ]);
    expect(mappings.fetchone()).toBeNull();
  });

  test("first / one / oneOrNone, with SQLAlchemy's errors", () => {
    expect(users(threeUsers).mappings().first()).toEqual({ id: 1, name: "ann" });
    expect(users([]).mappings().first()).toBeNull();
    expect(
      users([["1", "a"]])
        .mappings()
        .one(),
    ).toEqual({ id: 1, name: "a" });
    expect(() => users([]).mappings().one()).toThrow(
      new NoResultFound("No row was found when one was required"),
    );
    expect(users([]).mappings().oneOrNone()).toBeNull();
    expect(() => users(threeUsers).mappings().oneOrNone()).toThrow(
      new MultipleResultsFound("Multiple rows were found when one or none was required"),
    );
  });

  test("fetchmany / fetchall / partitions / iteration consume", () => {
    const mappings = users(threeUsers).mappings();
    expect(mappings.fetchmany(1)).toEqual([{ id: 1, name: "ann" }]);
    expect([...mappings.partitions(1)]).toHaveLength(2);
    expect(mappings.fetchall()).toEqual([]);
    expect([...users(threeUsers).mappings()].map((mapping) => mapping.id)).toEqual([1, 2, 3]);
  });

  test("duplicate names: the first column of a name wins", () => {
    const result = new Result(
      [
        { name: "id", type: Integer() },
        { name: "id", type: Integer() },
      ],
      [[1, 2]],
    );
    expect(result.mappings().one()).toEqual({ id: 1 });
  });

  test("unique() compares mappings by their values", () => {
    const rows = [
      ["1", "a"],
      ["1", "a"],
      ["2", "a"],
    ] as const;
    expect(users(rows).mappings().unique().all()).toHaveLength(2);
    expect(
      users(rows)
        .mappings()
        .unique((mapping) => mapping.name)
        .all(),
    ).toHaveLength(1);
    expect(users(rows).unique().mappings().all()).toHaveLength(2);
  });

  test("types: the Result's names", () => {
    const mappings = users(threeUsers).mappings();
    expectTypeOf(mappings.one).returns.toEqualTypeOf<
      Readonly<{ readonly id: number; readonly name: string | null }>
    >();
    expectTypeOf(mappings.first).returns.toEqualTypeOf<Readonly<{
      readonly id: number;
      readonly name: string | null;
    }> | null>();
  });
});
