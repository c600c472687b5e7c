import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, expectTypeOf, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { ARRAY, parseArrayText } from "../../src/types/array-type.ts";
import { LargeBinary } from "../../src/types/binary-type.ts";
import { Boolean as booleanType } from "../../src/types/boolean-type.ts";
import { DateTime, Date as dateType, Time } from "../../src/types/datetime-types.ts";
import { Enum } from "../../src/types/enum-type.ts";
import { Float } from "../../src/types/float-type.ts";
import { BigInteger, Integer } from "../../src/types/integer-types.ts";
import { Interval, makeInterval } from "../../src/types/interval-type.ts";
import { JSONB, JSON as jsonType } from "../../src/types/json-types.ts";
import { Numeric } from "../../src/types/numeric-type.ts";
import type { JsOf } from "../../src/types/sql-type.ts";
import { String as stringType, Text } from "../../src/types/string-types.ts";
import { UUID } from "../../src/types/uuid-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  type RoundTripCase,
  same,
} from "./type-test-kit.ts";

describe("ARRAY", () => {
  test("JS types", () => {
    expectTypeOf<JsOf<ReturnType<typeof ARRAY<number>>>>().toEqualTypeOf<(number | null)[]>();
    const grid = ARRAY(Text, { dimensions: 2 });
    expectTypeOf<JsOf<typeof grid>>().toEqualTypeOf<(string | null)[][]>();
    const cube = ARRAY(Integer, { dimensions: 3 });
    expectTypeOf<JsOf<typeof cube>>().toEqualTypeOf<(number | null)[][][]>();
    const tags = ARRAY(Enum(["a", "b"] as const, { name: "tag" }));
    expectTypeOf<JsOf<typeof tags>>().toEqualTypeOf<("a" | "b" | null)[]>();
  });

  test("validate, one dimension: items valid for the item type, or null", () => {
    const type = ARRAY(Integer);
    for (const value of [[], [1, null, 3], [null], [2 ** 31 - 1]]) expect(type.validate(value)).toBe(true);
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point
    for (const value of [[1.5], "{1}", [undefined], [, 1], [[1]], null, [2 ** 31], new Int32Array(1)]) {
      expect(type.validate(value)).toBe(false);
    }
    expect(type.explain([1, "2"])).toMatch(/expected number/i);
  });

  test("validate, several dimensions: rectangular, no empty sub-arrays", () => {
    const type = ARRAY(Integer, { dimensions: 2 });
    for (const value of [
      [],
      [
        [1, 2],
        [3, null],
      ],
      [[null]],
    ])
      expect(type.validate(value)).toBe(true);
    for (const value of [[[1], [2, 3]], [[]], [[], []], [1, 2], [null], [[1], null], [[[1]]]]) {
      expect(type.validate(value)).toBe(false);
    }
    const cube = ARRAY(Integer, { dimensions: 3 });
    expect(cube.validate([[[1, 2]], [[3, 4]]])).toBe(true);
    expect(cube.validate([[[1, 2]], [[3]]])).toBe(false);
    expect(cube.validate([[[1], [2]], [[3]]])).toBe(false);
    expect(type.explain([[1], [2, 3]])).toMatch(/rectangular/);
  });

  test("DDL, arguments, shared instances", () => {
    expect(ARRAY(Integer).ddl()).toBe("INTEGER[]");
    expect(ARRAY(Text, { dimensions: 2 }).ddl()).toBe("TEXT[][]");
    expect(ARRAY(stringType(10)).ddl()).toBe("VARCHAR(10)[]");
    expect(ARRAY(Enum(["a"], { name: "letter" })).ddl()).toBe('"letter"[]');
    expect(ARRAY(DateTime({ timezone: true })).ddl()).toBe("TIMESTAMP WITH TIME ZONE[]");
    expect(ARRAY(Integer)).toBe(ARRAY(Integer()));
    expect(() => ARRAY(ARRAY(Integer))).toThrow(ArgumentError);
    for (const dimensions of [0, 7, 1.5]) {
      expect(() => ARRAY(Integer, { dimensions: dimensions as 1 })).toThrow(ArgumentError);
    }
  });

  test("agrees with the schema", () => {
    const ints = fc.array(fc.option(fc.integer(), { nil: null }));
    const grid = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([rows, cols]) =>
        fc.array(fc.array(fc.option(fc.string(), { nil: null }), { minLength: cols, maxLength: cols }), {
          minLength: rows,
          maxLength: rows,
        }),
      );
    const ragged = fc.array(fc.array(fc.option(fc.string(), { nil: null })));
    expectValidateMatchesSchema(ARRAY(Integer), ints, fc.array(fc.anything()), fc.array(ints));
    expectValidateMatchesSchema(
      ARRAY(Text, { dimensions: 2 }),
      fc.oneof(grid, fc.constant([])),
      ragged,
      ints,
    );
    expectValidateMatchesSchema(
      ARRAY(Text, { dimensions: 3 }),
      grid.map((g) => [g, g]),
      fc.array(ragged),
      ragged,
    );
    expectValidateMatchesSchema(
      ARRAY(JSONB),
      fc.array(fc.jsonValue({ noUnicodeString: true })),
      fc.array(fc.anything()),
    );
    expectValidateMatchesSchema(
      ARRAY(Numeric(5, 2)),
      fc.array(fc.oneof(fc.constant(null), fc.stringMatching(/^\d{1,3}\.\d{2}$/))),
      fc.array(fc.string()),
    );
  });
});

describe("array text", () => {
  test("parses PostgreSQL's array output", () => {
    expect(parseArrayText("{}")).toEqual([]);
    expect(parseArrayText("{1,2,NULL}")).toEqual(["1", "2", null]);
    expect(parseArrayText('{"a b","NULL",null,NuLl,""}')).toEqual(["a b", "NULL", null, null, ""]);
    expect(parseArrayText('{"q\\"uote","back\\\\slash","comma,brace{}"}')).toEqual([
      'q"uote',
      "back\\slash",
      "comma,brace{}",
    ]);
    expect(parseArrayText("{  a b  , c\\ ,\\NULL}")).toEqual(["a b", "c ", "NULL"]);
    expect(parseArrayText("{{1,2},{3,4}}")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
    expect(parseArrayText("[0:1]={1,2}")).toEqual(["1", "2"]);
    expect(parseArrayText("[1:1][1:2]={{a,b}}")).toEqual([["a", "b"]]);
    expect(parseArrayText(' { "x" , { y } } ')).toEqual(["x", ["y"]]);
  });

  test("refuses malformed text", () => {
    for (const text of ["", "1,2", "{1,2", '{"a}', "{a,,b}", "{a}x", '{a b"c}', "[1:2]{1,2}", "{,}"]) {
      expect(() => parseArrayText(text), text).toThrow(TypeError);
    }
  });

  test("toDriver text: every item quoted and escaped", () => {
    expect(ARRAY(Text).toDriver(["a", null, 'q"', "b\\s", "NULL", ""])).toBe(
      '{"a",NULL,"q\\"","b\\\\s","NULL",""}',
    );
    expect(ARRAY(Integer, { dimensions: 2 }).toDriver([[1, null]])).toBe('{{"1",NULL}}');
    expect(ARRAY(LargeBinary).toDriver([Uint8Array.from([1, 255])])).toBe('{"\\\\x01ff"}');
    expect(ARRAY(JSONB).toDriver([{ a: "x" }, "s"])).toBe('{"{\\"a\\":\\"x\\"}","\\"s\\""}');
    expect(ARRAY(Integer).toDriver([])).toBe("{}");
  });

  test("parse(toDriver(x)) is x for any text array", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: "binary" }), { nil: null })), (items) => {
        expect(parseArrayText(String(ARRAY(Text).toDriver(items)))).toEqual(items);
      }),
    );
  });

  test("round-trips any text array PostgreSQL could print (property, against our own printer)", () => {
    const quote = (s: string | null): string =>
      s === null ? "NULL" : `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: "binary" }), { nil: null })), (items) => {
        expect(parseArrayText(`{${items.map(quote).join(",")}}`)).toEqual(items);
      }),
    );
  });
});

// node-postgres parses numeric[] items as floats (lossy) and PGlite does not: exact values only through text there.
const pgFloats = ["postgres"] as const;
// Both drivers parse json[] items, so a JSON string item cannot be told from JSON text.
const bothParse = ["pglite", "postgres"] as const;

forEachDatabase((db) => {
  test("arrays of numbers, booleans, text", async () => {
    await expectSelectRoundTrips(
      db,
      ARRAY(Integer),
      same([], [1, null, 3], [null], [-(2 ** 31), 2 ** 31 - 1]),
    );
    await expectSelectRoundTrips(db, ARRAY(BigInteger), same([2n ** 63n - 1n, -(2n ** 63n), null, 0n]));
    await expectSelectRoundTrips(
      db,
      ARRAY(Float),
      same([
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        5e-324,
        Number.MAX_VALUE,
        null,
      ]),
    );
    await expectSelectRoundTrips(db, ARRAY(booleanType), same([true, false, null]));
    const strings = [
      "a b",
      "",
      "NULL",
      "null",
      null,
      'quote"',
      "back\\slash",
      "comma,brace{}",
      " lead",
      "trail ",
      "unicode ☃ 😀",
      "tab\tnewline\n",
      "[1:2]={x}",
    ];
    await expectSelectRoundTrips(db, ARRAY(Text), same(strings, [], [null, null]));
    await expectSelectRoundTrips(db, ARRAY(stringType(20)), same(strings));
  });

  test("multi-dimensional arrays", async () => {
    await expectSelectRoundTrips(
      db,
      ARRAY(Integer, { dimensions: 2 }),
      same(
        [],
        [
          [1, 2],
          [3, 4],
        ],
        [[null, 1]],
        [[5]],
      ),
    );
    await expectSelectRoundTrips(
      db,
      ARRAY(Text, { dimensions: 3 }),
      same([[["a", "b"]], [["c,d", null]]], [[["{", "}"]]]),
    );
    await expectTableRoundTrips(
      db,
      ARRAY(Text, { dimensions: 2 }),
      "text_grid",
      same(
        [],
        [
          ["x", null],
          ['"', "\\"],
        ],
      ),
    );
  });

  test("arrays of exact numerics", async () => {
    const cases: RoundTripCase<(string | null)[]>[] = [
      { value: ["1.5", "NaN", "0.1", null, "-2", "Infinity"] },
      { value: ["123.4500", `${"9".repeat(40)}.5`, "0.000000000000000000001"], skipDriverParsed: pgFloats },
    ];
    await expectSelectRoundTrips(db, ARRAY(Numeric()), cases);
    await expectTableRoundTrips(db, ARRAY(Numeric()), "numeric_lists", cases);
    await expectSelectRoundTrips(db, ARRAY(Numeric(5, 2)), [
      { value: ["1.5", null], expected: ["1.50", null], skipDriverParsed: pgFloats },
    ]);
  });

  test("arrays of dates, times, timestamps, intervals", async () => {
    await expectSelectRoundTrips(db, ARRAY(dateType), same(["2024-01-02", "infinity", null, "0001-01-01"]));
    await expectSelectRoundTrips(db, ARRAY(Time), same(["12:00:00", "24:00:00", null]));
    await expectSelectRoundTrips(db, ARRAY(Time({ timezone: true })), same(["12:00:00+05:30", null]));
    const instants = [new Date("2024-01-02T03:04:05.123Z"), null, new Date("2024-03-10T07:00:00Z")];
    await expectSelectRoundTrips(db, ARRAY(DateTime({ timezone: true })), same(instants));
    await expectSelectRoundTrips(db, ARRAY(DateTime), same(instants));
    await db.query("set timezone = 'Asia/Kolkata'");
    try {
      await expectSelectRoundTrips(db, ARRAY(DateTime({ timezone: true })), same(instants));
    } finally {
      await db.query("reset timezone");
    }
    await expectSelectRoundTrips(
      db,
      ARRAY(Interval),
      same([makeInterval({ months: -1, days: 3, hours: -4, seconds: -0.000001 }), null, makeInterval({})]),
    );
  });

  test("arrays of JSON (items are JSON texts), UUIDs, bytes, enums", async () => {
    const json: RoundTripCase<unknown[]>[] = [
      { value: [{ a: 1 }, [1, 2], null, 5, true, { nested: ["x", { y: null }] }, []] },
      { value: ["a string", '{"a":1}', { s: 'quote" back\\ ☃' }], skipDriverParsed: bothParse },
    ];
    await expectSelectRoundTrips(db, ARRAY(JSONB), json);
    await expectSelectRoundTrips(db, ARRAY(jsonType), json);
    await expectTableRoundTrips(db, ARRAY(JSONB), "jsonb_lists", json);
    await expectSelectRoundTrips(db, ARRAY(UUID), [
      {
        value: ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", null],
        expected: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", null],
      },
    ]);
    const bytes = [Uint8Array.from([0, 1, 255]), null, new Uint8Array()];
    await expectSelectRoundTrips(db, ARRAY(LargeBinary), same(bytes));
    await expectTableRoundTrips(db, ARRAY(LargeBinary), "blob_lists", same(bytes));
    const mood = Enum(["happy", "it's ok", "NULL"] as const, { name: "mood" });
    await db.query(`create type ${mood.ddl()} as enum (${mood.sqlValues()})`);
    await expectSelectRoundTrips(db, ARRAY(mood), same(["happy", null, "it's ok", "NULL"]));
    await expectTableRoundTrips(
      db,
      ARRAY(mood),
      "mood_lists",
      same<JsOf<typeof mood>[]>(["NULL", "happy"], []),
    );
  });

  test("through table columns", async () => {
    await expectTableRoundTrips(db, ARRAY(Integer), "int_lists", same([], [1, null], [null]));
    await expectTableRoundTrips(db, ARRAY(Text), "text_lists", same(["a", "NULL", null, '"', "{}", ""]));
    await expectTableRoundTrips(
      db,
      ARRAY(DateTime({ timezone: true })),
      "instant_lists",
      same([new Date("2024-01-02T03:04:05.123Z"), null]),
    );
  });
});
