import { describe, expect, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { Result } from "../../src/result/result.ts";
import { Integer, type UserNames, type UserTuple, users } from "./result-fixtures.ts";

describe("Result.merge()", () => {
  test("this result's remaining rows, then each other's, with this one's names", () => {
    const a = users([["1", "a"]], { rowcount: 1 });
    const b = users(
      [
        ["2", "b"],
        ["3", "c"],
      ],
      { rowcount: 2 },
    );
    b.fetchone();
    const merged = a.merge(b);
    expect(merged.keys()).toEqual(["id", "name"]);
    expect(merged.rowcount).toBe(3);
    expect(merged.all().map((row) => row.name)).toEqual(["a", "c"]);
  });

  test("consumes the sources and closes them with it", () => {
    const a = users([["1", "a"]]);
    const b = users([["2", "b"]]);
    const merged = a.merge(b);
    expect(a.all()).toEqual([]);
    merged.close();
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(true);
  });

  test("merges views: each source's own columns are read", () => {
    const a = users([["1", "a"]]).columns("name", "id");
    const b = users([["2", "b"]]).columns("name", "id");
    expect(a.merge(b).all()).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  test("keeps this result's unique filter; rowcount unknown if any source's is", () => {
    const merged = users([["1", "a"]])
      .unique()
      .merge(users([["1", "a"]]));
    expect(merged.rowcount).toBeUndefined();
    expect(merged.all()).toHaveLength(1);
  });

  test("refuses a result of another width", () => {
    // Typed like the users result on purpose: the width check is what stands in the way.
    const other = new Result<UserTuple, UserNames>([{ name: "n", type: Integer() }], [[1]]);
    expect(() => users([]).merge(other)).toThrow(
      new ArgumentError("cannot merge a result of 1 columns into one of 2"),
    );
  });
});
