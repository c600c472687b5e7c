import { inspect } from "node:util";
import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { isPlainObject, JSONB, type JsonValue, JSON as jsonType } from "../../src/types/json-types.ts";
import type { JsOf } from "../../src/types/sql-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  type RoundTripCase,
  same,
} from "./type-test-kit.ts";

class Point {
  x = 1;
}

function cyclicObject(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = { back: value };
  return value;
}

function cyclicArray(): unknown[] {
  const value: unknown[] = [1];
  value.push([value]);
  return value;
}

function nullPrototype(entries: Record<string, unknown>): object {
  return Object.assign(Object.create(null), entries);
}

const shared = { s: 1 };
const valid: unknown[] = [
  null,
  true,
  0,
  -1.5,
  Number.MAX_VALUE,
  5e-324,
  "",
  "é 😀",
  [],
  {},
  { a: [1, { b: null }], c: "x" },
  nullPrototype({ a: 1 }),
  [shared, shared],
  { x: shared, y: { z: shared } },
];

const invalidForBoth: unknown[] = [
  undefined,
  () => 1,
  1n,
  Symbol("s"),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  new Date(),
  new Map(),
  new Set(),
  new Point(),
  new Uint8Array(1),
  new String("boxed"),
  cyclicObject(),
  cyclicArray(),
  { a: undefined },
  [undefined],
  // biome-ignore lint/suspicious/noSparseArray: a hole is the point
  [, 1],
  { [Symbol("k")]: 1 },
  { nested: [{ deep: Number.NaN }] },
];

describe("validate", () => {
  test("JSON values only", () => {
    for (const type of [jsonType(), JSONB()]) {
      for (const value of valid) expect(type.validate(value), inspect(value)).toBe(true);
      for (const value of invalidForBoth) expect(type.validate(value), inspect(value)).toBe(false);
    }
  });

  test("JSONB also refuses NUL and unpaired surrogates (in strings and keys); JSON keeps them", () => {
    for (const value of ["a\u0000b", { "k\u0000": 1 }, "\ud800", ["x\udc00y"], { "\ud83d": 1 }]) {
      expect(JSONB().validate(value)).toBe(false);
      expect(jsonType().validate(value)).toBe(true);
    }
    expect(JSONB().validate("😀")).toBe(true);
  });

  test("explain names the path", () => {
    expect(JSONB().explain({ a: [1, Number.NaN] })).toBe("$.a[1]: NaN is not a finite number");
    expect(JSONB().explain({ when: new Date(0) })).toMatch(/^\$\.when: a Date is not JSON/);
    expect(JSONB().explain(cyclicObject())).toBe("$.self.back: a cycle (the value contains itself)");
    expect(JSONB().explain(["\u0000"])).toMatch(/\$\[0\]: jsonb cannot hold NUL/);
    expect(jsonType().explain({ a: undefined })).toBe("$.a: undefined is not JSON");
    expect(jsonType().explain({ a: 1 })).toBe("valid");
  });

  test("a zod schema for T is checked too", () => {
    const type = JSONB(z.object({ tags: z.array(z.string()) }));
    expectTypeOf<JsOf<typeof type>>().toEqualTypeOf<{ tags: string[] }>();
    expect(type.validate({ tags: ["a"] })).toBe(true);
    expect(type.validate({ tags: [1] })).toBe(false);
    expect(type.validate({ tags: [], when: new Date() })).toBe(false);
    expect(type.explain({ tags: [1] })).toMatch(/tags/);
    expect(type.schema.safeParse({ tags: ["a"] }).success).toBe(true);
  });

  test("typed without a schema", () => {
    interface Settings {
      theme: string;
    }
    const type = jsonType<Settings>();
    expectTypeOf<JsOf<typeof type>>().toEqualTypeOf<Settings>();
    expectTypeOf<JsOf<typeof jsonType>>().toEqualTypeOf<unknown>();
    expect(type.fromDriverText('{"theme":"dark"}')).toEqual({ theme: "dark" });
  });

  test("agrees with zod's JSON schema", () => {
    const nearMisses = [
      fc.constantFrom(...invalidForBoth),
      fc.jsonValue().map((value) => [value, undefined]),
      fc.jsonValue().map((value) => ({ value, bad: Number.NaN })),
      fc.constantFrom("a\u0000", { "\u0000": 1 }, "\ud800", { k: "\udfff" }),
      fc.string({ unit: "binary" }),
      fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue()),
      fc.jsonValue().map((value) => Object.assign(Object.create(null), { value })),
      fc.jsonValue().map((value) => Object.assign(new Point(), { value })),
    ];
    expectValidateMatchesSchema(jsonType(), fc.jsonValue(), ...nearMisses);
    expectValidateMatchesSchema(JSONB(), fc.jsonValue({ noUnicodeString: true }), ...nearMisses);
    expectValidateMatchesSchema(
      JSONB(z.object({ n: z.number() })),
      fc.record({ n: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
      ...nearMisses,
    );
  });

  test("isPlainObject (also used by inferType)", () => {
    expect([{}, nullPrototype({}), JSON.parse("{}")].every(isPlainObject)).toBe(true);
    expect([[], new Date(), new Point(), null, "x", new Map()].some(isPlainObject)).toBe(false);
  });
});

describe("driver values", () => {
  test("toDriver is JSON text; fromDriver takes the driver's parsed value, fromDriverText parses text", () => {
    expect(JSONB().toDriver({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
    expect(JSONB().toDriver("s")).toBe('"s"');
    expect(JSONB().toDriver(null)).toBe("null");
    expect(JSONB().fromDriverText('{"a":1}')).toEqual({ a: 1 });
    expect(JSONB().fromDriverText('"s"')).toBe("s");
    expect(JSONB().fromDriver({ a: 1 })).toEqual({ a: 1 });
    expect(JSONB().fromDriver(5)).toBe(5);
    expect(JSONB().fromDriver(null)).toBeNull();
    // A JSON string value arrives parsed, as a JS string: it is the value, not JSON text.
    expect(JSONB().fromDriver("s")).toBe("s");
    expect(JSONB().ddl()).toBe("JSONB");
    expect(jsonType().ddl()).toBe("JSON");
    expect(jsonType()).toBe(jsonType());
  });
});

function deep(levels: number): JsonValue {
  let value: JsonValue = "bottom";
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { level: value };
  return value;
}

const common: RoundTripCase<unknown>[] = [
  ...same(
    null,
    true,
    false,
    0,
    -1.5,
    0.1 + 0.2,
    5e-324,
    Number.MAX_VALUE,
    -Number.MAX_SAFE_INTEGER,
    1e21,
    [],
    {},
    { a: 1, b: [1, "two", null, true, { x: [] }] },
    { 'key with "quotes" and \\': "v", ключ: "значение", "😀": "☃", "": "empty key" },
    { text: 'escapes " \\ / \b \f \n \r \t \u0001 \u001f \u007f \u2028 \u2029' },
    [[[[]]], [{}], [null]],
    deep(60),
    Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])),
  ),
  // A top-level JSON string: the driver hands it over parsed, a JS string that is the value itself.
  ...same("plain string", '{"looks":"like json"}', "123", "", "unicode ☃ é 😀", "null"),
  { value: -0, expected: 0 },
  { value: { b: 1, a: 2 }, expected: { a: 2, b: 1 } },
];

forEachDatabase((db) => {
  test("JSONB round trips", async () => {
    await expectSelectRoundTrips(db, JSONB(), common);
    await expectTableRoundTrips(db, JSONB(), "jsonb_values", common);
  });

  test("JSON round trips, NUL and unpaired surrogates included", async () => {
    const jsonOnly: RoundTripCase<unknown>[] = [
      ...common,
      ...same({ nul: "a\u0000b", lone: "\ud800", low: ["x\udc00y"] }),
      { value: "\u0000" },
    ];
    await expectSelectRoundTrips(db, jsonType(), jsonOnly);
    await expectTableRoundTrips(db, jsonType(), "json_values", jsonOnly);
  });

  test("JSON keeps the text as written; JSONB normalises it", async () => {
    const [row] = await db.query<{ j: unknown; b: unknown }>(
      `select '{"b":1.50,"a":2}'::json::text as j, '{"b":1.50,"a":2}'::jsonb::text as b`,
    );
    expect(row?.j).toBe('{"b":1.50,"a":2}');
    expect(row?.b).toBe('{"a": 2, "b": 1.50}');
  });

  test("what JSONB refuses, PostgreSQL's jsonb refuses", async () => {
    await expect(db.query("select $1::jsonb", [jsonType().toDriver("\u0000")])).rejects.toThrow(
      /Unicode escape/,
    );
    await expect(db.query("select $1::jsonb", [jsonType().toDriver("\ud800")])).rejects.toThrow(
      /invalid input syntax for type json/,
    );
  });
});
