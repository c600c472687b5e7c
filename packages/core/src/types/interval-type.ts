import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { pad } from "./datetime-types.ts";
import { SqlType } from "./sql-type.ts";

/*
 * INTERVAL as PostgreSQL stores it: months, days and microseconds, so every value round-trips.
 * Text is read in the default IntervalStyle (postgres; postgres_verbose and iso_8601 too, not
 * sql_standard).
 */

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

const interval = new IntervalType();
export const Interval = (): IntervalType => interval;
export type { IntervalType };
