import { Boolean as booleanType } from "./boolean-type.ts";
import { Float } from "./float-type.ts";
import { BigInteger, Integer } from "./integer-types.ts";
import { nullType } from "./null-type.ts";
import type { SqlType } from "./sql-type.ts";
import { String as stringType } from "./string-types.ts";

/** The SQL type a literal JS value binds as when nothing else gives it one. */
export function inferType(value: unknown): SqlType<unknown> {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1 ? Integer() : Float();
    case "bigint":
      return BigInteger();
    case "string":
      return stringType();
    case "boolean":
      return booleanType();
    default:
      return nullType;
  }
}
