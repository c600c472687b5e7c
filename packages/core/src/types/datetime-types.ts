import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { SqlType } from "./sql-type.ts";

/*
 * Date and time values assume PostgreSQL's default DateStyle (ISO) for text. Interval is in
 * interval-type.ts.
 */

export function pad(value: number, width: number): string {
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

// ------------------------------------------------------------------------------------------ factories

const date = new DateType();
const time = new TimeType();
const timeTz = new TimeType({ timezone: true });
const timestamp = new DateTimeType();
const timestampTz = new DateTimeType({ timezone: true });

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
export type { DateTimeOptions, DateTimeType, DateType, TimeOptions, TimeType };
