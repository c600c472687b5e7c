import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { Numeric } from "../../src/types/numeric-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  same,
} from "./type-test-kit.ts";

const decimalLike = fc.stringMatching(/^[+-]?\d{0,8}(\.\d{0,8})?$/);
const specials = fc.constantFrom(
  "NaN",
  "Infinity",
  "-Infinity",
  "+Infinity",
  "nan",
  "inf",
  "1e5",
  " 1",
  "",
  ".",
  "-",
);

describe("validate", () => {
  test("unconstrained: decimal literals and NaN, Infinity, -Infinity", () => {
    const type = Numeric();
    for (const value of [
      "0",
      "-0",
      "+1",
      "1.",
      ".5",
      "123.4500",
      "-0.000001",
      "NaN",
      "Infinity",
      "-Infinity",
    ]) {
      expect(type.validate(value), value).toBe(true);
    }
    expect(type.validate(`1${"0".repeat(131071)}`)).toBe(true);
    expect(type.validate(`0.${"1".repeat(16383)}`)).toBe(true);
    for (const value of [
      "",
      ".",
      "-",
      "+",
      "1e5",
      " 1",
      "1 ",
      "1,5",
      "nan",
      "inf",
      "+Infinity",
      "0x10",
      "١",
    ]) {
      expect(type.validate(value), value).toBe(false);
    }
    expect(type.validate(`1${"0".repeat(131072)}`)).toBe(false);
    expect(type.validate(`0.${"1".repeat(16384)}`)).toBe(false);
    for (const value of [1.5, 1n, null, undefined, {}]) expect(type.validate(value)).toBe(false);
  });

  test("NUMERIC(5, 2): digit counts; trailing zeros beyond the scale are fine; no infinities", () => {
    const type = Numeric(5, 2);
    for (const value of ["123.45", "-999.99", "0.1", "1.500", "00123.4", "NaN", "0"]) {
      expect(type.validate(value), value).toBe(true);
    }
    for (const value of ["1234.5", "1000", "1.234", "0.001", "Infinity", "-Infinity"]) {
      expect(type.validate(value), value).toBe(false);
    }
  });

  test("NUMERIC(3) is NUMERIC(3, 0)", () => {
    const type = Numeric(3);
    expect(["999", "-999", "1.0", "1."].map((v) => type.validate(v))).toEqual([true, true, true, true]);
    expect(["1000", "1.5", "0.1"].map((v) => type.validate(v))).toEqual([false, false, false]);
    expect(type.scale).toBe(0);
  });

  test("explain says why", () => {
    expect(Numeric(5, 2).explain("1.234")).toMatch(
      /more than 2 digit\(s\) after the decimal point for NUMERIC\(5, 2\)/,
    );
    expect(Numeric(5, 2).explain("1234")).toMatch(/more than 3 digit\(s\) before the decimal point/);
    expect(Numeric().explain("1e5")).toMatch(/"1e5" is not a decimal literal/);
    expect(Numeric().explain(1.5)).toMatch(/not a string/);
    expect(Numeric(5, 2).explain("Infinity")).toMatch(/only in an unconstrained NUMERIC/);
    expect(Numeric().explain("1.5")).toBe("valid");
  });

  test("agrees with the schema", () => {
    const nan = fc.constant("NaN");
    expectValidateMatchesSchema(
      Numeric(),
      fc.oneof(
        decimalLike.filter((s) => /\d/.test(s)),
        specials.filter((s) => s === "NaN" || (s.endsWith("Infinity") && !s.startsWith("+"))),
      ),
      specials,
    );
    expectValidateMatchesSchema(
      Numeric(5, 2),
      fc.oneof(fc.stringMatching(/^-?\d{1,3}(\.\d{0,2})?$/), nan),
      decimalLike,
      specials,
    );
    expectValidateMatchesSchema(
      Numeric(3),
      fc.oneof(fc.stringMatching(/^[+-]?\d{1,3}(\.0*)?$/), nan),
      decimalLike,
      specials,
    );
    expectValidateMatchesSchema(
      Numeric(1000, 1000),
      fc.oneof(fc.stringMatching(/^-?0?\.\d{1,20}$/), nan),
      decimalLike,
      specials,
    );
  });
});

describe("arguments and DDL", () => {
  test("DDL", () => {
    expect(Numeric().ddl()).toBe("NUMERIC");
    expect(Numeric(10).ddl()).toBe("NUMERIC(10)");
    expect(Numeric(10, 2).ddl()).toBe("NUMERIC(10, 2)");
    expect(Numeric(10, 0).ddl()).toBe("NUMERIC(10, 0)");
    expect(Numeric()).toBe(Numeric());
  });

  test("bad precision or scale is an ArgumentError", () => {
    for (const make of [
      () => Numeric(0),
      () => Numeric(1.5),
      () => Numeric(1001),
      () => Numeric(-1),
      () => Numeric(5, 6),
      () => Numeric(5, -1),
      () => Numeric(5, 0.5),
      () => Numeric(undefined, 2),
    ]) {
      expect(make).toThrow(ArgumentError);
    }
  });
});

describe("fromDriver", () => {
  test("strings as they are; numbers (drivers that parse) in plain decimal notation", () => {
    const type = Numeric();
    expect(type.fromDriver("123.4500")).toBe("123.4500");
    expect(type.fromDriver(1.5)).toBe("1.5");
    expect(type.fromDriver(1e21)).toBe("1000000000000000000000");
    expect(type.fromDriver(1.2345e25)).toBe("12345000000000000000000000");
    expect(type.fromDriver(1.5e-7)).toBe("0.00000015");
    expect(type.fromDriver(-1e-7)).toBe("-0.0000001");
    expect(type.fromDriver(Number.NaN)).toBe("NaN");
    expect(type.fromDriver(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(type.fromDriver(12n)).toBe("12");
  });

  test("number -> string is exact for every double (reads back as the same number)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = Numeric().fromDriver(value);
        expect(Numeric().validate(text)).toBe(true);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});

forEachDatabase((db) => {
  const big = `${"9".repeat(60)}.${"1".repeat(40)}`;
  const cases = [
    ...same("0", "123.4500", "-0.000001", "1", big, `-${big}`, "NaN", "Infinity", "-Infinity"),
    ...same("100000000000000000000000000000000000000000000000000000000000000000000000000000.5"),
    { value: "+1", expected: "1" },
    { value: "-0", expected: "0" },
    { value: ".5", expected: "0.5" },
    { value: "5.", expected: "5" },
    { value: "007.50", expected: "7.50" },
    { value: `0.${"0".repeat(1000)}1`, expected: `0.${"0".repeat(1000)}1` },
  ];

  test("unconstrained NUMERIC round trips (the written scale is kept)", async () => {
    await expectSelectRoundTrips(db, Numeric(), cases);
    await expectTableRoundTrips(db, Numeric(), "numeric_free", cases);
  });

  test("NUMERIC(5, 2) round trips (padded to the scale)", async () => {
    const fixed = [
      { value: "1.5", expected: "1.50" },
      { value: "0", expected: "0.00" },
      { value: "1.500", expected: "1.50" },
      ...same("-999.99", "NaN", "0.01"),
    ];
    await expectSelectRoundTrips(db, Numeric(5, 2), fixed);
    await expectTableRoundTrips(db, Numeric(5, 2), "numeric_fixed", fixed);
  });

  test("what validate refuses, the database would round or refuse", async () => {
    const [row] = await db.query<{ v: unknown }>("select '1.239'::numeric(4, 2)::text as v");
    expect(row?.v).toBe("1.24");
    await expect(db.query("select '1234.5'::numeric(5, 2)")).rejects.toThrow(/overflow/);
    await expect(db.query("select 'Infinity'::numeric(5, 2)")).rejects.toThrow(/overflow/);
  });
});
