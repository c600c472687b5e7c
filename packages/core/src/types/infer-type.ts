import { ARRAY, type ArrayDimensions } from "./array-type.ts";
import { LargeBinary } from "./binary-type.ts";
import { Boolean as booleanType } from "./boolean-type.ts";
import { DateTime } from "./datetime-types.ts";
import { Float } from "./float-type.ts";
import { BigInteger, Integer } from "./integer-types.ts";
import { isPlainObject, JSONB } from "./json-types.ts";
import { nullType } from "./null-type.ts";
import type { SqlType } from "./sql-type.ts";
import { String as stringType } from "./string-types.ts";

const int32Max = 2 ** 31 - 1;

/**
 * The SQL type a literal JS value binds as when nothing else gives it one: numbers INTEGER (int32
 * integers) or DOUBLE PRECISION, bigints BIGINT, strings VARCHAR, booleans BOOLEAN, Dates TIMESTAMP WITH
 * TIME ZONE, Uint8Arrays (and Buffers) BYTEA, plain objects JSONB, arrays an ARRAY (see
 * inferArrayType); anything else (null, undefined, class instances) the untyped NullType, which refuses
 * to bind what it cannot send faithfully (untypedValueProblem).
 */
export function inferType(value: unknown): SqlType<unknown> {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) && Math.abs(value) <= int32Max ? Integer() : Float();
    case "bigint":
      return BigInteger();
    case "string":
      return stringType();
    case "boolean":
      return booleanType();
    case "object":
      if (value === null) return nullType;
      if (Array.isArray(value)) return inferArrayType(value);
      if (value instanceof Date) return DateTime({ timezone: true });
      if (value instanceof Uint8Array) return LargeBinary();
      if (isPlainObject(value)) return JSONB();
      return nullType;
    default:
      return nullType;
  }
}

/**
 * An array's type: as many dimensions as the first non-null elements nest arrays, items of the first
 * non-null leaf's type (NullType when there is none). Numbers look at every leaf: DOUBLE PRECISION as
 * soon as one is not an int32 integer, so `[1, 2.5]` is a DOUBLE PRECISION[].
 */
function inferArrayType(value: readonly unknown[]): SqlType<unknown> {
  let dimensions = 1;
  let level: readonly unknown[] = value;
  for (;;) {
    const first = level.find((element) => element !== null && element !== undefined);
    if (!Array.isArray(first) || dimensions === 6) break;
    dimensions++;
    level = first;
  }
  const leaf = firstLeaf(value, dimensions);
  let item = inferType(leaf);
  if (item === Integer() && !everyLeaf(value, dimensions, isInt32)) item = Float();
  return ARRAY(item, { dimensions: dimensions as ArrayDimensions });
}

function firstLeaf(value: readonly unknown[], depth: number): unknown {
  for (const element of value) {
    if (element === null || element === undefined) continue;
    if (depth === 1) return element;
    if (Array.isArray(element)) {
      const leaf = firstLeaf(element, depth - 1);
      if (leaf !== undefined) return leaf;
    }
  }
  return undefined;
}

function everyLeaf(value: readonly unknown[], depth: number, test: (leaf: unknown) => boolean): boolean {
  for (const element of value) {
    if (element === null || element === undefined) continue;
    if (depth === 1 || !Array.isArray(element)) {
      if (!test(element)) return false;
    } else if (!everyLeaf(element, depth - 1, test)) return false;
  }
  return true;
}

function isInt32(value: unknown): boolean {
  return typeof value !== "number" || (Number.isInteger(value) && Math.abs(value) <= int32Max);
}
