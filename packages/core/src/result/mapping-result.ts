import type { BufferedCursor } from "./buffered-cursor.ts";
import { FilterResult, type ItemMaker, UniqueFilter } from "./filter-result.ts";

/**
 * Rows as read-only plain objects of values by name: `Result.mappings()`. With duplicate names the
 * first column of a name wins. Reads consume the Result it came from (they share the rows).
 */
export class MappingResult<M extends object> extends FilterResult<Readonly<M>> {
  readonly #keys: readonly string[];

  constructor(
    cursor: BufferedCursor,
    makeItem: ItemMaker<Readonly<M>>,
    keys: readonly string[],
    uniqueFilter?: UniqueFilter,
  ) {
    super(cursor, makeItem, uniqueFilter);
    this.#keys = keys;
  }

  /** The column names, in order (duplicates included). */
  keys(): string[] {
    return [...this.#keys];
  }

  /** The next mapping, or null when exhausted (the result stays open). */
  fetchone(): Readonly<M> | null {
    return this.fetchOneItem();
  }

  /** A MappingResult that skips mappings equal by value (or by `keyFn`) to one already returned. */
  unique(keyFn?: (mapping: Readonly<M>) => unknown): MappingResult<M> {
    return new MappingResult(this.cursor, this.makeItem, this.#keys, new UniqueFilter(keyFn));
  }
}
