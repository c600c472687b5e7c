import { DBAPIError } from "@athanor/core";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Adapted, adaptGiven, firstRow, openTemplateCopy } from "./helpers.ts";

let pglite: PGlite;
let db: Adapted;

beforeAll(async () => {
  pglite = await openTemplateCopy();
  db = await adaptGiven(pglite);
  await db.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea, doc jsonb, tags text[])");
});

afterAll(async () => {
  await pglite.close();
});

/** `SELECT $1::<type>` with one parameter: what comes back. */
async function roundTrip(type: string, param: unknown): Promise<unknown> {
  return firstRow(await db.execute(`SELECT $1::${type}`, [param]))[0];
}

describe("parameters core sends", () => {
  it.each([
    ["text", "héllo ☃ 'quoted' \"double\"", "héllo ☃ 'quoted' \"double\""],
    ["text", "", ""],
    ["int4", 42, 42],
    ["float8", 0.1, 0.1],
    ["float8", Number.NaN, Number.NaN],
    ["float8", Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    ["float8", Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ["bool", true, true],
    ["bool", false, false],
    ["int4", null, null],
    ["text", null, null],
    ["int8", "9223372036854775807", 9223372036854775807n],
    ["numeric", "12.50", "12.50"],
    ["numeric", "NaN", "NaN"],
    ["date", "2024-01-31", "2024-01-31"],
    ["timestamptz", "2024-01-31 12:00:00.123456+00", "2024-01-31 12:00:00.123456+00"],
    ["interval", "1 year 2 mons", "1 year 2 mons"],
    ["jsonb", '{"a":[1,null]}', { a: [1, null] }],
    ["int8[]", "{1,NULL,3}", [1n, null, 3n]],
    ["uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
  ])("%s from %s", async (type, param, expected) => {
    expect(await roundTrip(type, param)).toEqual(expected);
  });

  it("bytea from a Uint8Array, a Buffer and a view into a larger buffer", async () => {
    expect(await roundTrip("bytea", new Uint8Array([0, 1, 255]))).toEqual(new Uint8Array([0, 1, 255]));
    expect(await roundTrip("bytea", Buffer.from([9, 8]))).toEqual(new Uint8Array([9, 8]));
    const view = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 3);
    expect(await roundTrip("bytea", view)).toEqual(new Uint8Array([2, 3]));
    expect(await roundTrip("bytea", new Uint8Array([]))).toEqual(new Uint8Array([]));
  });

  it("parameters whose type the server infers from a column", async () => {
    await db.execute("INSERT INTO blobs (id, data, doc, tags) VALUES ($1, $2, $3, $4)", [
      1,
      new Uint8Array([7, 0, 7]),
      { k: "v" },
      ["a", null],
    ]);
    const row = firstRow(await db.execute("SELECT data, doc, tags FROM blobs WHERE id = $1", [1]));
    expect(row).toEqual([new Uint8Array([7, 0, 7]), { k: "v" }, ["a", null]]);
  });

  it("undefined is sent as NULL", async () => {
    expect(await roundTrip("text", undefined)).toBe(null);
  });
});

describe("parameters of raw user SQL", () => {
  it("bigint as text", async () => {
    expect(await roundTrip("int8", 9223372036854775807n)).toBe(9223372036854775807n);
    expect(await roundTrip("numeric", -123456789012345678901234567890n)).toBe(
      "-123456789012345678901234567890",
    );
  });

  it("Date as its ISO text", async () => {
    const date = new Date("2024-01-31T12:00:00.123Z");
    expect(await roundTrip("timestamptz", date)).toBe("2024-01-31 12:00:00.123+00");
    expect(await roundTrip("text", date)).toBe("2024-01-31T12:00:00.123Z");
  });

  it("plain objects as JSON text", async () => {
    const doc = { a: 1, b: [true, null, "x"], c: { d: "é" } };
    expect(await roundTrip("jsonb", doc)).toEqual(doc);
    expect(await roundTrip("json", doc)).toEqual(doc);
    expect(await roundTrip("text", { a: 1 })).toBe('{"a":1}');
  });

  it("JS arrays as PostgreSQL arrays", async () => {
    expect(await roundTrip("int8[]", [1n, null, 2])).toEqual([1n, null, 2n]);
    expect(await roundTrip("int4[]", [])).toEqual([]);
    expect(await roundTrip("text[]", ['a"b', "c,d", null, "NULL", "", "x\\y", " sp ", "{}"])).toEqual([
      'a"b',
      "c,d",
      null,
      "NULL",
      "",
      "x\\y",
      " sp ",
      "{}",
    ]);
    expect(
      await roundTrip("int4[]", [
        [1, 2],
        [3, null],
      ]),
    ).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(await roundTrip("bool[]", [true, false, null])).toEqual([true, false, null]);
    expect(await roundTrip("float8[]", [0.5, Number.NaN])).toEqual([0.5, Number.NaN]);
  });

  it("arrays of Dates, bytes and objects", async () => {
    expect(await roundTrip("timestamptz[]", [new Date("2024-01-31T00:00:00Z"), null])).toEqual([
      "2024-01-31 00:00:00+00",
      null,
    ]);
    expect(await roundTrip("bytea[]", [new Uint8Array([1, 92, 34]), null])).toEqual([
      new Uint8Array([1, 92, 34]),
      null,
    ]);
    // A nested JS array is another dimension, never a JSON array element (as node-postgres).
    expect(await roundTrip("jsonb[]", [{ a: 'q"uote' }, null, { b: [1] }])).toEqual([
      { a: 'q"uote' },
      null,
      { b: [1] },
    ]);
  });

  it("many parameters of mixed kinds in one statement", async () => {
    const row = firstRow(
      await db.execute("SELECT $1::text, $2::int8, $3::bool, $4::jsonb, $5::bytea, $6::date[], $7::int4", [
        "s",
        5n,
        true,
        { x: 1 },
        new Uint8Array([1]),
        ["2024-01-01", null],
        null,
      ]),
    );
    expect(row).toEqual(["s", 5n, true, { x: 1 }, new Uint8Array([1]), ["2024-01-01", null], null]);
  });

  it("a value PostgreSQL has no text for is refused before anything is sent", async () => {
    for (const param of [Symbol("s"), () => 1]) {
      const error = await db.execute("SELECT $1::text", [param]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DBAPIError);
      expect(error instanceof DBAPIError && error.orig).toBeInstanceOf(TypeError);
      expect(error instanceof DBAPIError && error.connectionInvalidated).toBe(false);
    }
    // The connection is still usable.
    expect(await roundTrip("int4", 1)).toBe(1);
  });
});
