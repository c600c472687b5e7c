import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Boolean as booleanType } from "../../src/types/boolean-type.ts";
import { Float } from "../../src/types/float-type.ts";
import { BigInteger, Integer, SmallInteger } from "../../src/types/integer-types.ts";
import { nullType } from "../../src/types/null-type.ts";
import { String as stringType, Text } from "../../src/types/string-types.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  same,
} from "./type-test-kit.ts";

describe("validate agrees with schema", () => {
  test("Integer", () => {
    expectValidateMatchesSchema(
      Integer(),
      fc.integer(),
      fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
    );
  });
  test("SmallInteger", () => {
    expectValidateMatchesSchema(SmallInteger(), fc.integer({ min: -32768, max: 32767 }), fc.integer());
  });
  test("BigInteger", () => {
    expectValidateMatchesSchema(
      BigInteger(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt(),
      fc.constantFrom(2n ** 63n, -(2n ** 63n) - 1n, 1),
    );
  });
  test("Float", () => {
    expectValidateMatchesSchema(Float(), fc.double(), fc.float());
    expectValidateMatchesSchema(Float(24), fc.float(), fc.double());
  });
  test("String(n), String, Text", () => {
    expectValidateMatchesSchema(
      stringType(5),
      fc.string({ maxLength: 5 }),
      fc.string(),
      fc.constant("a\u0000"),
    );
    expectValidateMatchesSchema(
      stringType(),
      fc.string({ unit: "binary" }).filter((s) => !s.includes("\u0000")),
      fc.constant("\u0000"),
      fc.constantFrom("a\ud800", "\udc00b", "\ud83d"),
    );
    expectValidateMatchesSchema(Text(), fc.string({ unit: "grapheme" }), fc.constant("a\u0000b"));
  });
  test("Boolean", () => {
    expectValidateMatchesSchema(booleanType(), fc.boolean(), fc.constantFrom("t", 1, 0));
  });
  test("NullType: what an untyped value may be", () => {
    const scalar = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.double(),
      fc.bigInt(),
      fc.boolean(),
      fc.date({ noInvalidDate: true }),
      fc.uint8Array(),
    );
    expectValidateMatchesSchema(
      nullType,
      fc.oneof(
        scalar,
        fc.array(scalar),
        fc.array(fc.array(scalar)),
        fc.dictionary(fc.string(), fc.jsonValue()),
      ),
      // No SQL meaning: drivers sent these as text or JSON of their own making, or failed mid-statement.
      fc.constantFrom(
        undefined,
        () => 1,
        Symbol("s"),
        new Map(),
        new WeakMap(),
        new Date(Number.NaN),
        "a\u0000",
        "\ud800",
        [1, undefined],
        [new Set()],
        { f: () => 1 },
      ),
    );
  });
});

describe("DDL", () => {
  test("names", () => {
    expect(
      [Integer(), SmallInteger(), BigInteger(), Float(), Float(24), Float(53)].map((t) => t.ddl()),
    ).toEqual(["INTEGER", "SMALLINT", "BIGINT", "DOUBLE PRECISION", "REAL", "DOUBLE PRECISION"]);
    expect([stringType(), stringType(20), Text(), booleanType()].map((t) => t.ddl())).toEqual([
      "VARCHAR",
      "VARCHAR(20)",
      "TEXT",
      "BOOLEAN",
    ]);
  });
});

forEachDatabase((db) => {
  test("Integer and SmallInteger round trips", async () => {
    await expectSelectRoundTrips(db, Integer(), same(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)));
    await expectSelectRoundTrips(db, SmallInteger(), same(0, 32767, -32768));
    await expectTableRoundTrips(db, Integer(), "scalar_integer", same(0, 2 ** 31 - 1, -(2 ** 31)));
  });

  test("BigInteger round trips (node-postgres returns text, PGlite a bigint)", async () => {
    const values = same(0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n);
    await expectSelectRoundTrips(db, BigInteger(), values);
    await expectTableRoundTrips(db, BigInteger(), "scalar_bigint", values);
  });

  test("Float round trips (-0 reads back as 0)", async () => {
    const values = [
      ...same(0, 1.5, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.NaN),
      ...same(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53 + 2),
      { value: -0, expected: 0 },
    ];
    await expectSelectRoundTrips(db, Float(), values);
    await expectTableRoundTrips(db, Float(), "scalar_float", values);
    await expectSelectRoundTrips(db, Float(24), same(1.5, 0.25, -1024, Number.NaN, Number.POSITIVE_INFINITY));
  });

  test("String and Text round trips", async () => {
    const values = same(
      "",
      "a",
      "NULL",
      "quote ' \" \\ backslash",
      "unicode ☃ é 😀 \u{10ffff}",
      "tab\t\nnewline",
      "x".repeat(100_000),
    );
    await expectSelectRoundTrips(db, Text(), values);
    await expectSelectRoundTrips(db, stringType(), values);
    // String(n) counts UTF-16 code units (PostgreSQL counts characters): "😀" is length 2 here.
    await expectSelectRoundTrips(db, stringType(3), same("", "abc", "é😀"));
    await expectTableRoundTrips(db, Text(), "scalar_text", values);
  });

  test("Boolean round trips", async () => {
    await expectSelectRoundTrips(db, booleanType(), same(true, false));
    await expectTableRoundTrips(db, booleanType(), "scalar_boolean", same(true, false));
  });
});
