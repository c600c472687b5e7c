import type { ResultColumn } from "../sql/executable.ts";
import { type Result, resultOfValues } from "./result.ts";

/**
 * The rows of a Result, read once and kept: call it for a new Result of them, as often as needed
 * (SQLAlchemy's FrozenResult, used to cache results). The values are converted JS values already.
 */
export interface FrozenResult<Tuple extends unknown[], Names extends object> {
  (): Result<Tuple, Names>;
  /** The rows' values. */
  readonly data: readonly Readonly<Tuple>[];
  /** A FrozenResult of the same columns with other rows (JS values, as `data` holds). */
  withNewRows(rows: readonly Readonly<Tuple>[]): FrozenResult<Tuple, Names>;
}

export function frozenResult<Tuple extends unknown[], Names extends object>(
  columns: readonly ResultColumn[],
  rows: readonly Readonly<Tuple>[],
  rowcount: number | undefined,
): FrozenResult<Tuple, Names> {
  // Frozen copies: a caller changing a row it was given must not change later Results.
  const data = Object.freeze(rows.map((row) => Object.freeze([...row]) as unknown as Readonly<Tuple>));
  const frozen = (): Result<Tuple, Names> => resultOfValues<Tuple, Names>(columns, data, rowcount);
  return Object.assign(frozen, {
    data,
    withNewRows: (newRows: readonly Readonly<Tuple>[]) =>
      frozenResult<Tuple, Names>(columns, newRows, rowcount),
  });
}
