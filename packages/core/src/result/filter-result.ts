import { ArgumentError, MultipleResultsFound, NoResultFound } from "../errors.ts";
import type { BufferedCursor } from "./buffered-cursor.ts";
import { uniqueKey } from "./unique-key.ts";

/** Makes one item (row, scalar, mapping) from a raw row of the cursor. */
export type ItemMaker<Item> = (raw: readonly unknown[]) => Item;

/**
 * A `unique()` filter: the keys seen so far, and how an item's key is computed. Not generic: the
 * typed key function is taken by each result's `unique()`, and a generic filter here would make
 * the result classes invariant in their item type.
 */
export class UniqueFilter {
  readonly #seen = new Set<string>();
  readonly #keyFn: ((item: never) => unknown) | undefined;

  constructor(keyFn?: (item: never) => unknown) {
    this.#keyFn = keyFn;
  }

  /** True the first time an item of this key is offered. */
  admit(item: unknown): boolean {
    const key = uniqueKey(this.#keyFn === undefined ? item : this.#keyFn(item as never));
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }

  /** A filter with the same key function and nothing seen yet. */
  fresh(): UniqueFilter {
    return new UniqueFilter(this.#keyFn);
  }
}

/** Marks "no more items", since null is a valid scalar. */
const END: unique symbol = Symbol("athanor.end");
type End = typeof END;

function checkSize(size: number, zeroAllowed: boolean): void {
  if (!Number.isInteger(size) || size < (zeroAllowed ? 0 : 1)) {
    throw new ArgumentError(`size must be an integer of at least ${zeroAllowed ? 0 : 1}, got ${size}`);
  }
}

/**
 * What Result, ScalarResult and MappingResult share: reading items (rows, scalars, mappings) from a
 * buffered cursor through an optional unique filter, with SQLAlchemy's consume and close rules.
 */
export abstract class FilterResult<Item> {
  protected readonly cursor: BufferedCursor;
  protected readonly makeItem: ItemMaker<Item>;
  protected readonly uniqueFilter: UniqueFilter | undefined;

  constructor(cursor: BufferedCursor, makeItem: ItemMaker<Item>, uniqueFilter?: UniqueFilter) {
    this.cursor = cursor;
    this.makeItem = makeItem;
    this.uniqueFilter = uniqueFilter;
  }

  /** True once closed (explicitly, by first()/one()/scalar()..., or from the start if no rows are returned). */
  get closed(): boolean {
    return this.cursor.closed;
  }

  /** Releases the rows; later reads raise ResourceClosedError. Closes the views sharing the cursor too. */
  close(): void {
    this.cursor.close();
  }

  /** The next item, or END when the rows are exhausted (the result stays open). */
  protected nextItem(): Item | End {
    const cursor = this.cursor;
    cursor.checkOpen();
    const rows = cursor.rows;
    while (cursor.position < rows.length) {
      const item = this.makeItem(rows[cursor.position++]!);
      if (this.uniqueFilter === undefined || this.uniqueFilter.admit(item)) return item;
    }
    return END;
  }

  /** Up to `limit` next items. */
  protected take(limit: number): Item[] {
    const cursor = this.cursor;
    cursor.checkOpen();
    const rows = cursor.rows;
    const items: Item[] = [];
    const unique = this.uniqueFilter;
    let position = cursor.position;
    while (items.length < limit && position < rows.length) {
      const item = this.makeItem(rows[position++]!);
      if (unique === undefined || unique.admit(item)) items.push(item);
    }
    cursor.position = position;
    return items;
  }

  /** The next item or null; the result stays open when exhausted. */
  protected fetchOneItem(): Item | null {
    const item = this.nextItem();
    return item === END ? null : item;
  }

  /** The next `size` items (all remaining when omitted, as SQLAlchemy's buffered results do). */
  fetchmany(size?: number): Item[] {
    if (size !== undefined) checkSize(size, true);
    return this.take(size ?? Number.POSITIVE_INFINITY);
  }

  /** All remaining items. */
  fetchall(): Item[] {
    return this.take(Number.POSITIVE_INFINITY);
  }

  /** All remaining items; [] once exhausted, ResourceClosedError once closed. */
  all(): Item[] {
    return this.take(Number.POSITIVE_INFINITY);
  }

  /**
   * The remaining items in lists of up to `size` (all in one list when omitted); each list is read
   * when the iterator reaches it. The size is checked now, not at the first step.
   */
  partitions(size?: number): IterableIterator<Item[]> {
    if (size !== undefined) checkSize(size, false);
    return this.#partitions(size ?? Number.POSITIVE_INFINITY);
  }

  *#partitions(size: number): Generator<Item[], undefined, undefined> {
    for (;;) {
      const partition = this.take(size);
      if (partition.length === 0) return;
      yield partition;
    }
  }

  /** The first item or null; closes the result (the rest is discarded). */
  first(): Item | null {
    const item = this.nextItem();
    this.close();
    return item === END ? null : item;
  }

  /** Exactly one item, else NoResultFound / MultipleResultsFound; closes the result. */
  one(): Item {
    return this.onlyOne(true) as Item;
  }

  /** One item or null, else MultipleResultsFound; closes the result. */
  oneOrNone(): Item | null {
    return this.onlyOne(false);
  }

  private onlyOne(required: boolean): Item | null {
    const item = this.nextItem();
    if (item === END) {
      this.close();
      if (required) throw new NoResultFound();
      return null;
    }
    const second = this.nextItem();
    this.close();
    if (second !== END) {
      throw new MultipleResultsFound(
        required
          ? "Multiple rows were found when exactly one was required"
          : "Multiple rows were found when one or none was required",
      );
    }
    return item;
  }

  /** Iterates the remaining items, consuming them (breaking out leaves the rest unread, still open). */
  [Symbol.iterator](): IterableIterator<Item> {
    const next = (): IteratorResult<Item, undefined> => {
      const item = this.nextItem();
      return item === END ? { done: true, value: undefined } : { done: false, value: item };
    };
    const iterator: IterableIterator<Item> = { next, [Symbol.iterator]: () => iterator };
    return iterator;
  }
}
