import { describe, expect, expectTypeOf, test } from "vitest";
import { Result } from "../../src/result/result.ts";
import { Row } from "../../src/result/row.ts";
import { Integer, Text, users } from "./result-fixtures.ts";

describe("Row", () => {
  test("is a real array: index, destructuring, length, spread, Array.isArray, instanceof Row", () => {
    const row = users([["1", "ann"]]).one();
    expect(Array.isArray(row)).toBe(true);
    expect(row instanceof Row).toBe(true);
    expect(row[0]).toBe(1);
    const [id, name] = row;
    expect([id, name]).toEqual([1, "ann"]);
    expect(row.length).toBe(2);
    expect([...row]).toEqual([1, "ann"]);
    expect(row).toEqual([1, "ann"]);
    expect(JSON.stringify(row)).toBe('[1,"ann"]');
  });

  test("answers column names, read-only", () => {
    const row = users([["1", "ann"]]).one();
    expect(row.id).toBe(1);
    expect(row.name).toBe("ann");
    // Names live on the prototype as getters: they are not own keys, so they do not show in JSON or keys.
    expect(Object.keys(row)).toEqual(["0", "1"]);
    // A getter without a setter: the write is refused.
    expect(Reflect.set(row, "id", 2)).toBe(false);
    expect(row.id).toBe(1);
  });

  test("_mapping is a frozen object by name; _asdict a mutable copy; _fields the names; _tuple a plain array", () => {
    const row = users([["1", "ann"]]).one();
    expect(row._mapping).toEqual({ id: 1, name: "ann" });
    expect(Object.isFrozen(row._mapping)).toBe(true);
    const dict = row._asdict();
    dict.name = "changed";
    expect(row.name).toBe("ann");
    expect(row._fields).toEqual(["id", "name"]);
    const tuple = row._tuple();
    expect(Array.isArray(tuple)).toBe(true);
    expect(tuple instanceof Row).toBe(false);
    expect(tuple).toEqual([1, "ann"]);
  });

  test("map/filter/slice give plain arrays (a sliced row no longer fits its names)", () => {
    const row = users([["1", "ann"]]).one();
    const sliced = row.slice(1);
    expect(sliced instanceof Row).toBe(false);
    expect(sliced).toEqual(["ann"]);
    expect(row.map(String) instanceof Row).toBe(false);
  });

  test("duplicate names: the first column of a name answers it, in name access and _mapping", () => {
    const result = new Result<[number, number], { id: number }>(
      [
        { name: "id", type: Integer() },
        { name: "id", type: Integer() },
      ],
      [[1, 2]],
    );
    const row = result.one();
    expect(row.id).toBe(1);
    expect(row._mapping).toEqual({ id: 1 });
    expect(row._fields).toEqual(["id", "id"]);
    expect([...row]).toEqual([1, 2]);
  });

  test("names taken by array or row members stay reachable through _mapping only", () => {
    const result = new Result(
      [
        { name: "length", type: Integer() },
        { name: "map", type: Text() },
        { name: "_fields", type: Text() },
        { name: "0", type: Text() },
        { name: "__proto__", type: Text() },
      ],
      [[7, "m", "f", "zero", "p"]],
    );
    const row = result.one();
    expect(row.length).toBe(5);
    expect(typeof row.map).toBe("function");
    expect(row._fields).toEqual(["length", "map", "_fields", "0", "__proto__"]);
    expect(row[0]).toBe(7);
    expect(row._mapping.length).toBe(7);
    expect(row._mapping.map).toBe("m");
    expect(row._mapping._fields).toBe("f");
    expect(row._mapping["0"]).toBe("zero");
    // __proto__ is a key of the mapping, not its prototype.
    expect(Object.keys(row._mapping)).toContain("__proto__");
    expect(Object.getPrototypeOf(row._mapping)).toBe(Object.prototype);
  });

  test("types: values by position and name, members typed", () => {
    const row = users([["1", "ann"]]).one();
    expectTypeOf(row[0]).toEqualTypeOf<number>();
    expectTypeOf(row.name).toEqualTypeOf<string | null>();
    expectTypeOf(row._mapping).toEqualTypeOf<
      Readonly<{ readonly id: number; readonly name: string | null }>
    >();
    expectTypeOf(row._tuple()).toEqualTypeOf<[number, string | null]>();
    expectTypeOf(row._asdict()).toEqualTypeOf<{ id: number; name: string | null }>();
    const [id, name] = row;
    expectTypeOf(id).toEqualTypeOf<number>();
    expectTypeOf(name).toEqualTypeOf<string | null>();
    expectTypeOf(row.length).toEqualTypeOf<2>();
  });
});
