import { AdaptedConnection, type DriverResult, makeUrl, run } from "@athanor/core";
import { forPostgresDatabase, type TestDatabase } from "@athanor/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PgDialect } from "../src/pg/pg-dialect.ts";

/** Canonical driver values through the pg driver, on a real PostgreSQL. */

async function openConnection(db: TestDatabase): Promise<AdaptedConnection> {
  const url = makeUrl(db.url);
  const dialect = new PgDialect({ url });
  return new AdaptedConnection(dialect, await dialect.connect({ url, connectArgs: {} }));
}

/** Defines tests on the PostgreSQL target only (the driver needs a server). */
function onPostgres(name: string, define: (db: TestDatabase) => void): void {
  describe(name, () => forPostgresDatabase(define));
}

onPostgres("pg driver values", (db) => {
  let conn: AdaptedConnection;
  const execute = (sql: string, params: readonly unknown[] = []): Promise<DriverResult> =>
    run(conn.execute(sql, params));
  /** The one row of a query. */
  const row = async (sql: string, params: readonly unknown[] = []) => {
    const result = await execute(sql, params);
    expect(result.rows).toHaveLength(1);
    return result.rows[0];
  };

  beforeAll(async () => {
    await db.query("create type mood as enum ('sad', 'happy')");
    await db.query("create domain big_id as int8");
    conn = await openConnection(db);
    // timestamptz text depends on the session time zone; the rest does not.
    await execute("set time zone 'UTC'");
  });
  afterAll(async () => {
    await run(conn.close());
  });

  test("the session is set up for canonical text: DateStyle, IntervalStyle, client_encoding", async () => {
    expect(
      await row(
        "select current_setting('DateStyle'), current_setting('IntervalStyle'), current_setting('client_encoding')",
      ),
    ).toEqual(["ISO, MDY", "postgres", "UTF8"]);
  });

  test("bool, int2, int4, oid", async () => {
    expect(await row("select true, false, 32767::int2, (-2147483648)::int4, 4294967295::oid")).toEqual([
      true,
      false,
      32767,
      -2147483648,
      4294967295,
    ]);
  });

  test("int8 is a bigint, exact at both ends", async () => {
    expect(await row("select 9223372036854775807::int8, (-9223372036854775808)::int8, 0::int8")).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
      0n,
    ]);
  });

  test("float4 and float8, NaN and the infinities included", async () => {
    const values = await row(
      "select 1.5::float4, 0.1::float8, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float4, 1e300::float8",
    );
    expect(values).toEqual([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300]);
  });

  test("numeric is the server's exact text", async () => {
    expect(
      await row("select 12.50::numeric, 'NaN'::numeric, 1e-30::numeric, -99999999999999999999.000::numeric"),
    ).toEqual(["12.50", "NaN", "0.000000000000000000000000000001", "-99999999999999999999.000"]);
  });

  test("text-like types and types not listed are the server's text", async () => {
    expect(
      await row(
        "select 'a'::text, 'b'::varchar(3), 'c'::char(3), 'd'::name, 'happy'::mood, '192.168.0.1/24'::inet," +
          " 1.5::money, '<a>x</a>'::xml, '(1,2)'::point, '[1,3)'::int4range, 'é ☃'::text",
      ),
    ).toEqual([
      "a",
      "b",
      "c  ",
      "d",
      "happy",
      "192.168.0.1/24",
      "$1.50",
      "<a>x</a>",
      "(1,2)",
      "[1,3)",
      "é ☃",
    ]);
  });

  test("json and jsonb are parsed", async () => {
    expect(
      await row(
        `select '{"a": [1, 2.5, null]}'::json, '{"b": {"c": true}}'::jsonb, '"s"'::json, '7'::jsonb, 'null'::jsonb`,
      ),
    ).toEqual([{ a: [1, 2.5, null] }, { b: { c: true } }, "s", 7, null]);
  });

  test("dates and times are the server's ISO text, infinities included, never JS Dates", async () => {
    expect(
      await row(
        "select '2024-01-31'::date, '12:00:00.123456'::time, '12:00:00+02'::timetz," +
          " '2024-01-31 12:00:00.123456'::timestamp, '2024-01-31 12:00:00.123456+00'::timestamptz," +
          " '1 year 2 mons 3 days 04:05:06'::interval, 'infinity'::date, '-infinity'::date," +
          " 'infinity'::timestamp, '-infinity'::timestamptz, '0044-03-15 BC'::date, '-1 day -00:00:01'::interval",
      ),
    ).toEqual([
      "2024-01-31",
      "12:00:00.123456",
      "12:00:00+02",
      "2024-01-31 12:00:00.123456",
      "2024-01-31 12:00:00.123456+00",
      "1 year 2 mons 3 days 04:05:06",
      "infinity",
      "-infinity",
      "infinity",
      "-infinity",
      "0044-03-15 BC",
      "-1 days -00:00:01",
    ]);
  });

  test("uuid is a string", async () => {
    expect(await row("select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")).toEqual([
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    ]);
  });

  test("bytea is a Buffer, in hex and in escape output", async () => {
    expect(await row("select '\\x0102ff'::bytea, ''::bytea")).toEqual([
      Buffer.from([1, 2, 255]),
      Buffer.alloc(0),
    ]);
    await execute("set bytea_output = 'escape'");
    try {
      expect(await row("select '\\x00015c41ff'::bytea")).toEqual([Buffer.from([0, 1, 0x5c, 0x41, 255])]);
    } finally {
      await execute("reset bytea_output");
    }
  });

  test("SQL NULL is null for every type", async () => {
    expect(
      await row("select null::int8, null::text, null::json, null::bytea, null::int4[], null::date"),
    ).toEqual([null, null, null, null, null, null]);
  });

  test("arrays: elements per type, NULL elements null", async () => {
    expect(
      await row(
        "select array[1, null, 9223372036854775807]::int8[], array['1.50', 'NaN', null]::numeric[]," +
          " array['2024-01-31', 'infinity', null]::date[], array['{\"a\":1}', '[2]', null]::json[]," +
          ` array['{"b":null}']::jsonb[], array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null]::uuid[],` +
          " array['\\x00ff'::bytea, null, ''::bytea], array[true, null, false], array[1.5, 'NaN', '-Infinity']::float8[]," +
          " array[32767, null]::int2[], array[1, 2]::int4[], array[4294967295]::oid[]",
      ),
    ).toEqual([
      [1n, null, 9223372036854775807n],
      ["1.50", "NaN", null],
      ["2024-01-31", "infinity", null],
      [{ a: 1 }, [2], null],
      [{ b: null }],
      ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", null],
      [Buffer.from([0, 255]), null, Buffer.alloc(0)],
      [true, null, false],
      [1.5, Number.NaN, Number.NEGATIVE_INFINITY],
      [32767, null],
      [1, 2],
      [4294967295],
    ]);
  });

  test("arrays of text keep quotes, backslashes, commas, braces, blanks and the word NULL", async () => {
    expect(
      await row(`select array['a"b', 'c\\d', 'e,f', '{g}', ' h ', '', 'NULL', null, 'null']::text[]`),
    ).toEqual([['a"b', "c\\d", "e,f", "{g}", " h ", "", "NULL", null, "null"]]);
  });

  test("arrays of times, intervals, timestamptz and other text types", async () => {
    expect(
      await row(
        "select array['2024-01-31 12:00:00+00'::timestamptz, '-infinity'], array['1 day'::interval, '-00:00:01']," +
          " array['12:00'::time], array['happy'::mood, null, 'sad'], array['10.0.0.1'::inet]," +
          " array['(0,0),(1,1)'::box, '(2,2),(3,3)'::box], array[1.5::money], array['b'::char(2)]",
      ),
    ).toEqual([
      ["2024-01-31 12:00:00+00", "-infinity"],
      ["1 day", "-00:00:01"],
      ["12:00:00"],
      ["happy", null, "sad"],
      ["10.0.0.1"],
      ["(1,1),(0,0)", "(3,3),(2,2)"],
      ["$1.50"],
      ["b "],
    ]);
  });

  test("multi-dimensional arrays nest; empty arrays and lower bounds other than 1", async () => {
    expect(
      await row(
        "select array[[1, 2], [3, null]]::int8[], '{}'::int4[], '[0:1]={5,6}'::int4[], array[[['x']]]::text[]",
      ),
    ).toEqual([
      [
        [1n, 2n],
        [3n, null],
      ],
      [],
      [5, 6],
      [[["x"]]],
    ]);
  });

  test("arrays of user types (enums, domains) are learnt from pg_type, on first sight", async () => {
    await db.query("create type colour as enum ('red', 'green')");
    await db.query("create domain small_json as jsonb");
    expect(
      await row(
        "select array['red', 'green']::colour[], array[1, null]::big_id[], 5::big_id, array['[1]']::small_json[]",
      ),
    ).toEqual([["red", "green"], [1n, null], 5n, [[1]]]);
    // A second query gets them straight from the parsers.
    expect(await row("select array['green']::colour[]")).toEqual([["green"]]);
  });

  test("composite values are text, arrays of them arrays of text", async () => {
    await db.query("create type pair as (a int, b text)");
    expect(await row("select row(1, 'x y')::pair, array[row(2, 'z')::pair, null]")).toEqual([
      '(1,"x y")',
      ["(2,z)", null],
    ]);
  });
});

onPostgres("pg driver parameters", (db) => {
  let conn: AdaptedConnection;
  const row = async (sql: string, params: readonly unknown[]) => {
    const result = await run(conn.execute(sql, params));
    return result.rows[0];
  };

  beforeAll(async () => {
    conn = await openConnection(db);
    await run(conn.execute("set time zone 'UTC'"));
  });
  afterAll(async () => {
    await run(conn.close());
  });

  test("strings, numbers, booleans and null", async () => {
    expect(
      await row("select $1::text, $2::int4, $3::float8, $4::bool, $5::text, $6::float8, $7::numeric", [
        "é'\"",
        -5,
        1.25,
        true,
        null,
        Number.NaN,
        "12.50",
      ]),
    ).toEqual(["é'\"", -5, 1.25, true, null, Number.NaN, "12.50"]);
  });

  test("text already formatted by core: int8, numeric, dates, json, arrays", async () => {
    expect(
      await row("select $1::int8, $2::numeric, $3::timestamptz, $4::jsonb, $5::int8[]", [
        "9223372036854775807",
        "0.10",
        "2024-01-31 12:00:00.5+00",
        '{"k": [1]}',
        "{1,NULL}",
      ]),
    ).toEqual([9223372036854775807n, "0.10", "2024-01-31 12:00:00.5+00", { k: [1] }, [1n, null]]);
  });

  test("bigint goes as text", async () => {
    expect(await row("select $1::int8, $2::numeric", [-9223372036854775808n, 10n ** 30n])).toEqual([
      -9223372036854775808n,
      "1000000000000000000000000000000",
    ]);
  });

  test("a Date goes as toISOString(), whatever the process's time zone", async () => {
    const date = new Date(Date.UTC(2024, 0, 31, 12, 0, 0, 123));
    expect(await row("select $1::timestamptz, $2::text", [date, date])).toEqual([
      "2024-01-31 12:00:00.123+00",
      "2024-01-31T12:00:00.123Z",
    ]);
  });

  test("an invalid Date is refused before anything is sent", async () => {
    await expect(run(conn.execute("select $1::timestamptz", [new Date(Number.NaN)]))).rejects.toMatchObject({
      name: "InterfaceError",
      orig: expect.any(RangeError),
    });
    expect(await row("select 1", [])).toEqual([1]);
  });

  test("Uint8Array and Buffer go as bytea", async () => {
    expect(
      await row("select $1::bytea, $2::bytea, length($1)", [new Uint8Array([0, 1, 255]), Buffer.from("hi")]),
    ).toEqual([Buffer.from([0, 1, 255]), Buffer.from("hi"), 3]);
  });

  test("a plain object goes as JSON text", async () => {
    expect(await row("select $1::jsonb, $2::json", [{ a: [1, "x"], b: null }, { "": "é" }])).toEqual([
      { a: [1, "x"], b: null },
      { "": "é" },
    ]);
  });

  test("JS arrays go as PostgreSQL arrays: text, NULL, nested, bytea, Dates, objects, bigint", async () => {
    expect(
      await row(
        "select $1::text[], $2::int4[], $3::bytea[], $4::timestamptz[], $5::jsonb[], $6::int8[], $7::bool[]",
        [
          ['a"b', "c\\d", "e,f", null, "", "NULL"],
          [
            [1, 2],
            [3, 4],
          ],
          [new Uint8Array([1, 2]), Buffer.from([255])],
          [new Date(Date.UTC(2024, 0, 31)), null],
          [{ a: 1 }, { b: [true] }],
          [1n, -9223372036854775808n],
          [true, false, null],
        ],
      ),
    ).toEqual([
      ['a"b', "c\\d", "e,f", null, "", "NULL"],
      [
        [1, 2],
        [3, 4],
      ],
      [Buffer.from([1, 2]), Buffer.from([255])],
      ["2024-01-31 00:00:00+00", null],
      [{ a: 1 }, { b: [true] }],
      [1n, -9223372036854775808n],
      [true, false, null],
    ]);
  });
});
