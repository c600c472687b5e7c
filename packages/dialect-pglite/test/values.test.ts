import type { PGlite } from "@electric-sql/pglite";
import { PGlite as PGliteClass } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrayTypeOids } from "../src/type-parsers.ts";
import { arrayCases, scalarCases } from "./canonical-values.ts";
import { type Adapted, adaptGiven, firstRow, openTemplateCopy, templateTarball } from "./helpers.ts";

let pglite: PGlite;
let db: Adapted;

beforeAll(async () => {
  pglite = await openTemplateCopy();
  db = await adaptGiven(pglite);
});

afterAll(async () => {
  await pglite.close();
});

async function value(sql: string): Promise<unknown> {
  return firstRow(await db.execute(`SELECT ${sql}`))[0];
}

describe("canonical values", () => {
  it.each(scalarCases)("$name: $sql", async ({ sql, expected }) => {
    expect(await value(sql)).toEqual(expected);
  });

  it.each(arrayCases)("$name: $sql", async ({ sql, expected }) => {
    expect(await value(sql)).toEqual(expected);
  });

  it("all in one row, in field order", async () => {
    const cases = [...scalarCases, ...arrayCases];
    const result = await db.execute(`SELECT ${cases.map((c) => c.sql).join(", ")}`);
    expect(firstRow(result)).toEqual(cases.map((c) => c.expected));
    expect(result.fields).toHaveLength(cases.length);
  });

  it("bytea is a plain Uint8Array, not a view of a pooled buffer", async () => {
    const bytes = await value("'\\xdeadbeef'::bytea");
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes instanceof Uint8Array && bytes.constructor).toBe(Uint8Array);
    expect(bytes instanceof Uint8Array && bytes.buffer.byteLength).toBe(4);
  });

  it("timestamps and dates are never Dates", async () => {
    const row = firstRow(await db.execute("SELECT now(), current_date, localtimestamp, array[now()]"));
    for (const cell of row.flat()) expect(typeof cell).toBe("string");
  });
});

describe("types PGlite does not know", () => {
  it("an enum created after the instance started is text, its array a JS array", async () => {
    await db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'a,b')");
    const sql = "SELECT 'ok'::mood, array['sad', null, 'a,b']::mood[], null::mood[]";
    expect(firstRow(await db.execute(sql))).toEqual(["ok", ["sad", null, "a,b"], null]);
    // The array type is learned once; the second query is parsed by PGlite with the learned parser.
    expect(firstRow(await db.execute(sql))).toEqual(["ok", ["sad", null, "a,b"], null]);
  });

  it("an array of a domain is parsed as arrays of its base type", async () => {
    await db.execute("CREATE DOMAIN big AS int8");
    const row = firstRow(await db.execute("SELECT 7::big, array[1, null]::big[]"));
    expect(row).toEqual([7n, [1n, null]]);
  });

  it("a composite type and its array are text elements", async () => {
    await db.execute("CREATE TYPE pair AS (a int, b text)");
    const row = firstRow(await db.execute("SELECT row(1, 'x')::pair, array[row(1, 'x y')::pair, null]"));
    expect(row).toEqual(["(1,x)", ['(1,"x y")', null]]);
  });

  it("every column of a result is parsed, learned types among known ones", async () => {
    await db.execute("CREATE TYPE colour AS ENUM ('red')");
    const row = firstRow(await db.execute("SELECT 1::int8, array['red']::colour[], array[2]::int8[]"));
    expect(row).toEqual([1n, ["red"], [2n]]);
  });
});

describe("type OIDs", () => {
  it("the array OIDs the dialect knows are those of the catalog", async () => {
    const result = await db.execute(
      "SELECT typarray, oid FROM pg_catalog.pg_type WHERE typarray = ANY($1::oid[]) ORDER BY typarray",
      [[...arrayTypeOids.keys()]],
    );
    const catalog = new Map(result.rows.map(([array, element]) => [array, element]));
    expect(catalog).toEqual(new Map([...arrayTypeOids].sort(([a], [b]) => a - b)));
  });
});

describe("session settings", () => {
  it("connecting sets DateStyle, IntervalStyle, client_encoding and bytea_output", async () => {
    const other = await openTemplateCopy();
    try {
      await other.exec(
        "SET DateStyle = 'German'; SET IntervalStyle = 'sql_standard'; SET bytea_output = 'escape'",
      );
      const { execute } = await adaptGiven(other);
      const row = firstRow(
        await execute(
          "SELECT '2024-01-31'::date, '1 day 02:00'::interval, '\\x01'::bytea, current_setting('client_encoding')",
        ),
      );
      expect(row).toEqual(["2024-01-31", "1 day 02:00:00", new Uint8Array([1]), "UTF8"]);
    } finally {
      await other.close();
    }
  });

  it("parsers and serializers a given instance was created with do not change the values", async () => {
    const custom = await PGliteClass.create({
      loadDataDir: templateTarball(),
      parsers: { 20: () => "custom int8", 1082: () => "custom date", 25: () => "custom text" },
      serializers: { 114: () => '"custom json"', 17: () => "\\x00" },
    });
    try {
      const { execute } = await adaptGiven(custom);
      const row = firstRow(
        await execute("SELECT 1::int8, '2024-01-31'::date, 'x'::text, $1::json, $2::bytea", [
          { a: 1 },
          new Uint8Array([7]),
        ]),
      );
      expect(row).toEqual([1n, "2024-01-31", "x", { a: 1 }, new Uint8Array([7])]);
    } finally {
      await custom.close();
    }
  });
});
