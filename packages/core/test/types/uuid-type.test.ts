import { forEachDatabase } from "@athanor/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { UUID, Uuid } from "../../src/types/uuid-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  same,
} from "./type-test-kit.ts";

describe("UUID", () => {
  test("validate: 8-4-4-4-12 hex, any case, any version", () => {
    const type = UUID();
    for (const value of [
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
    ]) {
      expect(type.validate(value), value).toBe(true);
    }
    for (const value of [
      "a0eebc999c0b4ef8bb6d6bb9bd380a11",
      "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
      "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      "",
      42,
    ]) {
      expect(type.validate(value), String(value)).toBe(false);
    }
    expect(type.explain("nope")).toBe('"nope" is not a UUID (8-4-4-4-12 hex digits)');
  });

  test("both names, DDL, lowercase on the way in and out", () => {
    expect(Uuid).toBe(UUID);
    expect(UUID().ddl()).toBe("UUID");
    expect(UUID().toDriver("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")).toBe(
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    );
    expect(UUID().fromDriver("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")).toBe(
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    );
  });

  test("agrees with the schema", () => {
    expectValidateMatchesSchema(
      UUID(),
      fc.oneof(
        fc.uuid(),
        fc.uuid().map((u) => u.toUpperCase()),
      ),
      fc.stringMatching(/^[0-9a-gA-G-]{30,40}$/),
      fc.uuid().map((u) => u.replaceAll("-", "")),
    );
  });
});

forEachDatabase((db) => {
  test("UUID round trips", async () => {
    const cases = [
      ...same(
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
      ),
      { value: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", expected: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" },
    ];
    await expectSelectRoundTrips(db, UUID(), cases);
    await expectTableRoundTrips(db, UUID(), "uuids", cases);
  });
});
