import { describe, expect, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { threeUsers, users } from "./result-fixtures.ts";

describe("Result: fetching in steps", () => {
  test("fetchone() gives the next row, then null, and leaves the result open", () => {
    const result = users(threeUsers);
    expect(result.fetchone()).toEqual([1, "ann"]);
    expect(result.fetchone()).toEqual([2, "bob"]);
    expect(result.fetchone()).toEqual([3, null]);
    expect(result.fetchone()).toBeNull();
    expect(result.closed).toBe(false);
  });

  test("fetchmany(size) gives up to size rows; without size, all that remain", () => {
    const result = users(threeUsers);
    expect(result.fetchmany(2)).toEqual([
      [1, "ann"],
      [2, "bob"],
    ]);
    expect(result.fetchmany(2)).toEqual([[3, null]]);
    expect(result.fetchmany(2)).toEqual([]);
    const rest = users(threeUsers);
    rest.fetchone();
    expect(rest.fetchmany()).toHaveLength(2);
    expect(users(threeUsers).fetchmany(0)).toEqual([]);
  });

  test("fetchmany refuses a size that is not a whole count", () => {
    expect(() => users(threeUsers).fetchmany(-1)).toThrow(
      new ArgumentError("size must be an integer of at least 0, got -1"),
    );
    expect(() => users(threeUsers).fetchmany(1.5)).toThrow(ArgumentError);
  });

  test("fetchall() gives what remains", () => {
    const result = users(threeUsers);
    result.fetchone();
    expect(result.fetchall()).toEqual([
      [2, "bob"],
      [3, null],
    ]);
    expect(result.fetchall()).toEqual([]);
  });

  test("partitions(size) yields lists of up to size rows, read lazily", () => {
    const result = users(threeUsers);
    const partitions = result.partitions(2);
    // Nothing is read until the iterator is stepped.
    expect(result.fetchone()).toEqual([1, "ann"]);
    expect([...partitions]).toEqual([
      [
        [2, "bob"],
        [3, null],
      ],
    ]);
    expect([...users(threeUsers).partitions(1)]).toHaveLength(3);
    expect([...users(threeUsers).partitions()]).toEqual([
      [
        [1, "ann"],
        [2, "bob"],
        [3, null],
      ],
    ]);
    expect([...users([]).partitions(5)]).toEqual([]);
  });

  test("partitions refuses a size below 1 at once (0 would yield nothing and leave the rows)", () => {
    expect(() => users(threeUsers).partitions(0)).toThrow(
      new ArgumentError("size must be an integer of at least 1, got 0"),
    );
  });

  test("iteration consumes; breaking out leaves the rest", () => {
    const result = users(threeUsers);
    for (const row of result) {
      expect(row.id).toBe(1);
      break;
    }
    expect([...result].map((row) => row.id)).toEqual([2, 3]);
    expect([...result]).toEqual([]);
  });

  test("an empty result: every read gives nothing", () => {
    const result = users([]);
    expect(result.fetchone()).toBeNull();
    expect(result.fetchmany(3)).toEqual([]);
    expect(result.fetchall()).toEqual([]);
    expect(result.all()).toEqual([]);
    expect([...result]).toEqual([]);
    expect(result.oneOrNone()).toBeNull();
  });
});
