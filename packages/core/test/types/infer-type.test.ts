import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ARRAY } from "../../src/types/array-type.ts";
import { LargeBinary } from "../../src/types/binary-type.ts";
import { Boolean as booleanType } from "../../src/types/boolean-type.ts";
import { DateTime } from "../../src/types/datetime-types.ts";
import { Float } from "../../src/types/float-type.ts";
import { inferType } from "../../src/types/infer-type.ts";
import { BigInteger, Integer } from "../../src/types/integer-types.ts";
import { JSONB } from "../../src/types/json-types.ts";
import { nullType } from "../../src/types/null-type.ts";
import { String as stringType } from "../../src/types/string-types.ts";

class Point {
  x = 1;
}

describe("inferType", () => {
  test("scalars", () => {
    expect(inferType(1)).toBe(Integer());
    expect(inferType(2 ** 31)).toBe(Float());
    expect(inferType(1.5)).toBe(Float());
    expect(inferType(1n)).toBe(BigInteger());
    expect(inferType("s")).toBe(stringType());
    expect(inferType(true)).toBe(booleanType());
    expect(inferType(null)).toBe(nullType);
    expect(inferType(undefined)).toBe(nullType);
  });

  test("Dates, bytes, plain objects", () => {
    expect(inferType(new Date())).toBe(DateTime({ timezone: true }));
    expect(inferType(new Date()).ddl()).toBe("TIMESTAMP WITH TIME ZONE");
    expect(inferType(new Uint8Array(2))).toBe(LargeBinary());
    expect(inferType(Buffer.from("x"))).toBe(LargeBinary());
    expect(inferType({ a: 1 })).toBe(JSONB());
    expect(inferType(Object.create(null))).toBe(JSONB());
    for (const value of [new Map(), new Point(), new Set(), new Int32Array(1), () => 1, Symbol("s")]) {
      expect(inferType(value)).toBe(nullType);
    }
  });

  test("arrays: the first non-null element's type, nested arrays as dimensions", () => {
    expect(inferType([1, 2])).toBe(ARRAY(Integer));
    expect(inferType([1, 2]).ddl()).toBe("INTEGER[]");
    expect(inferType([null, "a"]).ddl()).toBe("VARCHAR[]");
    expect(inferType([new Date()]).ddl()).toBe("TIMESTAMP WITH TIME ZONE[]");
    expect(inferType([{ a: 1 }, [1]]).ddl()).toBe("JSONB[]");
    expect(inferType([Buffer.from("x")]).ddl()).toBe("BYTEA[]");
    expect(inferType([1n]).ddl()).toBe("BIGINT[]");
    expect(
      inferType([
        [1, 2],
        [3, 4],
      ]).ddl(),
    ).toBe("INTEGER[][]");
    expect(inferType([null, [[null, "x"]]]).ddl()).toBe("VARCHAR[][][]");
    expect(inferType([])).toBe(ARRAY(nullType));
    expect(inferType([null, null])).toBe(ARRAY(nullType));
  });

  test("arrays of numbers widen to DOUBLE PRECISION when any is not an int32", () => {
    expect(inferType([1, 2.5]).ddl()).toBe("DOUBLE PRECISION[]");
    expect(inferType([[1], [2 ** 40]]).ddl()).toBe("DOUBLE PRECISION[][]");
    expect(inferType([1, null, 3]).ddl()).toBe("INTEGER[]");
  });

  test("the inferred type accepts the value (JSON values, number arrays, string arrays)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.dictionary(fc.string(), fc.jsonValue({ noUnicodeString: true })),
          fc.array(fc.option(fc.double({ noNaN: true }), { nil: null })),
          fc.array(fc.option(fc.integer(), { nil: null })),
          fc.array(
            fc.option(
              fc.string().filter((s) => !s.includes("\u0000")),
              { nil: null },
            ),
          ),
          fc.date({
            noInvalidDate: true,
            min: new Date("0001-01-01T00:00:00Z"),
            max: new Date("9999-12-31T00:00:00Z"),
          }),
        ),
        (value) => {
          expect(inferType(value).validate(value)).toBe(true);
        },
      ),
    );
  });
});
