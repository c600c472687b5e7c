import { ArgumentError, MultipleResultsFound, NoResultFound, ResourceClosedError } from "../errors.ts";
import { columnPosition } from "../result/column-position.ts";
import { UniqueFilter } from "../result/filter-result.ts";
import { type FrozenResult, frozenResult } from "../result/frozen-result.ts";
import type { ColumnKey, ColumnsNames, ColumnsTuple, Result } from "../result/result.ts";
import { type Row, type RowShape, rowShape } from "../result/row.ts";
import { op } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import type { ResultColumn } from "../sql/executable.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { Connection } from "./connection.ts";
import type { DriverCursor } from "./driver.ts";

import {
  END,
  type End,
  type MergedPart,
  MergedSource,
  type RowSource,
  StreamState,
} from "./stream-sources.ts";
/** The row type of a Result type. */
export type RowOfResult<R> = R extends Result<infer Tuple, infer Names> ? Row<Tuple, Names> : Row;
/** The value tuple of a Result type. */
export type TupleOfResult<R> = R extends Result<infer Tuple, object> ? Tuple : unknown[];
/** The values-by-name object of a Result type. */
export type NamesOfResult<R> = R extends Result<unknown[], infer Names> ? Names : Record<string, unknown>;

function checkSize(size: number, zeroAllowed: boolean): void {
  if (!Number.isInteger(size) || size < (zeroAllowed ? 0 : 1)) {
    throw new ArgumentError(`size must be an integer of at least ${zeroAllowed ? 0 : 1}, got ${size}`);
  }
}

/**
 * Items read from a server-side cursor, `batchSize` rows per round trip. Reads are ops:
 * `const rows = yield* result.fetchmany(100)`. Reading past the end closes the cursor;
 * first()/one()/scalar()... close the result, like the buffered Result.
 */
export class StreamView<Item> {
  protected readonly state: RowSource;
  /** Makes an item from a row of the source. */
  protected readonly make: (row: Row) => Item;
  protected readonly uniqueFilter: UniqueFilter | undefined;

  /** @internal */
  constructor(state: RowSource, make: (row: Row) => Item, unique?: UniqueFilter) {
    this.state = state;
    this.make = make;
    this.uniqueFilter = unique;
  }

  get closed(): boolean {
    return this.state.closed;
  }

  /** The next item, or null at the end. */
  fetchone(): Op<Item | null> {
    const view = this;
    return op(function* fetchone() {
      const item = yield* view.next();
      return item === END ? null : item;
    });
  }

  /**
   * Up to `size` items (default: the batch size, read when the op runs); an empty array at the end.
   * The size is checked now.
   */
  fetchmany(size?: number): Op<Item[]> {
    const view = this;
    if (size !== undefined) checkSize(size, true);
    return op(function* fetchmany() {
      // fetchmany(0) reads nothing, but a closed result still raises, as the buffered Result does.
      if (view.state.closed) throw new ResourceClosedError();
      const wanted = size ?? view.state.batchSize;
      const items: Item[] = [];
      while (items.length < wanted) {
        const item = yield* view.next();
        if (item === END) break;
        items.push(item);
      }
      return items;
    });
  }

  /** Every remaining item. */
  all(): Op<Item[]> {
    const view = this;
    return op(function* all() {
      const items: Item[] = [];
      for (let item = yield* view.next(); item !== END; item = yield* view.next()) items.push(item);
      return items;
    });
  }

  fetchall(): Op<Item[]> {
    return this.all();
  }

  /** The first item or null, closing the result. */
  first(): Op<Item | null> {
    const view = this;
    return op(function* first() {
      const item = yield* view.next();
      yield* view.state.close();
      return item === END ? null : item;
    });
  }

  /** Exactly one item (NoResultFound / MultipleResultsFound otherwise), closing the result. */
  one(): Op<Item> {
    const view = this;
    return op(function* one() {
      const item = yield* view.onlyItem(true);
      if (item === END) throw new NoResultFound();
      return item;
    });
  }

  /** One item or null (MultipleResultsFound for more), closing the result. */
  oneOrNone(): Op<Item | null> {
    const view = this;
    return op(function* oneOrNone() {
      const item = yield* view.onlyItem(false);
      return item === END ? null : item;
    });
  }

  /**
   * The next `size` items (default: the batch size), as long as there are any:
   * `for (let p; (p = yield* r.partition(100)).length;)`. The size is checked now, and must be at
   * least 1. (The asyncio facade turns this into `for await (const p of result.partitions(100))`.)
   */
  partition(size?: number): Op<Item[]> {
    if (size !== undefined) checkSize(size, false);
    return this.fetchmany(size);
  }

  close(): Op<void> {
    const view = this;
    return op(function* close() {
      yield* view.state.close();
    });
  }

  private *onlyItem(required: boolean): Generator<Instruction, Item | End, unknown> {
    const item = yield* this.next();
    if (item !== END && (yield* this.next()) !== END) {
      yield* this.state.close();
      // The same messages as the buffered Result's one() / oneOrNone().
      throw new MultipleResultsFound(
        required
          ? "Multiple rows were found when exactly one was required"
          : "Multiple rows were found when one or none was required",
      );
    }
    yield* this.state.close();
    return item;
  }

  /** @internal The next item through the unique filter, or END. */
  *next(): Generator<Instruction, Item | End, unknown> {
    const state = this.state;
    const unique = this.uniqueFilter;
    for (;;) {
      const row = yield* state.nextRow();
      if (row === END) return END;
      const item = this.make(row);
      if (unique === undefined || unique.admit(item)) return item;
    }
  }

  /** A view of the same stream that skips items equal by value (or by `keyFn`) to one already returned. */
  unique(keyFn?: (item: Item) => unknown): StreamView<Item> {
    return new StreamView(this.state, this.make, new UniqueFilter(keyFn));
  }
}

/** How a StreamingResult view is made from a stream: which of the rows' values it shows, and its filter. */
class ViewInit {
  readonly state: RowSource;
  /** The view's columns. */
  readonly columns: readonly ResultColumn[];
  /** Where each of the view's columns is in the source's rows; undefined when the rows are shown as they are. */
  readonly positions: readonly number[] | undefined;
  readonly unique: UniqueFilter | undefined;

  constructor(
    state: RowSource,
    columns: readonly ResultColumn[],
    positions: readonly number[] | undefined,
    unique: UniqueFilter | undefined,
  ) {
    this.state = state;
    this.columns = columns;
    this.positions = positions;
    this.unique = unique;
  }
}

/** Builds the view's row (of its own shape) from a source row; the source row itself when nothing changes. */
function projection(positions: readonly number[] | undefined, shape: RowShape): (row: Row) => Row {
  if (positions === undefined) return (row) => row;
  const RowClass = shape.RowClass;
  const width = positions.length;
  return (row) => {
    const projected = new RowClass(width);
    for (let i = 0; i < width; i++) projected[i] = row[positions[i]!];
    return projected as unknown as Row;
  };
}

type StreamArgs = [Connection, AdaptedConnection, DriverCursor, readonly ResultColumn[], number];

/**
 * Rows of a statement executed with `conn.stream()`: a StreamView of rows, with the views of the
 * buffered Result: `columns()`, `unique()`, `scalars()`, `mappings()` (all sharing the cursor), and
 * `merge()`, `freeze()`.
 */
export class StreamingResult<out R extends Result<unknown[], object> = Result> extends StreamView<
  RowOfResult<R>
> {
  readonly #columns: readonly ResultColumn[];
  readonly #positions: readonly number[] | undefined;
  readonly #shape: RowShape;

  /** @internal Connection.stream() makes these. */
  constructor(
    connection: Connection,
    dbapi: AdaptedConnection,
    cursor: DriverCursor,
    columns: readonly ResultColumn[],
    batchSize: number,
  );
  /** @internal A view of a stream (columns, unique, merge). */
  constructor(view: ViewInit);
  constructor(...args: StreamArgs | [ViewInit]) {
    const view = args.length === 1 ? args[0] : rootView(args);
    const shape = rowShape(view.columns.map((column) => column.name));
    super(view.state, projection(view.positions, shape) as (row: Row) => RowOfResult<R>, view.unique);
    this.#columns = view.columns;
    this.#positions = view.positions;
    this.#shape = shape;
    // The connection tracks the stream it opened by its first result object (by identity only, so
    // the row type does not matter there).
    if (args.length !== 1) (view.state as StreamState).owner = this as unknown as StreamingResult;
  }

  /** The column names, in order (duplicates included). */
  keys(): string[] {
    return [...this.#shape.names];
  }

  /** Rows per round trip from now on (the views of this stream share it). */
  yieldPer(size: number): this {
    checkSize(size, false);
    this.state.batchSize = size;
    return this;
  }

  /** A StreamingResult of the same stream that skips rows equal by value (or by `keyFn`'s key) to one already returned. */
  override unique(keyFn?: (row: RowOfResult<R>) => unknown): StreamingResult<R> {
    const unique = new UniqueFilter(keyFn);
    return new StreamingResult<R>(new ViewInit(this.state, this.#columns, this.#positions, unique));
  }

  /**
   * A StreamingResult of these columns only (by name or position), in this order, keeping their
   * names; shares the stream. A unique filter carries over, comparing the new rows by value.
   */
  columns<const Keys extends readonly ColumnKey<NamesOfResult<R>>[]>(
    ...keys: Keys
  ): StreamingResult<
    Result<ColumnsTuple<TupleOfResult<R>, NamesOfResult<R>, Keys>, ColumnsNames<NamesOfResult<R>, Keys>>
  > {
    const positions = keys.map((key) => this.#position(key));
    return new StreamingResult(
      new ViewInit(
        this.state,
        positions.map((position) => this.#columns[position]!),
        positions.map((position) => this.#sourceIndex(position)),
        this.#carriedUnique(),
      ),
    );
  }

  /** The values of one column (the first by default), by position or name; shares the stream. */
  scalars(): StreamView<TupleOfResult<R>[0]>;
  scalars<I extends number>(index: I): StreamView<TupleOfResult<R>[I]>;
  scalars<K extends keyof NamesOfResult<R> & string>(key: K): StreamView<NamesOfResult<R>[K]>;
  scalars(key: string | number = 0): StreamView<unknown> {
    const index = this.#sourceIndex(this.#position(key));
    return new StreamView<unknown>(this.state, (row) => row[index], this.#carriedUnique());
  }

  /** Each row as a read-only object of values by name (first column of a duplicate name wins); shares the stream. */
  mappings(): StreamView<RowOfResult<R>["_mapping"]> {
    const entries = this.#shape.entries.map(
      ([name, position]) => [name, this.#sourceIndex(position)] as const,
    );
    const makeMapping = (row: Row): Readonly<Record<string, unknown>> => {
      const mapping: Record<string, unknown> = {};
      for (const [name, index] of entries) {
        // Defined, not assigned: assigning `__proto__` would set the prototype instead of a key.
        if (name === "__proto__")
          Object.defineProperty(mapping, name, { value: row[index], enumerable: true });
        else mapping[name] = row[index];
      }
      return Object.freeze(mapping);
    };
    return new StreamView(
      this.state,
      makeMapping as (row: Row) => RowOfResult<R>["_mapping"],
      this.#carriedUnique(),
    );
  }

  /** The first column of the first row, or null when there is none; closes the result. */
  scalar(): Op<TupleOfResult<R>[0] | null> {
    const first = this.first();
    return op(function* scalar() {
      const row = yield* first;
      return row === null ? null : (row[0] as TupleOfResult<R>[0]);
    });
  }

  /** The first column of exactly one row, else NoResultFound / MultipleResultsFound; closes the result. */
  scalarOne(): Op<TupleOfResult<R>[0]> {
    return this.scalars().one();
  }

  /** The first column of one row, or null for no row, else MultipleResultsFound; closes the result. */
  scalarOneOrNone(): Op<TupleOfResult<R>[0] | null> {
    return this.scalars().oneOrNone();
  }

  /**
   * Reads the remaining rows (through the unique filter, if any) into a FrozenResult, which can be
   * called any number of times for new, equal buffered Results. The stream is then exhausted (its
   * cursor closed), not closed, as the buffered Result's freeze() leaves it.
   */
  freeze(): Op<FrozenResult<TupleOfResult<R>, NamesOfResult<R>>> {
    const all = this.all();
    const columns = this.#columns;
    return op(function* freeze() {
      const rows = yield* all;
      const data = rows.map((row) => row._tuple() as TupleOfResult<R>);
      return frozenResult<TupleOfResult<R>, NamesOfResult<R>>(columns, data, undefined);
    });
  }

  /**
   * One StreamingResult of this one's remaining rows, then each other's in turn (each must have as
   * many columns), with this one's names and unique filter; a source's own unique filter does not
   * apply. The sources are consumed through it; closing it closes them all. The sources may be on
   * different connections: reaching the end of each frees its own.
   */
  merge(...others: readonly StreamingResult<R>[]): StreamingResult<R> {
    const width = this.#columns.length;
    for (const other of others) {
      if (other.#columns.length !== width) {
        throw new ArgumentError(
          `cannot merge a result of ${other.#columns.length} columns into one of ${width}`,
        );
      }
    }
    const names = this.#shape.names.join("\u0000");
    const parts = [this, ...others].map((source): MergedPart => {
      const make = source.make as (row: Row) => Row;
      // Rows of another column layout get this one's names (a row class of this shape).
      if (source.#shape.names.join("\u0000") === names) return { source: source.state, make };
      const reshape = projection(
        this.#columns.map((_, index) => index),
        this.#shape,
      );
      return { source: source.state, make: (row) => reshape(make(row)) };
    });
    return new StreamingResult<R>(
      new ViewInit(new MergedSource(parts), this.#columns, undefined, this.uniqueFilter?.fresh()),
    );
  }

  /** @internal The connections it reads from: one, or several for a merged stream (the asyncio facade takes each one's turn). */
  get connections(): readonly Connection[] {
    return this.state.connections;
  }

  /** @internal Its transaction or connection ended: reads raise ResourceClosedError from now on. */
  detach(): void {
    if (this.state instanceof StreamState) this.state.detach();
  }

  /** @internal The connection is closing: close the cursor, quietly if the connection is already gone. */
  *closeOnConnectionClose(): Generator<Instruction, void, unknown> {
    try {
      yield* this.state.close();
    } catch {
      // The connection is being closed (and reset) anyway.
    }
  }

  /** The position among this view's columns of a name (its first column) or index. */
  #position(key: string | number): number {
    return columnPosition(key, this.#shape.names);
  }

  /** Where the view's column at `position` is in the source's rows. */
  #sourceIndex(position: number): number {
    return this.#positions === undefined ? position : this.#positions[position]!;
  }

  /** Views of a unique result are unique too, by value (a key function is for this view's items only). */
  #carriedUnique(): UniqueFilter | undefined {
    return this.uniqueFilter === undefined ? undefined : new UniqueFilter();
  }
}

/** The view of a new stream: its cursor's columns, as they are. */
function rootView([connection, dbapi, cursor, columns, batchSize]: StreamArgs): ViewInit {
  checkSize(batchSize, false);
  return new ViewInit(
    new StreamState(connection, dbapi, cursor, columns, batchSize),
    columns,
    undefined,
    undefined,
  );
}
