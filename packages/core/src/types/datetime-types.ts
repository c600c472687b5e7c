import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { SqlType } from "./sql-type.ts";

/*
 * Date and time values assume PostgreSQL's default DateStyle (ISO) for text, and the default
 * IntervalStyle (postgres; postgres_verbose and iso_8601 are read too, sql_standard is not).
 */

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` (PostgreSQL's ISO form; years <= 0 as `YYYY-MM-DD BC`, proleptic Gregorian). */
function formatDate(year: number, month: number, day: number): string {
  const text = `${pad(year > 0 ? year : 1 - year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  return year > 0 ? text : `${text} BC`;
}

function checkPrecision(name: string, precision: number | undefined): void {
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 0 || precision > 6)) {
    throw new ArgumentError(
      `${name}({ precision }): precision must be an integer from 0 to 6, got ${precision}`,
    );
  }
}

/** Digits of a fraction ("5000" -> 1) that the database would not drop as trailing zeros. */
function significantDigits(fraction: string | undefined): number {
  if (fraction === undefined) return 0;
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  return end;
}

// ---------------------------------------------------------------------------------------------- DATE

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why `s` is not a DATE value (`YYYY-MM-DD`, a real date in 0001-9999, or +-infinity). */
function dateProblem(s: string): string | undefined {
  if (s === "infinity" || s === "-infinity") return undefined;
  const match = datePattern.exec(s);
  if (match === null) return `${JSON.stringify(s)} is not a date in the form YYYY-MM-DD`;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1) return `${s}: the year must be from 0001 to 9999`;
  if (month < 1 || month > 12) return `${s}: there is no month ${month}`;
  if (day < 1 || day > daysInMonth(year, month)) return `${s}: there is no day ${day} in that month`;
  return undefined;
}

/**
 * DATE: a calendar date as the JS string `"YYYY-MM-DD"` (never a JS Date: a date has no time zone).
 * Valid: real dates (proleptic Gregorian, leap years checked) from 0001-01-01 to 9999-12-31, and
 * PostgreSQL's `"infinity"` / `"-infinity"` (so every value a column can hold in that range reads and
 * writes back; drivers hand those as JS Infinity). ISO strings compare in date order.
 *
 * Reading: text is taken as is; a JS Date (node-postgres: local midnight; PGlite: UTC midnight) gives
 * its UTC date when it falls on UTC midnight, else its local date, which is right for both.
 */
class DateType extends SqlType<string> {
  readonly name = "Date";
  readonly schema: z.ZodType<string> = z
    .string({ error: 'not a string (dates are "YYYY-MM-DD" strings)' })
    .refine((s) => dateProblem(s) === undefined, { error: (issue) => dateProblem(String(issue.input)) });

  override validate(value: unknown): boolean {
    return typeof value === "string" && dateProblem(value) === undefined;
  }

  override fromDriver(value: unknown): string {
    if (typeof value === "string") return value;
    if (value === Number.POSITIVE_INFINITY) return "infinity";
    if (value === Number.NEGATIVE_INFINITY) return "-infinity";
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) {
        throw new RangeError("Date: the driver returned an Invalid Date (a date outside what it can parse)");
      }
      const utcMidnight =
        value.getUTCHours() === 0 &&
        value.getUTCMinutes() === 0 &&
        value.getUTCSeconds() === 0 &&
        value.getUTCMilliseconds() === 0;
      return utcMidnight
        ? formatDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate())
        : formatDate(value.getFullYear(), value.getMonth() + 1, value.getDate());
    }
    throw new TypeError(`Date: cannot read ${typeof value} ${String(value)} from the driver as a date`);
  }

  ddl(): string {
    return "DATE";
  }
}

// ---------------------------------------------------------------------------------------------- TIME

/** HH:MM:SS[.ffffff] up to 24:00:00 (group 1: the fraction). */
const clock = String.raw`(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.(\d{1,6}))?|24:00:00(?:\.0{1,6})?)`;
const timePattern = new RegExp(`^${clock}$`);
const timeTzPattern = new RegExp(String.raw`^${clock}[+-](?:0\d|1[0-5])(?::[0-5]\d(?::[0-5]\d)?)?$`);

interface TimeOptions {
  /** TIME WITH TIME ZONE: values carry a UTC offset. Default false. */
  timezone?: boolean;
  /** Fractional second digits kept (0-6): TIME(p). Values with more are refused (they would be rounded). */
  precision?: number;
}

/**
 * TIME / TIME WITH TIME ZONE as the JS string `"HH:MM:SS[.ffffff]"` (with a time zone, followed by the
 * offset `+HH[:MM[:SS]]`, up to +-15:59:59). `24:00:00` is valid, as in PostgreSQL. Values read back in
 * PostgreSQL's form: trailing fraction zeros and `:00` offset minutes dropped (`12:00:00.500+05:00` ->
 * `12:00:00.5+05`).
 */
class TimeType extends SqlType<string> {
  readonly name = "Time";
  readonly schema: z.ZodType<string>;
  readonly timezone: boolean;
  readonly precision: number | undefined;
  private readonly pattern: RegExp;
  private readonly sqlName: string;

  constructor(options: TimeOptions = {}) {
    super();
    checkPrecision("Time", options.precision);
    this.timezone = options.timezone === true;
    this.precision = options.precision;
    this.pattern = this.timezone ? timeTzPattern : timePattern;
    const base = this.precision === undefined ? "TIME" : `TIME(${this.precision})`;
    this.sqlName = this.timezone ? `${base} WITH TIME ZONE` : base;
    this.schema = z
      .string({ error: 'not a string (times are "HH:MM:SS" strings)' })
      .refine((s) => this.problem(s) === undefined, { error: (issue) => this.problem(String(issue.input)) });
  }

  override validate(value: unknown): boolean {
    return typeof value === "string" && this.problem(value) === undefined;
  }

  override fromDriver(value: unknown): string {
    if (typeof value === "string") return value;
    throw new TypeError(`Time: cannot read ${typeof value} ${String(value)} from the driver as a time`);
  }

  ddl(): string {
    return this.sqlName;
  }

  private problem(s: string): string | undefined {
    const match = this.pattern.exec(s);
    if (match === null) {
      return this.timezone
        ? `${JSON.stringify(s)} is not a time with offset in the form HH:MM:SS[.ffffff]+HH[:MM]`
        : `${JSON.stringify(s)} is not a time in the form HH:MM:SS[.ffffff]`;
    }
    if (this.precision !== undefined && significantDigits(match[1]) > this.precision) {
      return `${s}: more than ${this.precision} fractional second digit(s) for ${this.sqlName}`;
    }
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ DATETIME

/** 0001-01-01T00:00:00.000Z (Date.UTC maps years 0-99 to 1900-1999, so set the year explicitly). */
const minTime = new Date(0).setUTCFullYear(1, 0, 1);
const maxTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const timestampPattern =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

interface DateTimeOptions {
  /** TIMESTAMP WITH TIME ZONE (an instant). Default false: TIMESTAMP WITHOUT TIME ZONE, read and written as UTC. */
  timezone?: boolean;
  /** Fractional second digits kept (0-6): TIMESTAMP(p). With p < 3, Dates with finer milliseconds are refused. */
  precision?: number;
}

/**
 * TIMESTAMP [WITH | WITHOUT] TIME ZONE as a JS Date (valid, 0001-01-01 to 9999-12-31 UTC).
 *
 * - `timezone: true`: sent as an ISO-8601 instant with `Z`; PostgreSQL keeps the instant.
 * - `timezone: false` (default): naive timestamps are read and written as UTC. The Date's UTC
 *   wall-clock time is sent without offset, and a naive value read as text is taken as UTC. A driver
 *   that parses naive timestamps itself (node-postgres, PGlite) builds a Date in the process's local
 *   time zone; its local wall-clock time is taken back as UTC, which is exact when the process runs
 *   in UTC and exact elsewhere except for wall-clock times inside a local DST gap, which the driver
 *   has already moved: register a text parser for OID 1114 to avoid that.
 * - JS Dates hold milliseconds: microseconds read from the database are truncated (not rounded).
 * - `infinity` / `-infinity` cannot be a JS Date: reading them throws a RangeError (use a TypeDecorator
 *   over DateTime if a column holds them).
 */
class DateTimeType extends SqlType<Date> {
  readonly name = "DateTime";
  readonly schema: z.ZodType<Date>;
  readonly timezone: boolean;
  readonly precision: number | undefined;
  private readonly sqlName: string;
  /** Milliseconds step the precision allows (1 unless precision < 3). */
  private readonly step: number;

  constructor(options: DateTimeOptions = {}) {
    super();
    checkPrecision("DateTime", options.precision);
    this.timezone = options.timezone === true;
    this.precision = options.precision;
    this.step = this.precision !== undefined && this.precision < 3 ? 10 ** (3 - this.precision) : 1;
    const base = this.precision === undefined ? "TIMESTAMP" : `TIMESTAMP(${this.precision})`;
    this.sqlName = `${base} ${this.timezone ? "WITH" : "WITHOUT"} TIME ZONE`;
    this.schema = z
      .date({ error: (issue) => (issue.input instanceof Date ? "an Invalid Date" : "not a JS Date") })
      .refine((date) => this.problem(date) === undefined, { error: (issue) => this.problem(issue.input) });
  }

  override validate(value: unknown): boolean {
    return value instanceof Date && this.problem(value) === undefined;
  }

  override toDriver(value: Date): unknown {
    const iso = value.toISOString();
    return this.timezone ? iso : iso.slice(0, -1);
  }

  override fromDriver(value: unknown): Date {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) {
        throw new RangeError("DateTime: the driver returned an Invalid Date (a timestamp it cannot parse)");
      }
      if (this.timezone) return value;
      const utc = new Date(0);
      utc.setUTCFullYear(value.getFullYear(), value.getMonth(), value.getDate());
      utc.setUTCHours(value.getHours(), value.getMinutes(), value.getSeconds(), value.getMilliseconds());
      return utc;
    }
    if (typeof value === "string") return parseTimestamp(value);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        throw new RangeError(`DateTime: ${value > 0 ? "" : "-"}infinity cannot be represented as a JS Date`);
      }
      return new Date(value);
    }
    throw new TypeError(
      `DateTime: cannot read ${typeof value} ${String(value)} from the driver as a timestamp`,
    );
  }

  ddl(): string {
    return this.sqlName;
  }

  private problem(input: unknown): string | undefined {
    if (!(input instanceof Date)) return "not a JS Date";
    const time = input.getTime();
    if (Number.isNaN(time)) return "an Invalid Date";
    if (time < minTime || time > maxTime)
      return `${input.toISOString()} is outside 0001-01-01 to 9999-12-31 (UTC)`;
    if (this.step !== 1 && input.getUTCMilliseconds() % this.step !== 0) {
      return `${input.toISOString()} has more than ${this.precision} fractional second digit(s) for ${this.sqlName}`;
    }
    return undefined;
  }
}

/** PostgreSQL's ISO text output (`2024-01-02 03:04:05.123456+05:30`, `... BC`); no offset means UTC. */
function parseTimestamp(text: string): Date {
  if (text === "infinity" || text === "-infinity") {
    throw new RangeError(`DateTime: ${text} cannot be represented as a JS Date`);
  }
  const m = timestampPattern.exec(text);
  if (m === null) throw new TypeError(`DateTime: ${JSON.stringify(text)} is not an ISO timestamp`);
  const year = Number(m[1]);
  const date = new Date(0);
  date.setUTCFullYear(m[13] === undefined ? year : 1 - year, Number(m[2]) - 1, Number(m[3]));
  const milliseconds = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  date.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), milliseconds);
  if (m[9] !== undefined) {
    const offsetSeconds = Number(m[10]) * 3600 + Number(m[11] ?? 0) * 60 + Number(m[12] ?? 0);
    date.setTime(date.getTime() - (m[9] === "-" ? -offsetSeconds : offsetSeconds) * 1000);
  }
  return date;
}

// ------------------------------------------------------------------------------------------ INTERVAL

/**
 * A PostgreSQL interval exactly as stored: months, days and microseconds are independent (a month is
 * not a fixed number of days, nor a day of hours across DST), so no single number or normalised
 * duration can round-trip it. Make one with `makeInterval`.
 */
export interface IntervalValue {
  readonly months: number;
  readonly days: number;
  readonly microseconds: number;
}

const int32Min = -(2 ** 31);
const int32Max = 2 ** 31 - 1;
const intervalKeys: ReadonlySet<string> = new Set(["months", "days", "microseconds"]);

function isInt32(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= int32Min && value <= int32Max;
}

/**
 * INTERVAL as `{ months, days, microseconds }` (PostgreSQL's own representation, so every value
 * round-trips exactly): months and days are 32-bit integers, microseconds a safe integer (|us| <=
 * 2^53 - 1, about 285 years of hours; PostgreSQL allows more, and reading such a value throws a
 * RangeError). Exactly those three keys. Values read back are frozen.
 *
 * Sent as PostgreSQL interval text with a sign on every field (`+1 mons -3 days -04:05:06.000001`), which
 * reads the same under every IntervalStyle. Read from node-postgres's PostgresInterval objects and from
 * text in the postgres, postgres_verbose and iso_8601 IntervalStyles (PGlite, postgres.js).
 */
class IntervalType extends SqlType<IntervalValue> {
  readonly name = "Interval";
  readonly schema: z.ZodType<IntervalValue> = z.strictObject(
    {
      months: z.int32({ error: "months must be a 32-bit integer" }),
      days: z.int32({ error: "days must be a 32-bit integer" }),
      microseconds: z.int({ error: "microseconds must be a safe integer" }),
    },
    { error: "not an interval object { months, days, microseconds }" },
  );

  override validate(value: unknown): boolean {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    for (const key in value) if (!intervalKeys.has(key)) return false;
    const { months, days, microseconds } = value as Partial<Record<string, unknown>>;
    return (
      isInt32(months) &&
      isInt32(days) &&
      typeof microseconds === "number" &&
      Number.isSafeInteger(microseconds)
    );
  }

  override toDriver(value: IntervalValue): unknown {
    return formatInterval(value);
  }

  override fromDriver(value: unknown): IntervalValue {
    if (typeof value === "string") return parseInterval(value);
    if (typeof value === "object" && value !== null) return fromIntervalObject(value);
    throw new TypeError(
      `Interval: cannot read ${typeof value} ${String(value)} from the driver as an interval`,
    );
  }

  ddl(): string {
    return "INTERVAL";
  }
}

function signed(value: number): string {
  return value < 0 ? String(value) : `+${value}`;
}

/** PostgreSQL interval input that means the same under every IntervalStyle. */
function formatInterval(value: IntervalValue): string {
  const negative = value.microseconds < 0;
  let rest = Math.abs(value.microseconds);
  const fraction = rest % 1_000_000;
  rest = (rest - fraction) / 1_000_000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  const time = `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(fraction, 6)}`;
  return `${signed(value.months)} mons ${signed(value.days)} days ${negative ? "-" : "+"}${time}`;
}

function checkedInterval(months: number, days: number, microseconds: number, source: string): IntervalValue {
  if (!isInt32(months) || !isInt32(days)) throw new RangeError(`Interval: ${source} is out of range`);
  if (!Number.isSafeInteger(microseconds)) {
    throw new RangeError(
      `Interval: ${source} has a time part beyond 2^53 microseconds (about 285 years), which a JS number cannot hold exactly`,
    );
  }
  // Normalise -0 so equal intervals compare equal.
  return Object.freeze({ months: months + 0, days: days + 0, microseconds: microseconds + 0 });
}

/** Exact microseconds of a decimal seconds string ("-6.000001" -> -6000001); undefined if not one. */
function secondsToMicroseconds(text: string): number | undefined {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return undefined;
  const micros = Number(m[2]) * 1_000_000 + Number((m[3] ?? "").slice(0, 6).padEnd(6, "0"));
  return m[1] === "-" ? -micros : micros;
}

const intervalUnits: Readonly<
  Record<string, readonly [field: "months" | "days" | "microseconds", factor: number]>
> = {
  millennium: ["months", 12000],
  millenniums: ["months", 12000],
  century: ["months", 1200],
  centuries: ["months", 1200],
  decade: ["months", 120],
  decades: ["months", 120],
  year: ["months", 12],
  years: ["months", 12],
  mon: ["months", 1],
  mons: ["months", 1],
  month: ["months", 1],
  months: ["months", 1],
  week: ["days", 7],
  weeks: ["days", 7],
  day: ["days", 1],
  days: ["days", 1],
  hour: ["microseconds", 3_600_000_000],
  hours: ["microseconds", 3_600_000_000],
  min: ["microseconds", 60_000_000],
  mins: ["microseconds", 60_000_000],
  minute: ["microseconds", 60_000_000],
  minutes: ["microseconds", 60_000_000],
  sec: ["microseconds", 1_000_000],
  secs: ["microseconds", 1_000_000],
  second: ["microseconds", 1_000_000],
  seconds: ["microseconds", 1_000_000],
  msec: ["microseconds", 1000],
  msecs: ["microseconds", 1000],
  millisecond: ["microseconds", 1000],
  milliseconds: ["microseconds", 1000],
  usec: ["microseconds", 1],
  usecs: ["microseconds", 1],
  microsecond: ["microseconds", 1],
  microseconds: ["microseconds", 1],
};

const clockPattern = /^([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;
const isoIntervalPattern =
  /^P(?:([+-]?\d+)Y)?(?:([+-]?\d+)M)?(?:([+-]?\d+)W)?(?:([+-]?\d+)D)?(?:T(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?\d+(?:\.\d+)?)S)?)?$/;

/** Interval text in the postgres (`-1 mons +3 days -04:05:06`), postgres_verbose or iso_8601 style. */
function parseInterval(text: string): IntervalValue {
  const fail = (): never => {
    throw new TypeError(
      `Interval: cannot read ${JSON.stringify(text)} (IntervalStyle must be postgres, postgres_verbose or iso_8601)`,
    );
  };
  if (text.startsWith("P")) {
    const m = isoIntervalPattern.exec(text);
    if (m === null || text === "P" || text.endsWith("T")) return fail();
    const n = (i: number): number => Number(m[i] ?? 0);
    const seconds = m[7] === undefined ? 0 : (secondsToMicroseconds(m[7]) ?? fail());
    return checkedInterval(
      n(1) * 12 + n(2),
      n(3) * 7 + n(4),
      n(5) * 3_600_000_000 + n(6) * 60_000_000 + seconds,
      JSON.stringify(text),
    );
  }
  if (text === "@ 0") return checkedInterval(0, 0, 0, text); // postgres_verbose's zero
  const tokens = text.trim().split(/\s+/);
  let start = 0;
  let end = tokens.length;
  if (tokens[0] === "@") start = 1;
  const ago = tokens[end - 1] === "ago";
  if (ago) end--;
  let months = 0;
  let days = 0;
  let microseconds = 0;
  for (let i = start; i < end; i++) {
    const token = tokens[i]!;
    const clock = clockPattern.exec(token);
    if (clock !== null) {
      const seconds = clock[4] === undefined ? 0 : (secondsToMicroseconds(clock[4]) ?? fail());
      const micros = Number(clock[2]) * 3_600_000_000 + Number(clock[3]) * 60_000_000 + seconds;
      microseconds += clock[1] === "-" ? -micros : micros;
      continue;
    }
    const unit = intervalUnits[tokens[i + 1] ?? ""];
    if (unit === undefined) return fail();
    i++;
    const [field, factor] = unit;
    if (field === "microseconds") {
      const micros = secondsToMicroseconds(token) ?? fail();
      // micros is the amount times 10^6 exactly; scale to the unit without leaving integers.
      microseconds +=
        factor >= 1_000_000 ? micros * (factor / 1_000_000) : Math.trunc((micros * factor) / 1_000_000);
    } else {
      if (!/^[+-]?\d+$/.test(token)) return fail();
      if (field === "months") months += Number(token) * factor;
      else days += Number(token) * factor;
    }
  }
  if (start >= end) return fail();
  return ago
    ? checkedInterval(-months, -days, -microseconds, JSON.stringify(text))
    : checkedInterval(months, days, microseconds, JSON.stringify(text));
}

/** node-postgres's PostgresInterval (fields absent when zero), or an IntervalValue itself. */
function fromIntervalObject(value: object): IntervalValue {
  const field = (key: string): number => {
    const raw: unknown = Reflect.get(value, key);
    if (raw === undefined) return 0;
    if (typeof raw !== "number" || !Number.isFinite(raw)) {
      throw new TypeError(`Interval: the driver's interval has a non-numeric ${key}: ${String(raw)}`);
    }
    return raw;
  };
  if ("microseconds" in value && !("hours" in value)) {
    return checkedInterval(field("months"), field("days"), field("microseconds"), "the driver's interval");
  }
  return checkedInterval(
    field("years") * 12 + field("months"),
    field("days"),
    field("hours") * 3_600_000_000 +
      field("minutes") * 60_000_000 +
      field("seconds") * 1_000_000 +
      Math.round(field("milliseconds") * 1000),
    "the driver's interval",
  );
}

/** Parts of an interval, any sign; `seconds` and `milliseconds` may have fractions (to the microsecond). */
export interface IntervalParts {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
  microseconds?: number;
}

/**
 * An IntervalValue from parts, as PostgreSQL's make_interval adds them: years and months into months,
 * weeks and days into days, the rest into microseconds (`makeInterval({ days: 1, hours: -2 })`).
 */
export function makeInterval(parts: IntervalParts): IntervalValue {
  const whole = (key: keyof IntervalParts): number => {
    const value = parts[key] ?? 0;
    if (!Number.isInteger(value))
      throw new ArgumentError(`makeInterval: ${key} must be an integer, got ${value}`);
    return value;
  };
  const fractional = (key: keyof IntervalParts, scale: number): number => {
    const value = parts[key] ?? 0;
    if (!Number.isFinite(value)) throw new ArgumentError(`makeInterval: ${key} must be finite, got ${value}`);
    return Math.round(value * scale);
  };
  const months = whole("years") * 12 + whole("months");
  const days = whole("weeks") * 7 + whole("days");
  const microseconds =
    whole("hours") * 3_600_000_000 +
    whole("minutes") * 60_000_000 +
    fractional("seconds", 1_000_000) +
    fractional("milliseconds", 1000) +
    whole("microseconds");
  try {
    return checkedInterval(months, days, microseconds, "makeInterval");
  } catch (error) {
    throw new ArgumentError(error instanceof Error ? error.message : String(error));
  }
}

// ------------------------------------------------------------------------------------------ factories

const date = new DateType();
const time = new TimeType();
const timeTz = new TimeType({ timezone: true });
const timestamp = new DateTimeType();
const timestampTz = new DateTimeType({ timezone: true });
const interval = new IntervalType();

// Exported as Date (SQLAlchemy's name) without shadowing the global inside this module.
const dateFactory = (): DateType => date;

export { dateFactory as Date };
export const Time = (options?: TimeOptions): TimeType =>
  options?.precision !== undefined ? new TimeType(options) : options?.timezone === true ? timeTz : time;
export const DateTime = (options?: DateTimeOptions): DateTimeType =>
  options?.precision !== undefined
    ? new DateTimeType(options)
    : options?.timezone === true
      ? timestampTz
      : timestamp;
export const Interval = (): IntervalType => interval;
export type { DateTimeOptions, DateTimeType, DateType, IntervalType, TimeOptions, TimeType };
