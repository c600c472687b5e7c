import { z } from "zod";
import { SqlType } from "./sql-type.ts";

/**
 * DOUBLE PRECISION, or REAL for precision <= 24: JS numbers, NaN, the infinities and -0 included (the
 * dialects send -0 as the text "-0", since String(-0) is "0"). A REAL refuses finite values float4
 * cannot hold, too large or so small they would round to zero (PostgreSQL raises "out of range" for both).
 */
class FloatType extends SqlType<number> {
  readonly name: string;
  readonly schema: z.ZodType<number>;
  private readonly sqlName: string;
  private readonly real: boolean;

  constructor(precision?: number) {
    super();
    this.real = precision !== undefined && precision <= 24;
    this.name = "Float";
    this.sqlName = this.real ? "REAL" : "DOUBLE PRECISION";
    const fits = this.real ? fitsFloat4 : () => true;
    // zod's number() refuses the infinities; validate (and the driver) take them.
    this.schema = z.union([
      z.number().refine(fits, "out of range for REAL"),
      z.nan(),
      z.literal([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
    ]);
  }

  override validate(value: unknown): boolean {
    return typeof value === "number" && (!this.real || !Number.isFinite(value) || fitsFloat4(value));
  }

  override fromDriver(value: unknown): number {
    return typeof value === "number" ? value : Number(value);
  }

  ddl(): string {
    return this.sqlName;
  }
}

/** A finite number float4 holds: it neither overflows to infinity nor underflows to zero. */
function fitsFloat4(value: number): boolean {
  const single = Math.fround(value);
  return Number.isFinite(single) && (single !== 0 || value === 0);
}

const double = new FloatType();
export const Float = (precision?: number): SqlType<number> =>
  precision === undefined ? double : new FloatType(precision);
export type { FloatType };
