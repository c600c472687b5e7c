import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { ARRAY } from "../../src/types/array-type.ts";
import { BigInteger } from "../../src/types/integer-types.ts";
import type { JsOf, SqlType } from "../../src/types/sql-type.ts";
import { Text } from "../../src/types/string-types.ts";
import { TypeDecorator } from "../../src/types/type-decorator.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  same,
} from "./type-test-kit.ts";

/** The doc example: money as a decimal string ("12.34") stored as integer cents in a BIGINT column. */
class Money extends TypeDecorator<bigint, string> {
  readonly name = "Money";
  readonly schema = z.string().regex(/^-?\d{1,16}\.\d{2}$/, "money is a string like 12.34 (two decimals)");
  readonly impl = BigInteger();

  override validate(value: unknown): boolean {
    return typeof value === "string" && /^-?\d{1,16}\.\d{2}$/.test(value);
  }

  processBind(value: string): bigint {
    return BigInt(value.replace(".", ""));
  }

  processResult(cents: bigint): string {
    const digits = (cents < 0n ? -cents : cents).toString().padStart(3, "0");
    return `${cents < 0n ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  }
}

/** Tags as a comma-separated TEXT column; validate comes from the schema. */
class Tags extends TypeDecorator<string, string[]> {
  readonly name = "Tags";
  readonly schema = z.array(
    z
      .string()
      .refine((tag) => /^[^,]+$/.test(tag) && !tag.includes("\u0000"), "a tag is non-empty, without commas"),
  );
  readonly impl = Text();

  processBind(tags: string[]): string {
    return tags.join(",");
  }

  processResult(text: string): string[] {
    return text === "" ? [] : text.split(",");
  }
}

const money = new Money();
const tags = new Tags();

describe("TypeDecorator", () => {
  test("the JS type is the decorator's; DDL and driver handling are the implementation's", () => {
    expectTypeOf<JsOf<Money>>().toEqualTypeOf<string>();
    expectTypeOf<JsOf<Tags>>().toEqualTypeOf<string[]>();
    expectTypeOf(money).toExtend<SqlType<string>>();
    expect(money.ddl()).toBe("BIGINT");
    expect(tags.ddl()).toBe("TEXT");
    expect(money.toDriver("-12.34")).toBe("-1234");
    expect(money.fromDriver("5")).toBe("0.05");
    expect(money.fromDriver(-5n)).toBe("-0.05");
    expect(tags.toDriver(["a", "b"])).toBe("a,b");
    expect(tags.fromDriver("a,b")).toEqual(["a", "b"]);
  });

  test("validate defaults to the schema; explain uses its messages", () => {
    expect(tags.validate(["a", "b"])).toBe(true);
    expect(tags.validate(["a,b"])).toBe(false);
    expect(tags.explain(["a,b"])).toBe("a tag is non-empty, without commas");
    expect(money.validate("1.5")).toBe(false);
    expect(money.explain("1.5")).toBe("money is a string like 12.34 (two decimals)");
  });

  test("an overridden validate agrees with the schema", () => {
    expectValidateMatchesSchema(
      money,
      fc.stringMatching(/^-?\d{1,16}\.\d{2}$/),
      fc.stringMatching(/^-?\d*\.?\d*$/),
    );
    expectValidateMatchesSchema(tags, fc.array(fc.stringMatching(/^[a-z]{1,5}$/)));
  });
});

forEachDatabase((db) => {
  test("decorated round trips: select, table column, and as an ARRAY item", async () => {
    const amounts = same("0.00", "12.34", "-0.05", "99999999999999.99", "-9999999999999999.99");
    await expectSelectRoundTrips(db, money, amounts);
    await expectTableRoundTrips(db, money, "prices", amounts);
    const lists = same(["a", "b c", "☃"], [], ["single"]);
    await expectSelectRoundTrips(db, tags, lists);
    await expectTableRoundTrips(db, tags, "tagged", lists);
    await expectSelectRoundTrips(db, ARRAY(money), same(["1.00", null, "-2.50"]));
  });
});
