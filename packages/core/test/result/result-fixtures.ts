import { Result, type ResultOptions } from "../../src/result/result.ts";
import type { ResultColumn } from "../../src/sql/executable.ts";
import { BigInteger, Integer } from "../../src/types/integer-types.ts";
import { Text } from "../../src/types/string-types.ts";

/** id INTEGER, name TEXT: the shape most tests read. */
export const userColumns: readonly ResultColumn[] = [
  { name: "id", type: Integer() },
  { name: "name", type: Text() },
];

export type UserTuple = [number, string | null];
export interface UserNames {
  readonly id: number;
  readonly name: string | null;
}

/** A Result as a driver would give it: ids arrive as strings, so Integer's fromDriver is exercised. */
export function users(
  rows: readonly (readonly [string | number, string | null])[],
  options?: ResultOptions,
): Result<UserTuple, UserNames> {
  return new Result<UserTuple, UserNames>(userColumns, rows, options);
}

export const threeUsers = [
  ["1", "ann"],
  ["2", "bob"],
  ["3", null],
] as const;

export { BigInteger, Integer, Text };
