import { forEachDatabase, type TestDatabase } from "@athanor/testing";
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import { ArgumentError } from "../../src/errors.ts";
import { DateTime, Date as dateType, Time } from "../../src/types/datetime-types.ts";
import { Interval, type IntervalValue, makeInterval } from "../../src/types/interval-type.ts";
import {
  expectSelectRoundTrips,
  expectTableRoundTrips,
  expectValidateMatchesSchema,
  type RoundTripCase,
  same,
} from "./type-test-kit.ts";

const iso = (text: string): Date => new Date(text);
const isoDay = (date: Date): string => date.toISOString().slice(0, 10);
const inRange = {
  min: iso("0001-01-01T00:00:00Z"),
  max: iso("9999-12-31T23:59:59.999Z"),
  noInvalidDate: true,
};

describe("Date", () => {
  test("validate: real dates 0001-9999 and +-infinity", () => {
    const type = dateType();
    for (const value of [
      "2024-02-29",
      "2000-02-29",
      "0001-01-01",
      "9999-12-31",
      "1970-01-01",
      "infinity",
      "-infinity",
    ]) {
      expect(type.validate(value), value).toBe(true);
    }
    for (const value of [
      "2023-02-29",
      "1900-02-29",
      "0000-01-01",
      "2024-13-01",
      "2024-00-10",
      "2024-04-31",
      "2024-1-01",
      "20240101",
      "2024-01-01T00:00:00Z",
      "+002024-01-01",
      "10000-01-01",
      "Infinity",
      "",
    ]) {
      expect(type.validate(value), value).toBe(false);
    }
    expect(type.validate(new Date())).toBe(false);
    expect(type.explain("2023-02-29")).toMatch(/no day 29/);
    expect(type.explain("2024/01/01")).toMatch(/not a date in the form YYYY-MM-DD/);
    expect(type.ddl()).toBe("DATE");
  });

  test("agrees with the schema", () => {
    expectValidateMatchesSchema(
      dateType(),
      fc.date(inRange).map(isoDay),
      fc.stringMatching(/^\d{4}-[01]\d-[0-3]\d$/),
      fc.constantFrom("infinity", "-infinity", "Infinity"),
    );
  });

  test("fromDriver: a JS Date at UTC midnight (PGlite) or local midnight (node-postgres); infinities", () => {
    const type = dateType();
    expect(type.fromDriver(iso("2024-03-10T00:00:00Z"))).toBe("2024-03-10");
    expect(type.fromDriver(new Date(2024, 2, 10))).toBe("2024-03-10");
    const year1 = new Date(2000, 0, 1);
    year1.setFullYear(1);
    expect(type.fromDriver(year1)).toBe("0001-01-01");
    expect(type.fromDriver(Number.POSITIVE_INFINITY)).toBe("infinity");
    expect(type.fromDriver(Number.NEGATIVE_INFINITY)).toBe("-infinity");
    expect(type.fromDriver("2024-01-02")).toBe("2024-01-02");
    expect(() => type.fromDriver(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("Time", () => {
  test("validate without time zone", () => {
    const type = Time();
    for (const value of ["00:00:00", "23:59:59.999999", "24:00:00", "12:34:56.5", "24:00:00.000"]) {
      expect(type.validate(value), value).toBe(true);
    }
    for (const value of [
      "24:00:01",
      "24:00:00.1",
      "12:60:00",
      "12:00:60",
      "12:00",
      "1:00:00",
      "12:00:00.1234567",
    ]) {
      expect(type.validate(value), value).toBe(false);
    }
    expect(type.validate("12:00:00+05")).toBe(false);
    expect(type.explain("12:00")).toMatch(/not a time in the form HH:MM:SS/);
  });

  test("validate with time zone", () => {
    const type = Time({ timezone: true });
    for (const value of [
      "12:00:00+05",
      "12:00:00-03:30",
      "12:00:00.1+05:30:15",
      "00:00:00+15:59",
      "24:00:00-00",
    ]) {
      expect(type.validate(value), value).toBe(true);
    }
    for (const value of [
      "12:00:00",
      "12:00:00Z",
      "12:00:00+16",
      "12:00:00+5",
      "12:00:00+05:60",
      "12:00:00 +05",
    ]) {
      expect(type.validate(value), value).toBe(false);
    }
  });

  test("precision refuses digits the column would round", () => {
    const type = Time({ precision: 3 });
    expect(type.validate("12:00:00.123")).toBe(true);
    expect(type.validate("12:00:00.1230")).toBe(true);
    expect(type.validate("12:00:00.1234")).toBe(false);
    expect(type.explain("12:00:00.1234")).toMatch(/more than 3 fractional second digit/);
    expect(Time({ precision: 0 }).validate("12:00:00.5")).toBe(false);
  });

  test("DDL and arguments", () => {
    expect(Time().ddl()).toBe("TIME");
    expect(Time({ timezone: true }).ddl()).toBe("TIME WITH TIME ZONE");
    expect(Time({ precision: 3 }).ddl()).toBe("TIME(3)");
    expect(Time({ precision: 0, timezone: true }).ddl()).toBe("TIME(0) WITH TIME ZONE");
    expect(() => Time({ precision: 7 })).toThrow(ArgumentError);
    expect(() => Time({ precision: -1 })).toThrow(ArgumentError);
  });

  test("agrees with the schema", () => {
    const clock = fc.stringMatching(/^[0-2]\d:[0-6]\d:[0-6]\d(\.\d{1,7})?$/);
    const offset = fc.stringMatching(/^[+-][01]\d(:[0-6]\d(:[0-6]\d)?)?$/);
    const valid = fc
      .tuple(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(([h, m, s]) => [h, m, s].map((n) => String(n).padStart(2, "0")).join(":"));
    expectValidateMatchesSchema(Time(), valid, clock);
    expectValidateMatchesSchema(
      Time({ timezone: true }),
      valid.map((t) => `${t}+05:30`),
      fc.tuple(clock, offset).map(([t, o]) => t + o),
    );
    expectValidateMatchesSchema(Time({ precision: 2 }), valid, clock);
  });
});

describe("DateTime", () => {
  test("validate: valid JS Dates from 0001 to 9999 (UTC)", () => {
    const type = DateTime();
    for (const value of [
      iso("2024-01-02T03:04:05.123Z"),
      iso("0001-01-01T00:00:00Z"),
      iso("9999-12-31T23:59:59.999Z"),
    ]) {
      expect(type.validate(value)).toBe(true);
    }
    for (const value of [
      new Date(Number.NaN),
      iso("0000-12-31T23:59:59.999Z"),
      iso("+010000-01-01T00:00:00Z"),
      "2024-01-02T03:04:05Z",
      0,
      null,
    ]) {
      expect(type.validate(value)).toBe(false);
    }
    expect(type.explain(new Date(Number.NaN))).toBe("an Invalid Date");
    expect(type.explain("2024-01-01")).toBe("not a JS Date");
    expect(type.explain(iso("+010000-01-01T00:00:00Z"))).toMatch(/outside 0001-01-01 to 9999-12-31/);
  });

  test("precision below 3 refuses milliseconds the column would round", () => {
    expect(DateTime({ precision: 0 }).validate(iso("2024-01-01T00:00:00.000Z"))).toBe(true);
    expect(DateTime({ precision: 0 }).validate(iso("2024-01-01T00:00:00.001Z"))).toBe(false);
    expect(DateTime({ precision: 2 }).validate(iso("2024-01-01T00:00:00.120Z"))).toBe(true);
    expect(DateTime({ precision: 2 }).validate(iso("2024-01-01T00:00:00.123Z"))).toBe(false);
    expect(DateTime({ precision: 3 }).validate(iso("2024-01-01T00:00:00.123Z"))).toBe(true);
  });

  test("DDL, toDriver and arguments", () => {
    expect(DateTime().ddl()).toBe("TIMESTAMP WITHOUT TIME ZONE");
    expect(DateTime({ timezone: true }).ddl()).toBe("TIMESTAMP WITH TIME ZONE");
    expect(DateTime({ timezone: true, precision: 3 }).ddl()).toBe("TIMESTAMP(3) WITH TIME ZONE");
    expect(DateTime({ precision: 6 }).ddl()).toBe("TIMESTAMP(6) WITHOUT TIME ZONE");
    expect(DateTime({ timezone: true }).toDriver(iso("2024-01-02T03:04:05.123Z"))).toBe(
      "2024-01-02T03:04:05.123Z",
    );
    expect(DateTime().toDriver(iso("2024-01-02T03:04:05.123Z"))).toBe("2024-01-02T03:04:05.123");
    expect(() => DateTime({ precision: 7 })).toThrow(ArgumentError);
  });

  test("fromDriver: PostgreSQL text (offsets with seconds, BC, truncated microseconds)", () => {
    const tz = DateTime({ timezone: true });
    expect(tz.fromDriver("2024-01-02 03:04:05.123456+00")).toEqual(iso("2024-01-02T03:04:05.123Z"));
    expect(tz.fromDriver("2024-01-02 03:04:05.999999+00")).toEqual(iso("2024-01-02T03:04:05.999Z"));
    expect(tz.fromDriver("2024-01-02 08:34:05+05:30")).toEqual(iso("2024-01-02T03:04:05Z"));
    expect(tz.fromDriver("0001-01-01 00:00:00-04:56:02")).toEqual(iso("0001-01-01T04:56:02Z"));
    expect(tz.fromDriver("0001-12-31 19:03:58-04:56:02 BC")).toEqual(iso("0001-01-01T00:00:00Z"));
    expect(tz.fromDriver("0099-06-01 12:00:00.5+00")).toEqual(iso("0099-06-01T12:00:00.500Z"));
    expect(DateTime().fromDriver("2024-01-02 03:04:05")).toEqual(iso("2024-01-02T03:04:05Z"));
    expect(() => tz.fromDriver("infinity")).toThrow(RangeError);
    expect(() => tz.fromDriver(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
    expect(() => tz.fromDriver("02/01/2024 03:04:05")).toThrow(TypeError);
  });

  test("agrees with the schema", () => {
    const anyDate = fc.date({ noInvalidDate: false });
    expectValidateMatchesSchema(DateTime(), fc.date(inRange), anyDate);
    expectValidateMatchesSchema(
      DateTime({ timezone: true, precision: 1 }),
      fc.date(inRange).map((d) => new Date(d.getTime() - (d.getUTCMilliseconds() % 100))),
      anyDate,
    );
  });
});

describe("Interval", () => {
  const iv = (months: number, days: number, microseconds: number): IntervalValue => ({
    months,
    days,
    microseconds,
  });

  test("validate: exactly months, days (int32) and microseconds (safe integer)", () => {
    const type = Interval();
    for (const value of [
      iv(0, 0, 0),
      Object.freeze(iv(-1, 3, -14706000001)),
      iv(-(2 ** 31), 2 ** 31 - 1, Number.MAX_SAFE_INTEGER),
    ]) {
      expect(type.validate(value)).toBe(true);
    }
    for (const value of [
      { months: 0, days: 0 },
      { months: 0, days: 0, microseconds: 0, hours: 1 },
      iv(0.5, 0, 0),
      iv(2 ** 31, 0, 0),
      iv(0, 0, 2 ** 53),
      "1 day",
      null,
      [],
      86_400_000,
    ]) {
      expect(type.validate(value)).toBe(false);
    }
    expect(type.explain({ months: 1, days: 2 })).toMatch(/microseconds must be a safe integer/);
    expect(type.ddl()).toBe("INTERVAL");
  });

  test("makeInterval adds parts as make_interval does", () => {
    expect(makeInterval({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6.789 })).toEqual(
      iv(14, 3, 14_706_789_000),
    );
    expect(makeInterval({ weeks: 1, days: -1, milliseconds: 1.5, microseconds: 1 })).toEqual(iv(0, 6, 1501));
    expect(Object.isFrozen(makeInterval({}))).toBe(true);
    expect(() => makeInterval({ years: 0.5 })).toThrow(ArgumentError);
    expect(() => makeInterval({ hours: 3_000_000 })).toThrow(ArgumentError);
  });

  test("toDriver: a sign on every field", () => {
    expect(Interval().toDriver(iv(1, -3, -14706000001))).toBe("+1 mons -3 days -04:05:06.000001");
    expect(Interval().toDriver(iv(0, 0, 0))).toBe("+0 mons +0 days +00:00:00.000000");
  });

  test("fromDriver: node-postgres objects and text in three IntervalStyles", () => {
    const type = Interval();
    const expected = iv(14, 3, 14_706_789_000);
    expect(type.fromDriver("1 year 2 mons 3 days 04:05:06.789")).toEqual(expected);
    expect(type.fromDriver("@ 1 year 2 mons 3 days 4 hours 5 mins 6.789 secs")).toEqual(expected);
    expect(type.fromDriver("P1Y2M3DT4H5M6.789S")).toEqual(expected);
    expect(
      type.fromDriver({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 }),
    ).toEqual(expected);
    expect(type.fromDriver("@ 1 mon 2 days 3 hours ago")).toEqual(iv(-1, -2, -10_800_000_000));
    expect(type.fromDriver("@ 0")).toEqual(iv(0, 0, 0));
    expect(type.fromDriver("PT0S")).toEqual(iv(0, 0, 0));
    expect(type.fromDriver("P-1Y-2M3DT-4H-5M-6.000001S")).toEqual(iv(-14, 3, -14_706_000_001));
    expect(type.fromDriver("-1 days +04:05:06")).toEqual(iv(0, -1, 14_706_000_000));
    expect(type.fromDriver({ milliseconds: -0.001 })).toEqual(iv(0, 0, -1));
    expect(() => type.fromDriver("+0-1 -3 -4:05:06.000001")).toThrow(/IntervalStyle/);
    expect(() => type.fromDriver("infinity")).toThrow(TypeError);
    expect(() => type.fromDriver("2562047788:00:54.775807")).toThrow(RangeError);
  });

  test("agrees with the schema", () => {
    const valid = fc
      .record({
        months: fc.integer(),
        days: fc.integer(),
        microseconds: fc.maxSafeInteger(),
      })
      .map((value) => value);
    expectValidateMatchesSchema(
      Interval(),
      valid,
      fc.record({ months: fc.double(), days: fc.integer(), microseconds: fc.double() }),
      fc.record(
        { months: fc.integer(), days: fc.integer(), microseconds: fc.integer(), extra: fc.anything() },
        { requiredKeys: [] },
      ),
      valid.map((value) => Object.assign(Object.create({ inherited: 1 }), value)),
      valid.map((value) => Object.assign(Object.create(value), {})),
    );
  });
});

/** Runs `body` with the session's TimeZone (or IntervalStyle, DateStyle...) set, then resets it. */
async function withSetting(
  db: TestDatabase,
  name: string,
  value: string,
  body: () => Promise<void>,
): Promise<void> {
  await db.query(`set ${name} = '${value}'`);
  try {
    await body();
  } finally {
    await db.query(`reset ${name}`);
  }
}

/** A UTC wall-clock time that the local zone skips (DST gap): default parsers cannot carry it. */
function inLocalGap(date: Date): boolean {
  const local = new Date(
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
  );
  return local.getHours() !== date.getUTCHours() || local.getMinutes() !== date.getUTCMinutes();
}

forEachDatabase((db) => {
  afterEach(async () => {
    await db.query("reset all");
  });

  test("DATE round trips", async () => {
    const cases = same(
      "2024-01-02",
      "0001-01-01",
      "0099-12-31",
      "9999-12-31",
      "2024-02-29",
      "2024-03-10",
      "2024-03-31",
      "2024-10-27",
      "1970-01-01",
      "1969-12-31",
      "1899-12-31",
      "infinity",
      "-infinity",
    );
    await expectSelectRoundTrips(db, dateType(), cases);
    await expectTableRoundTrips(db, dateType(), "dates", cases);
    await withSetting(db, "timezone", "Pacific/Kiritimati", () =>
      expectSelectRoundTrips(db, dateType(), cases),
    );
  });

  test("TIME and TIME WITH TIME ZONE round trips (PostgreSQL's canonical form)", async () => {
    const times: RoundTripCase<string>[] = [
      ...same("00:00:00", "23:59:59.999999", "24:00:00", "12:34:56.5", "00:00:00.000001"),
      { value: "12:00:00.500", expected: "12:00:00.5" },
      { value: "12:00:00.000000", expected: "12:00:00" },
    ];
    await expectSelectRoundTrips(db, Time(), times);
    await expectTableRoundTrips(db, Time(), "times", times);
    const withZone: RoundTripCase<string>[] = [
      ...same("12:00:00+05", "12:00:00-03:30", "12:00:00.123456+05:30:15", "23:59:59-15:59", "00:00:00+00"),
      { value: "12:00:00+05:00", expected: "12:00:00+05" },
      { value: "24:00:00-00", expected: "24:00:00+00" },
    ];
    await expectSelectRoundTrips(db, Time({ timezone: true }), withZone);
    await expectTableRoundTrips(db, Time({ timezone: true }), "times_tz", withZone);
    await expectSelectRoundTrips(db, Time({ precision: 3 }), same("12:00:00.123", "00:00:00"));
  });

  // PGlite's default parser reads timestamps with `new Date(text)`, which takes years 0-99 as 1900-1999.
  const pgliteMisreads = ["pglite"] as const;
  const instants: RoundTripCase<Date>[] = [
    ...same(
      iso("2024-01-02T03:04:05.123Z"),
      iso("9999-12-31T23:59:59.999Z"),
      iso("0100-01-01T00:00:00Z"),
      iso("1970-01-01T00:00:00Z"),
      iso("1969-12-31T23:59:59.999Z"),
      iso("1900-01-01T00:00:00Z"),
      iso("2000-02-29T12:00:00Z"),
      // America/New_York DST starts 2024-03-10 07:00Z and ends 2024-11-03 06:00Z; Europe 2024-03-31 01:00Z.
      iso("2024-03-10T06:59:59.999Z"),
      iso("2024-03-10T07:00:00Z"),
      iso("2024-11-03T05:30:00Z"),
      iso("2024-11-03T06:30:00Z"),
      iso("2024-03-31T00:59:59.999Z"),
      iso("2024-03-31T01:00:00.001Z"),
    ),
    { value: iso("0001-01-01T00:00:00Z"), skipDriverParsed: pgliteMisreads },
    { value: iso("0099-06-01T12:00:00.5Z"), skipDriverParsed: pgliteMisreads },
  ];

  test("TIMESTAMP WITH TIME ZONE round trips, in several session time zones", async () => {
    const type = DateTime({ timezone: true });
    await expectSelectRoundTrips(db, type, instants);
    await expectTableRoundTrips(db, type, "instants", instants);
    // Old instants print with local mean time offsets (`-04:56:02`), which PGlite's parser cannot read.
    const modern = instants.map((c) =>
      c.value.getUTCFullYear() < 1950 ? { ...c, skipDriverParsed: pgliteMisreads } : c,
    );
    for (const zone of ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Lisbon"]) {
      await withSetting(db, "timezone", zone, () => expectSelectRoundTrips(db, type, modern));
    }
    await expectSelectRoundTrips(db, DateTime({ timezone: true, precision: 3 }), instants);
  });

  test("TIMESTAMP WITHOUT TIME ZONE round trips (naive values are UTC)", async () => {
    const type = DateTime();
    const naive = instants.map((c) => ({
      ...c,
      skipDriverParsed: inLocalGap(c.value) ? (["pglite", "postgres"] as const) : c.skipDriverParsed,
    }));
    await expectSelectRoundTrips(db, type, naive);
    await expectTableRoundTrips(db, type, "naive", naive);
    await withSetting(db, "timezone", "America/New_York", () => expectSelectRoundTrips(db, type, naive));
    const [row] = await db.query<{ v: unknown }>(`select $1::timestamp::text as v`, [
      type.toDriver(iso("2024-01-02T03:04:05.123Z")),
    ]);
    expect(row?.v).toBe("2024-01-02 03:04:05.123");
  });

  test("microseconds are truncated; infinity cannot be a Date", async () => {
    const [row] = await db.query<{ v: unknown; t: unknown; n: unknown; nt: unknown }>(
      `select '2024-01-02 03:04:05.999999+00'::timestamptz as v, '2024-01-02 03:04:05.999999+00'::timestamptz::text as t,
              '2024-01-02 03:04:05.999999'::timestamp as n, '2024-01-02 03:04:05.999999'::timestamp::text as nt`,
    );
    const expected = iso("2024-01-02T03:04:05.999Z");
    expect(DateTime({ timezone: true }).fromDriver(row?.v)).toEqual(expected);
    expect(DateTime({ timezone: true }).fromDriver(row?.t)).toEqual(expected);
    expect(DateTime().fromDriver(row?.n)).toEqual(expected);
    expect(DateTime().fromDriver(row?.nt)).toEqual(expected);
    const [inf] = await db.query<{ v: unknown; t: unknown }>(
      "select 'infinity'::timestamptz as v, '-infinity'::timestamp::text as t",
    );
    expect(() => DateTime({ timezone: true }).fromDriver(inf?.v)).toThrow(RangeError);
    expect(() => DateTime().fromDriver(inf?.t)).toThrow(RangeError);
  });

  const intervals: RoundTripCase<IntervalValue>[] = same(
    makeInterval({}),
    makeInterval({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6.789 }),
    makeInterval({ months: -1, days: 3, hours: -4, minutes: -5, seconds: -6.000001 }),
    makeInterval({ microseconds: -1 }),
    makeInterval({ microseconds: 1 }),
    makeInterval({ days: 1, hours: -1 }),
    makeInterval({ days: -1, hours: 25 }),
    makeInterval({ months: 12 * 178_000_000 }),
    makeInterval({ months: -(2 ** 31) + 1, days: 2 ** 31 - 1 }),
    makeInterval({ microseconds: Number.MAX_SAFE_INTEGER }),
    makeInterval({ microseconds: -Number.MAX_SAFE_INTEGER }),
    makeInterval({ hours: 100_000, seconds: 0.5 }),
  );

  test("INTERVAL round trips (driver objects and text), in three IntervalStyles", async () => {
    await expectSelectRoundTrips(db, Interval(), intervals);
    await expectTableRoundTrips(db, Interval(), "intervals", intervals);
    for (const style of ["postgres_verbose", "iso_8601"]) {
      await withSetting(db, "intervalstyle", style, async () => {
        for (const { value } of intervals) {
          const [row] = await db.query<{ t: unknown }>("select $1::interval::text as t", [
            Interval().toDriver(value),
          ]);
          expect(Interval().fromDriver(row?.t), `${style} ${String(row?.t)}`).toEqual(value);
        }
      });
    }
  });

  test("interval input with signs on every field reads the same under sql_standard", async () => {
    await withSetting(db, "intervalstyle", "sql_standard", async () => {
      for (const { value } of intervals) {
        const [row] = await db.query<{ same: boolean }>(
          "select $1::interval = make_interval(0, $2, 0, $3) + interval '1 microsecond' * $4::bigint as same",
          [Interval().toDriver(value), value.months, value.days, value.microseconds],
        );
        expect(row?.same, String(Interval().toDriver(value))).toBe(true);
      }
    });
  });
});
