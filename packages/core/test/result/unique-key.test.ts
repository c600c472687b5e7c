import { describe, expect, test } from "vitest";
import { uniqueKey } from "../../src/result/unique-key.ts";

describe("uniqueKey", () => {
  test("equal values, equal keys", () => {
    expect(uniqueKey([1, "a", null])).toBe(uniqueKey([1, "a", null]));
    expect(uniqueKey(Number.NaN)).toBe(uniqueKey(Number.NaN));
    expect(uniqueKey(0)).toBe(uniqueKey(-0));
    expect(uniqueKey(new Date(1))).toBe(uniqueKey(new Date(1)));
    expect(uniqueKey(new Uint8Array([1]))).toBe(uniqueKey(new Uint8Array([1])));
    expect(uniqueKey({ a: [1], b: 2 })).toBe(uniqueKey({ b: 2, a: [1] }));
  });

  test("values of different kinds differ, even when they print alike", () => {
    const keys = [1, "1", 1n, true, "true", null, "null", undefined, [1], ["1"], new Date(1), { 1: 1 }];
    expect(new Set(keys.map(uniqueKey)).size).toBe(keys.length);
    // Strings are quoted, so a comma inside one cannot fake two elements.
    expect(uniqueKey(["a,b"])).not.toBe(uniqueKey(["a", "b"]));
  });

  test("instances of other classes compare by identity (as objects without __eq__ in Python)", () => {
    class Point {
      x = 1;
    }
    const point = new Point();
    expect(uniqueKey(point)).toBe(uniqueKey(point));
    expect(uniqueKey(new Point())).not.toBe(uniqueKey(point));
    const symbol = Symbol("s");
    expect(uniqueKey(symbol)).toBe(uniqueKey(symbol));
    expect(uniqueKey(Symbol("s"))).not.toBe(uniqueKey(symbol));
  });
});
