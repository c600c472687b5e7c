import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, expectTypeOf, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { Enum } from "../../src/types/enum-type.ts";
import type { JsOf } from "../../src/types/sql-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  same,
} from "./type-test-kit.ts";

const status = Enum(["draft", "published", "it's", "é ☃"] as const, { name: "post_status" });
const plain = Enum(["low", "medium", "high"] as const, { native: false });

describe("Enum", () => {
  test("the JS type is the union of the values", () => {
    expectTypeOf<JsOf<typeof status>>().toEqualTypeOf<"draft" | "published" | "it's" | "é ☃">();
    expectTypeOf<JsOf<typeof plain>>().toEqualTypeOf<"low" | "medium" | "high">();
  });

  test("validate: membership", () => {
    expect(status.validate("draft")).toBe(true);
    expect(status.validate("é ☃")).toBe(true);
    for (const value of ["Draft", "draft ", "", null, 1, ["draft"]])
      expect(status.validate(value)).toBe(false);
    expect(status.explain("archived")).toBe('"archived" is not one of "draft", "published", "it\'s", "é ☃"');
    expect(status.explain(3)).toMatch(/^a number is not one of/);
  });

  test("native: DDL is the quoted type name; values and name exposed for CREATE TYPE", () => {
    expect(status.ddl()).toBe('"post_status"');
    expect(status.native).toBe(true);
    expect(status.typeName).toBe("post_status");
    expect(status.values).toEqual(["draft", "published", "it's", "é ☃"]);
    expect(status.sqlValues()).toBe("'draft', 'published', 'it''s', 'é ☃'");
    expect(Enum(["a"], { name: "Mood", schema: "app" }).ddl()).toBe('"app"."Mood"');
  });

  test("non-native: VARCHAR(longest value, in characters) and a CHECK expression", () => {
    expect(plain.ddl()).toBe("VARCHAR(6)");
    expect(plain.native).toBe(false);
    expect(plain.length).toBe(6);
    expect(plain.checkExpression('"priority"')).toBe(`"priority" IN ('low', 'medium', 'high')`);
    expect(Enum(["😀😀", "a"], { native: false }).ddl()).toBe("VARCHAR(2)");
    expect(Enum(["a"], { native: false, length: 20, name: "ck_a" }).ddl()).toBe("VARCHAR(20)");
  });

  test("bad arguments are ArgumentErrors", () => {
    const attempts: (() => unknown)[] = [
      () => Enum(["a"], { name: "" }),
      () => Enum(["a"], { name: "bad name" }),
      () => Enum(["a"], { name: '"quoted"' }),
      () => Enum(["a"], { name: "1abc" }),
      () => Enum(["a"], { name: "x".repeat(64) }),
      () => Enum(["a"], { name: "ok", schema: "bad-schema" }),
      () => Enum(["a", "a"], { name: "dup" }),
      () => Enum([""], { name: "empty_label" }),
      () => Enum(["nul\u0000"], { name: "nul" }),
      () => Enum(["é".repeat(32)], { name: "long_label" }),
      () => Enum(["abc"], { native: false, length: 2 }),
      () => Enum(["abc"], { native: false, name: "bad name" }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(ArgumentError);
  });

  test("agrees with the schema", () => {
    expectValidateMatchesSchema(
      status,
      fc.constantFrom(...status.values),
      fc.constantFrom("Draft", "é", "it"),
    );
    expectValidateMatchesSchema(plain, fc.constantFrom(...plain.values), fc.string());
  });
});

forEachDatabase((db) => {
  test("native enum round trips (CREATE TYPE from the exposed name and values)", async () => {
    await db.query(`create type ${status.ddl()} as enum (${status.sqlValues()})`);
    const cases = same(...status.values);
    await expectSelectRoundTrips(db, status, cases);
    await expectTableRoundTrips(db, status, "posts", cases);
    await expect(db.query(`select 'archived'::${status.ddl()}`)).rejects.toThrow(
      /invalid input value for enum/,
    );
  });

  test("non-native enum: VARCHAR column with the CHECK constraint", async () => {
    await db.query(
      `create table tasks (id integer primary key, priority ${plain.ddl()} check (${plain.checkExpression("priority")}))`,
    );
    for (const [id, value] of plain.values.entries()) {
      await db.query("insert into tasks values ($1, $2)", [id, plain.toDriver(value)]);
    }
    const rows = await db.query<{ priority: unknown }>("select priority from tasks order by id");
    expect(rows.map((row) => plain.fromDriver(row.priority))).toEqual(plain.values);
    await expect(db.query("insert into tasks values (9, 'urgent')")).rejects.toThrow(/check constraint/);
  });
});
