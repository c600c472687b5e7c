import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { SqlType } from "./sql-type.ts";

/** PostgreSQL's limits: NUMERIC(p) with p <= 1000; unconstrained, 131072 digits before the point, 16383 after. */
const maxPrecision = 1000;
const maxIntegerDigits = 131072;
const maxFractionDigits = 16383;

/** A decimal literal: optional sign, digits, optional fraction (`5.`, `.5` as PostgreSQL takes them). */
const decimalPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const specialValues: ReadonlySet<string> = new Set(["NaN", "Infinity", "-Infinity"]);

/**
 * NUMERIC / NUMERIC(p) / NUMERIC(p, s): exact decimals as JS strings, never floats.
 *
 * Accepted: a decimal literal (`-12.50`, `+1`, `.5`, `5.`; no exponent, no spaces) or one of `NaN`,
 * `Infinity`, `-Infinity` (PostgreSQL 14+; the infinities only in an unconstrained column). With a
 * precision, values the column would round or refuse are refused up front: more than `p - s` digits
 * before the point, or more than `s` significant (non-trailing-zero) digits after it.
 *
 * Read back in PostgreSQL's form: `+1` -> `1`, `007.5` -> `7.5`, `.5` -> `0.5`, and padded or cut to the
 * column's scale (`1.5` in NUMERIC(5, 2) -> `1.50`); an unconstrained column keeps the written scale.
 */
class NumericType extends SqlType<string> {
  readonly name = "Numeric";
  readonly schema: z.ZodType<string>;
  readonly precision: number | undefined;
  readonly scale: number | undefined;
  private readonly sqlName: string;

  constructor(precision?: number, scale?: number) {
    super();
    if (
      precision !== undefined &&
      (!Number.isInteger(precision) || precision < 1 || precision > maxPrecision)
    ) {
      throw new ArgumentError(
        `Numeric(precision): precision must be an integer from 1 to ${maxPrecision}, got ${precision}`,
      );
    }
    if (scale !== undefined) {
      if (precision === undefined)
        throw new ArgumentError("Numeric(precision, scale): a scale needs a precision");
      if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
        throw new ArgumentError(
          `Numeric(precision, scale): scale must be an integer from 0 to the precision (${precision}), got ${scale}`,
        );
      }
    }
    this.precision = precision;
    this.scale = precision === undefined ? undefined : (scale ?? 0);
    this.sqlName =
      precision === undefined
        ? "NUMERIC"
        : scale === undefined
          ? `NUMERIC(${precision})`
          : `NUMERIC(${precision}, ${scale})`;
    this.schema = z
      .string({ error: 'not a string (numerics are decimal strings, e.g. "12.50")' })
      .refine((s) => this.problem(s) === undefined, { error: (issue) => this.problem(String(issue.input)) });
  }

  override validate(value: unknown): boolean {
    return typeof value === "string" && this.problem(value) === undefined;
  }

  /** Numbers (drivers that parse numerics) come back in plain decimal notation. */
  override fromDriver(value: unknown): string {
    if (typeof value === "string") return value;
    if (typeof value === "number") return numberToDecimal(value);
    return String(value);
  }

  ddl(): string {
    return this.sqlName;
  }

  /** Why `s` is not a value of this column, or undefined when it is. */
  private problem(s: string): string | undefined {
    if (specialValues.has(s)) {
      return s === "NaN" || this.precision === undefined
        ? undefined
        : `${s} cannot be stored in ${this.sqlName} (only in an unconstrained NUMERIC)`;
    }
    if (!decimalPattern.test(s)) {
      return `${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)} is not a decimal literal (e.g. "-12.50"; no exponent)`;
    }
    const unsigned = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? s.slice(1) : s;
    const point = unsigned.indexOf(".");
    const integerPart = point === -1 ? unsigned : unsigned.slice(0, point);
    const fractionPart = point === -1 ? "" : unsigned.slice(point + 1);
    const integerDigits = integerPart.length - leadingZeros(integerPart);
    if (this.precision === undefined) {
      if (integerDigits > maxIntegerDigits)
        return `more than ${maxIntegerDigits} digits before the decimal point`;
      if (fractionPart.length > maxFractionDigits)
        return `more than ${maxFractionDigits} digits after the decimal point`;
      return undefined;
    }
    const scale = this.scale ?? 0;
    if (integerDigits > this.precision - scale) {
      return `more than ${this.precision - scale} digit(s) before the decimal point for ${this.sqlName}`;
    }
    if (fractionPart.length - trailingZeros(fractionPart) > scale) {
      return `more than ${scale} digit(s) after the decimal point for ${this.sqlName} (it would be rounded)`;
    }
    return undefined;
  }
}

function leadingZeros(digits: string): number {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(i) === 48) i++;
  return i;
}

function trailingZeros(digits: string): number {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(digits.length - 1 - i) === 48) i++;
  return i;
}

/** A JS number in plain decimal notation (no exponent): 1e21 -> "1000000000000000000000". */
function numberToDecimal(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  const text = String(value);
  const e = text.indexOf("e");
  if (e === -1) return text;
  const negative = text.startsWith("-");
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf(".");
  const digits = point === -1 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const pointAt = (point === -1 ? mantissa.length : point) + exponent;
  let result: string;
  if (pointAt <= 0) result = `0.${"0".repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) result = digits + "0".repeat(pointAt - digits.length);
  else result = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${result}` : result;
}

const unconstrained = new NumericType();

/** `Numeric` (unconstrained), `Numeric(10)` (= NUMERIC(10, 0)), `Numeric(10, 2)`. */
export const Numeric = (precision?: number, scale?: number): NumericType =>
  precision === undefined && scale === undefined ? unconstrained : new NumericType(precision, scale);
export type { NumericType };
