import { type AdaptedConnection, DataError, IntegrityError, ProgrammingError, run } from "@athanor/core";
import { rejection } from "@athanor/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { execute, onPostgres, openConnection } from "./postgresjs-support.ts";

/** Canonical driver values and parameters through the postgres.js driver, on a real PostgreSQL. */

onPostgres("postgres.js driver values", (db) => {
  let conn: AdaptedConnection;
  const one = async (sql: string, params: readonly unknown[] = []): Promise<readonly unknown[]> => {
    const result = await execute(conn, sql, params);
    expect(result.rows).toHaveLength(1);
    return result.rows[0]!;
  };

  beforeAll(async () => {
    await db.query("create type mood as enum ('sad', 'happy')");
    await db.query("create domain positive as int4 check (value > 0)");
    conn = (await openConnection(db.url)).adapted;
    // timestamptz text depends on the session time zone; nothing else here does.
    await execute(conn, "set time zone 'UTC'");
  });
  afterAll(async () => {
    await run(conn.close());
  });

  test("every connection is set up for canonical text", async () => {
    expect(
      await one(
        "select current_setting('DateStyle'), current_setting('IntervalStyle'), current_setting('client_encoding')",
      ),
    ).toEqual(["ISO, MDY", "postgres", "UTF8"]);
  });

  test("bool, int2, int4, oid are booleans and numbers", async () => {
    expect(await one("select true, false, (-32768)::int2, 2147483647::int4, 4294967295::oid")).toEqual([
      true,
      false,
      -32768,
      2147483647,
      4294967295,
    ]);
  });

  test("int8 is a bigint, exact at both ends", async () => {
    expect(await one("select 9223372036854775807::int8, (-9223372036854775808)::int8, 0::int8")).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
      0n,
    ]);
  });

  test("float4 and float8 are numbers, NaN and the infinities included", async () => {
    expect(
      await one(
        "select 1.5::float4, 0.1::float8, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float4, 1e300::float8",
      ),
    ).toEqual([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300]);
  });

  test("numeric is the server's exact text, NaN and infinities included", async () => {
    expect(
      await one(
        "select 12.50::numeric, 'NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric, " +
          "123456789012345678901234567890.123456789012345678901234567890::numeric, (-0.000)::numeric(6,3)",
      ),
    ).toEqual([
      "12.50",
      "NaN",
      "Infinity",
      "-Infinity",
      "123456789012345678901234567890.123456789012345678901234567890",
      "0.000",
    ]);
  });

  test("text types, enums and every other type are the server's text", async () => {
    expect(
      await one(
        "select 'é日本🎉'::text, 'ab'::varchar(5), 'ab'::char(4), 'pg_class'::name, 'happy'::mood, " +
          "'192.168.0.1/24'::inet, 1.5::money, '<a>x</a>'::xml, '(1,2)'::point, 'x'::\"char\", " +
          "'[1,5)'::int4range, 3::positive",
      ),
    ).toEqual([
      "é日本🎉",
      "ab",
      "ab  ",
      "pg_class",
      "happy",
      "192.168.0.1/24",
      "$1.50",
      "<a>x</a>",
      "(1,2)",
      "x",
      "[1,5)",
      3,
    ]);
  });

  test("json and jsonb are parsed", async () => {
    expect(
      await one(
        `select '{"b": 1, "a": [1, 2.5, null, "x"]}'::json, '{"b": 1, "a": true}'::jsonb, '"text"'::json, ` +
          "'3.25'::jsonb, '[]'::jsonb",
      ),
    ).toEqual([{ b: 1, a: [1, 2.5, null, "x"] }, { a: true, b: 1 }, "text", 3.25, []]);
  });

  test("dates, times and intervals are the server's ISO text, infinities and BC included", async () => {
    expect(
      await one(
        "select '2024-01-31'::date, 'infinity'::date, '-infinity'::date, '0044-03-15 BC'::date, " +
          "'2024-01-31 12:00:00.123456'::timestamp, 'infinity'::timestamp, " +
          "'2024-01-31 12:00:00.123456+00'::timestamptz, '-infinity'::timestamptz, " +
          "'04:05:06.789'::time, '04:05:06+02'::timetz, '1 year 2 mons 3 days 04:05:06'::interval, " +
          "'-1 day -00:00:01'::interval",
      ),
    ).toEqual([
      "2024-01-31",
      "infinity",
      "-infinity",
      "0044-03-15 BC",
      "2024-01-31 12:00:00.123456",
      "infinity",
      "2024-01-31 12:00:00.123456+00",
      "-infinity",
      "04:05:06.789",
      "04:05:06+02",
      "1 year 2 mons 3 days 04:05:06",
      "-1 days -00:00:01",
    ]);
  });

  test("uuid is text, bytea is bytes (hex and escape output)", async () => {
    expect(
      await one("select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '\\x00ff10'::bytea, ''::bytea"),
    ).toEqual(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Buffer.from([0, 255, 16]), Buffer.alloc(0)]);
    await execute(conn, "set bytea_output = 'escape'");
    try {
      expect(await one("select '\\x00ff5c41'::bytea")).toEqual([Buffer.from([0, 255, 92, 65])]);
    } finally {
      await execute(conn, "reset bytea_output");
    }
  });

  test("SQL NULL is null for every type", async () => {
    expect(
      await one(
        "select null::bool, null::int8, null::numeric, null::text, null::json, null::jsonb, null::date, " +
          "null::timestamptz, null::uuid, null::bytea, null::int4[], null::mood, null::mood[]",
      ),
    ).toEqual(Array.from({ length: 13 }, () => null));
  });

  test("arrays of the canonical types, with NULL elements", async () => {
    expect(
      await one(
        "select array[1, null, 3]::int4[], array[9223372036854775807, null]::int8[], " +
          "array[12.50, 'NaN', null]::numeric[], array['2024-01-31', null, 'infinity']::date[], " +
          `array['{"a": [1]}', null, '2']::json[], array['{"b": null}']::jsonb[], ` +
          "array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null]::uuid[], array['\\x00ff'::bytea, null, ''::bytea], " +
          "array[true, null, false], array[1.5, 'NaN', '-Infinity', null]::float8[], array[1, null]::int2[]",
      ),
    ).toEqual([
      [1, null, 3],
      [9223372036854775807n, null],
      ["12.50", "NaN", null],
      ["2024-01-31", null, "infinity"],
      [{ a: [1] }, null, 2],
      [{ b: null }],
      ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", null],
      [Buffer.from([0, 255]), null, Buffer.alloc(0)],
      [true, null, false],
      [1.5, Number.NaN, Number.NEGATIVE_INFINITY, null],
      [1, null],
    ]);
  });

  test("text arrays keep quotes, backslashes, separators, spaces and the word NULL", async () => {
    const tricky = ['a "quoted" b', "back\\slash", "a,b", "{braces}", " padded ", "NULL", "", "é日本"];
    const [array, withNull] = await one("select $1::text[], array['x', null]::varchar[]", [tricky]);
    expect(array).toEqual(tricky);
    expect(withNull).toEqual(["x", null]);
  });

  test("multi-dimensional, empty and offset arrays", async () => {
    expect(
      await one(
        "select '{{1,2},{3,null}}'::int4[], '{}'::int4[], '[0:1]={7,8}'::int4[], " +
          "'{{{\"a\"}},{{\"b\"}}}'::text[], array[array['2024-01-31 12:00:00+00'::timestamptz]]",
      ),
    ).toEqual([
      [
        [1, 2],
        [3, null],
      ],
      [],
      [7, 8],
      [[["a"]], [["b"]]],
      [["2024-01-31 12:00:00+00"]],
    ]);
  });

  test("arrays of times, intervals and text types", async () => {
    expect(
      await one(
        "select array['2024-01-31 12:00:00.5'::timestamp], array['1 day'::interval, null], " +
          "array['04:05:06'::time], array['04:05:06+02'::timetz], array['ab'::char(3)], array['pg_class'::name]",
      ),
    ).toEqual([
      ["2024-01-31 12:00:00.5"],
      ["1 day", null],
      ["04:05:06"],
      ["04:05:06+02"],
      ["ab "],
      ["pg_class"],
    ]);
  });

  test("arrays of enums, domains and other types are looked up once, then read as arrays", async () => {
    const sql =
      "select array['sad', null, 'happy']::mood[], array[1, null]::positive[], " +
      "'{(1,1),(0,0);(2,2),(1,1)}'::box[], array['[1,5)'::int4range, null], array['10.0.0.1'::inet]";
    const expected = [
      ["sad", null, "happy"],
      [1, null],
      ["(1,1),(0,0)", "(2,2),(1,1)"],
      ["[1,5)", null],
      ["10.0.0.1"],
    ];
    expect(await one(sql)).toEqual(expected);
    expect(await one(sql)).toEqual(expected);
    // A type created after the connection opened, through a cached prepared statement too.
    await db.query("create type color as enum ('red', 'green')");
    expect(await one("select array['red', 'green']::color[], $1::color", ["red"])).toEqual([
      ["red", "green"],
      "red",
    ]);
    expect(await one("select array['green']::color[], $1::color", ["green"])).toEqual([["green"], "green"]);
  });

  test("a type lookup that fails leaves the text and is tried again later", async () => {
    await db.query("create type flavor as enum ('sweet', 'sour')");
    await execute(conn, "begin");
    // Pipelined: the second statement aborts the transaction before the lookup the first needs.
    const [typed, failed] = await Promise.allSettled([
      execute(conn, "select array['sweet', null]::flavor[]"),
      execute(conn, "select 1 / 0"),
    ]);
    expect(failed).toMatchObject({ status: "rejected", reason: { code: "22012" } });
    expect(typed).toMatchObject({ status: "fulfilled", value: { rows: [["{sweet,NULL}"]] } });
    await execute(conn, "rollback");
    expect(await one("select array['sweet', null]::flavor[]")).toEqual([["sweet", null]]);
  });

  test("parameters: strings, numbers, booleans, null and undefined", async () => {
    expect(
      await one(
        "select $1::text, $2::int4, $3::float8, $4::float8, $5::float8, $6::bool, $7::text, $8::int4, $9::text",
        ["é'\"", -5, 1.25, Number.NaN, Number.NEGATIVE_INFINITY, true, false, null, undefined],
      ),
    ).toEqual(["é'\"", -5, 1.25, Number.NaN, Number.NEGATIVE_INFINITY, true, "false", null, null]);
    // An untyped parameter takes its type from the statement.
    expect(await one("select $1 = 'x', 2 + $2", ["x", 3])).toEqual([true, 5]);
  });

  test("parameters: text that core formats is sent as it is (json, numeric, dates, bool, bytea, arrays)", async () => {
    expect(
      await one(
        "select $1::jsonb, $2::json, $3::numeric, $4::timestamptz, $5::date, $6::bool, $7::bool, $8::bytea, " +
          "$9::int4[], $10::int8, $11::interval",
        [
          '{"a": [1, "x"]}',
          '"just a string"',
          "12.50",
          "2024-01-31 12:00:00.123456+00",
          "2024-01-31",
          "t",
          "false",
          "\\x0102",
          "{1,NULL,3}",
          "9223372036854775807",
          "1 year 2 mons",
        ],
      ),
    ).toEqual([
      { a: [1, "x"] },
      "just a string",
      "12.50",
      "2024-01-31 12:00:00.123456+00",
      "2024-01-31",
      true,
      false,
      Buffer.from([1, 2]),
      [1, null, 3],
      9223372036854775807n,
      "1 year 2 mons",
    ]);
  });

  test("parameters: bytes, bigint, Date and plain objects", async () => {
    expect(
      await one(
        "select $1::bytea, $2::bytea, $3, $4::int8, $5::numeric, $6::timestamptz, $7::jsonb, $8::json",
        [
          new Uint8Array([0, 1, 255]),
          Buffer.from("hi"),
          new Uint8Array([7]),
          -9223372036854775808n,
          12345678901234567890n,
          new Date("2024-01-31T12:00:00.123Z"),
          { a: { b: [1, null] }, s: "é" },
          { n: 1 },
        ],
      ),
    ).toEqual([
      Buffer.from([0, 1, 255]),
      Buffer.from("hi"),
      Buffer.from([7]),
      -9223372036854775808n,
      "12345678901234567890",
      "2024-01-31 12:00:00.123+00",
      { a: { b: [1, null] }, s: "é" },
      { n: 1 },
    ]);
  });

  test("parameters: JS arrays become PostgreSQL arrays", async () => {
    expect(
      await one(
        "select $1::int4[], $2::int4[], $3::text[], $4::jsonb[], $5::bytea[], $6::int8[], $7::timestamptz[], " +
          "$8::bool[], $9::int4[], $10::float8[]",
        [
          [1, null, 3],
          [
            [1, 2],
            [3, 4],
          ],
          ["a", null, "NULL", 'q"'],
          [{ a: 1 }, null, { b: [2] }, "3"],
          [new Uint8Array([1, 2]), null],
          [9223372036854775807n],
          [new Date("2024-01-31T00:00:00Z")],
          [true, false, null],
          [],
          [Number.NaN, Number.POSITIVE_INFINITY],
        ],
      ),
    ).toEqual([
      [1, null, 3],
      [
        [1, 2],
        [3, 4],
      ],
      ["a", null, "NULL", 'q"'],
      [{ a: 1 }, null, { b: [2] }, 3],
      [Buffer.from([1, 2]), null],
      [9223372036854775807n],
      ["2024-01-31 00:00:00+00"],
      [true, false, null],
      [],
      [Number.NaN, Number.POSITIVE_INFINITY],
    ]);
  });

  test("parameters into table columns read back exactly", async () => {
    await execute(
      conn,
      "create table all_types (b bool, i8 int8, n numeric, ts timestamptz, j jsonb, u uuid, by bytea, a int4[], m mood)",
    );
    const params = [
      true,
      "9007199254740993",
      "0.1",
      "2024-01-31 12:00:00.000001+00",
      '{"k": "v"}',
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      new Uint8Array([9, 8]),
      "{1,2}",
      "sad",
    ];
    const inserted = await execute(
      conn,
      "insert into all_types values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      params,
    );
    expect(inserted.rowcount).toBe(1);
    expect(await one("select * from all_types")).toEqual([
      true,
      9007199254740993n,
      "0.1",
      "2024-01-31 12:00:00.000001+00",
      { k: "v" },
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      Buffer.from([9, 8]),
      [1, 2],
      "sad",
    ]);
  });

  test("a parameter no PostgreSQL value matches is refused before anything is sent", async () => {
    const error = await rejection(execute(conn, "select $1", [() => 1]));
    expect(error).toMatchObject({ name: "InterfaceError", orig: expect.any(TypeError) });
    expect(await one("select 1")).toEqual([1]);
  });

  test("duplicate column names survive: rows are arrays in field order", async () => {
    const result = await execute(conn, "select 1 as a, 2 as a, 'x' as b");
    expect(result.fields).toEqual(["a", "a", "b"]);
    expect(result.rows).toEqual([[1, 2, "x"]]);
  });

  test("rowcount and returnsRows for each kind of statement", async () => {
    const summary = async (sql: string, params: readonly unknown[] = []) => {
      const { rowcount, returnsRows, fields } = await execute(conn, sql, params);
      return { rowcount, returnsRows, fields };
    };
    expect(await summary("create table counted (id int primary key, v text)")).toEqual({
      rowcount: undefined,
      returnsRows: false,
      fields: [],
    });
    expect(await summary("insert into counted values (1, 'a'), (2, 'b'), (3, 'c')")).toEqual({
      rowcount: 3,
      returnsRows: false,
      fields: [],
    });
    expect(await summary("insert into counted values ($1, $2)", [4, "d"])).toEqual({
      rowcount: 1,
      returnsRows: false,
      fields: [],
    });
    expect(await summary("select id from counted where id > $1", [1])).toEqual({
      rowcount: 3,
      returnsRows: true,
      fields: ["id"],
    });
    expect(await summary("select id, v from counted where false")).toEqual({
      rowcount: 0,
      returnsRows: true,
      fields: ["id", "v"],
    });
    expect(await summary("update counted set v = v || '!' where id <= $1", [2])).toEqual({
      rowcount: 2,
      returnsRows: false,
      fields: [],
    });
    expect(await summary("update counted set v = 'z' where id = 3 returning id, v")).toEqual({
      rowcount: 1,
      returnsRows: true,
      fields: ["id", "v"],
    });
    expect(await summary("delete from counted where id in (1, 2, 3, 4)")).toEqual({
      rowcount: 4,
      returnsRows: false,
      fields: [],
    });
    // SHOW's command tag has no count.
    expect(await summary("show DateStyle")).toEqual({
      rowcount: undefined,
      returnsRows: true,
      fields: ["DateStyle"],
    });
    expect(await summary("alter table counted add column w int")).toEqual({
      rowcount: undefined,
      returnsRows: false,
      fields: [],
    });
    expect(await summary("drop table counted")).toEqual({
      rowcount: undefined,
      returnsRows: false,
      fields: [],
    });
  });

  test("several statements in one parameterless string answer with the last one", async () => {
    const result = await execute(conn, "select 1 as a; select 2 as b, 3 as c");
    expect(result.fields).toEqual(["b", "c"]);
    expect(result.rows).toEqual([[2, 3]]);
  });

  test("server errors carry their SQLSTATE in code and become the matching DBAPI error", async () => {
    const divide = await rejection(execute(conn, "select 1 / $1::int", [0]));
    expect(divide).toBeInstanceOf(DataError);
    expect(divide).toMatchObject({ code: "22012", orig: { code: "22012", name: "PostgresError" } });
    const syntax = await rejection(execute(conn, "selec 1"));
    expect(syntax).toBeInstanceOf(ProgrammingError);
    expect(syntax).toMatchObject({ code: "42601" });
    await execute(conn, "create table uniq (id int primary key)");
    await execute(conn, "insert into uniq values ($1)", [1]);
    const duplicate = await rejection(execute(conn, "insert into uniq values ($1)", [1]));
    expect(duplicate).toBeInstanceOf(IntegrityError);
    expect(duplicate).toMatchObject({ code: "23505", orig: { constraint_name: "uniq_pkey" } });
    // The connection is fine afterwards.
    expect(await one("select 1")).toEqual([1]);
  });

  test("a cached prepared statement survives a change of the table it reads", async () => {
    await execute(conn, "create table reshaped (id int)");
    await execute(conn, "insert into reshaped values (1)");
    expect((await execute(conn, "select * from reshaped where id = $1", [1])).rows).toEqual([[1]]);
    await execute(conn, "alter table reshaped add column extra text default 'x'");
    const again = await execute(conn, "select * from reshaped where id = $1", [1]);
    expect(again.fields).toEqual(["id", "extra"]);
    expect(again.rows).toEqual([[1, "x"]]);
  });

  test("the dialect's parameter limit is what postgres.js accepts", async () => {
    const count = 65533;
    const placeholders = Array.from({ length: count }, (_, index) => `$${index + 1}`).join(",");
    const params = Array.from({ length: count }, (_, index) => index);
    expect(await one(`select cardinality(array[${placeholders}]::int4[])`, params)).toEqual([count]);
    const tooMany = await rejection(
      execute(conn, `select array[${placeholders},$${count + 1}]::int4[]`, [...params, 0]),
    );
    expect(tooMany).toMatchObject({ orig: { code: "MAX_PARAMETERS_EXCEEDED" } });
    expect(await one("select 1")).toEqual([1]);
  });
});
