import { z } from "zod";
import { SqlType } from "./sql-type.ts";

/** INTEGER / SMALLINT: JS numbers that are safe integers within the column's range. */
class IntegerType extends SqlType<number> {
  readonly name: string;
  readonly schema: z.ZodType<number>;
  private readonly min: number;
  private readonly max: number;
  private readonly sqlName: string;

  constructor(name: string, sqlName: string, bits: 16 | 32 | 53) {
    super();
    this.name = name;
    this.sqlName = sqlName;
    this.max = bits === 53 ? Number.MAX_SAFE_INTEGER : 2 ** (bits - 1) - 1;
    this.min = bits === 53 ? Number.MIN_SAFE_INTEGER : -(2 ** (bits - 1));
    this.schema = z.int().min(this.min).max(this.max);
  }

  override validate(value: unknown): boolean {
    return typeof value === "number" && Number.isInteger(value) && value >= this.min && value <= this.max;
  }

  /** int8 results (count(*), sums) arrive as strings or bigints from some drivers. */
  override fromDriver(value: unknown): number {
    return typeof value === "number" ? value : Number(value);
  }

  ddl(): string {
    return this.sqlName;
  }
}

/** BIGINT as a JS bigint: no precision is ever lost. */
class BigIntegerType extends SqlType<bigint> {
  readonly name = "BigInteger";
  readonly schema = z
    .bigint()
    .min(-(2n ** 63n))
    .max(2n ** 63n - 1n);

  override validate(value: unknown): boolean {
    return typeof value === "bigint" && value >= -(2n ** 63n) && value <= 2n ** 63n - 1n;
  }

  override toDriver(value: bigint): unknown {
    return value.toString();
  }

  override fromDriver(value: unknown): bigint {
    return typeof value === "bigint" ? value : BigInt(value as string | number);
  }

  ddl(): string {
    return "BIGINT";
  }
}

const integer = new IntegerType("Integer", "INTEGER", 32);
const smallInteger = new IntegerType("SmallInteger", "SMALLINT", 16);
/** A BIGINT read and written as a JS number: safe integers only (LIMIT / OFFSET counts). */
const safeBigInteger = new IntegerType("SafeBigInteger", "BIGINT", 53);
const bigInteger = new BigIntegerType();

export const Integer = (): SqlType<number> => integer;
export const SmallInteger = (): SqlType<number> => smallInteger;
export const BigInteger = (): SqlType<bigint> => bigInteger;
export const SafeBigInteger = (): SqlType<number> => safeBigInteger;
export type { BigIntegerType, IntegerType };
