import { FilterResult, UniqueFilter } from "./filter-result.ts";

/**
 * One column of each row, as plain values: `Result.scalars()`. Reads consume the Result it came
 * from (they share the rows). No `fetchone()`, as in SQLAlchemy: its null would not tell "no row"
 * from "a null value"; use `first()`, `fetchmany(1)` or iteration.
 */
export class ScalarResult<T> extends FilterResult<T> {
  /**
   * A ScalarResult that skips values equal to one already returned (or whose `keyFn` key is), by
   * value: see uniqueKey. Shares the rows with this one.
   */
  unique(keyFn?: (value: T) => unknown): ScalarResult<T> {
    return new ScalarResult(this.cursor, this.makeItem, new UniqueFilter(keyFn));
  }
}
