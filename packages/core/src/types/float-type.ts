import { z } from "zod";
import { SqlType } from "./sql-type.ts";

/** DOUBLE PRECISION (or REAL with precision <= 24): finite JS numbers, plus NaN and the infinities. */
class FloatType extends SqlType<number> {
  readonly name = "Float";
  readonly schema = z.number().or(z.nan());
  private readonly sqlName: string;

  constructor(precision?: number) {
    super();
    this.sqlName = precision !== undefined && precision <= 24 ? "REAL" : "DOUBLE PRECISION";
  }

  override validate(value: unknown): boolean {
    return typeof value === "number";
  }

  override fromDriver(value: unknown): number {
    return typeof value === "number" ? value : Number(value);
  }

  ddl(): string {
    return this.sqlName;
  }
}

const double = new FloatType();
export const Float = (precision?: number): SqlType<number> =>
  precision === undefined ? double : new FloatType(precision);
export type { FloatType };
