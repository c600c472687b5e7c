import { forEachDriver } from "@athanor/conformance";
import {
  ARRAY,
  BigInteger,
  Boolean,
  column,
  Date as DateColumn,
  DateTime,
  Enum,
  Float,
  Integer,
  Interval,
  insert,
  JSONB,
  JSON as JsonColumn,
  LargeBinary,
  MetaData,
  makeInterval,
  Numeric,
  run,
  SmallInteger,
  String,
  select,
  Table,
  Text,
  Time,
  text,
  UUID,
} from "@athanor/core";
import { beforeAll, describe, expect, test } from "vitest";

const metadata = new MetaData();
const status = Enum(["draft", "published"] as const, { name: "conformance_status" });
const everything = new Table("everything", metadata, {
  id: column(Integer, { primaryKey: true, autoincrement: false }),
  small: column(SmallInteger),
  big: column(BigInteger),
  exact: column(Numeric(20, 6)),
  real: column(Float()),
  flag: column(Boolean),
  name: column(String(20)),
  body: column(Text),
  day: column(DateColumn),
  clock: column(Time()),
  stamp: column(DateTime()),
  stampTz: column(DateTime({ timezone: true }), { name: "stamp_tz" }),
  span: column(Interval()),
  doc: column(JsonColumn()),
  docb: column(JSONB()),
  token: column(UUID()),
  bytes: column(LargeBinary()),
  state: column(status),
  bigs: column(ARRAY(BigInteger)),
  days: column(ARRAY(DateColumn)),
  grid: column(ARRAY(Integer, { dimensions: 2 })),
  docs: column(ARRAY(JSONB())),
  tokens: column(ARRAY(UUID())),
});

const row = {
  id: 1,
  small: -32768,
  big: 9007199254740993n,
  exact: "12345678901234.123456",
  real: 1.5,
  flag: true,
  name: "zoë 🚀",
  body: "line\nbreak 'quoted' \"double\"",
  day: "2024-02-29",
  clock: "23:59:59.999999",
  stamp: new globalThis.Date("2024-01-31T12:34:56.789Z"),
  stampTz: new globalThis.Date("1999-12-31T23:59:59.001Z"),
  span: makeInterval({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6, microseconds: 7 }),
  doc: { a: [1, "two", null], nested: { ok: true } },
  docb: [1, { b: "c" }],
  token: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
  state: "published" as const,
  bigs: [1n, null, -9223372036854775808n],
  days: ["infinity", "2000-01-01", null],
  grid: [
    [1, 2],
    [3, null],
  ],
  docs: [{ x: 1 }, null, "s"],
  tokens: ["00000000-0000-0000-0000-000000000000"],
};

/** What every driver hands back for a raw text() query: the canonical driver values. */
const canonical = [
  ["int2", "select 7::int2", 7],
  ["int4", "select 2147483647::int4", 2147483647],
  ["int8", "select 9223372036854775807::int8", 9223372036854775807n],
  ["float8", "select 'NaN'::float8", Number.NaN],
  ["float4 inf", "select '-Infinity'::float4", Number.NEGATIVE_INFINITY],
  ["numeric", "select 12.50::numeric", "12.50"],
  ["numeric NaN", "select 'NaN'::numeric", "NaN"],
  ["bool", "select true", true],
  ["text", "select 'héllo'::text", "héllo"],
  ["json", `select '{"a": [1, 2]}'::json`, { a: [1, 2] }],
  ["jsonb", `select '[true, null]'::jsonb`, [true, null]],
  ["date", "select '2024-01-31'::date", "2024-01-31"],
  ["date infinity", "select 'infinity'::date", "infinity"],
  ["timestamp", "select '2024-01-31 12:00:00.123456'::timestamp", "2024-01-31 12:00:00.123456"],
  ["interval", "select '1 year 2 mons 3 days 04:05:06'::interval", "1 year 2 mons 3 days 04:05:06"],
  ["uuid", "select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
  ["bytea", "select '\\x00ff'::bytea", new Uint8Array([0, 255])],
  ["int8[]", "select array[1, null, 3]::int8[]", [1n, null, 3n]],
  ["numeric[]", "select array[1.5, null]::numeric[]", ["1.5", null]],
  [
    "text[][]",
    "select array[array['a', null], array['c', 'd']]",
    [
      ["a", null],
      ["c", "d"],
    ],
  ],
  ["jsonb[]", `select array['{"k": 1}'::jsonb, null]`, [{ k: 1 }, null]],
  ["null", "select null::int4", null],
] as const;

forEachDriver((target) => {
  beforeAll(async () => {
    await run(
      target.engine().begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
        yield* conn.execute(insert(everything).values(row));
      }),
    );
  });

  describe("column types round-trip", () => {
    test("every type reads back exactly what was written", async () => {
      const read = await run(
        target.engine().connect(function* (conn) {
          return (yield* conn.execute(select(everything))).one()._asdict();
        }),
      );
      expect(read).toEqual(row);
      expect(read.bytes).toBeInstanceOf(Uint8Array);
      expect(read.stamp?.getTime()).toBe(row.stamp.getTime());
    });

    test("typed binds filter correctly on the server", async () => {
      const found = await run(
        target.engine().connect(function* (conn) {
          return yield* conn.scalar(
            select(everything.c.id).where(
              everything.c.big.eq(9007199254740993n),
              everything.c.exact.eq("12345678901234.123456"),
              everything.c.stamp.eq(row.stamp),
              everything.c.token.eq(row.token),
              everything.c.state.eq("published"),
            ),
          );
        }),
      );
      expect(found).toBe(1);
    });
  });

  describe("raw values are the same on every driver", () => {
    test.each(canonical)("%s", async (_name, sql, expected) => {
      const value = await run(
        target.engine().connect(function* (conn) {
          return yield* conn.scalar(text(sql));
        }),
      );
      if (expected instanceof Uint8Array) {
        expect(value).toBeInstanceOf(Uint8Array);
        expect([...(value as Uint8Array)]).toEqual([...expected]);
      } else {
        expect(value).toEqual(expected);
      }
    });
  });
});
