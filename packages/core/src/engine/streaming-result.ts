import { ArgumentError, MultipleResultsFound, NoResultFound, ResourceClosedError } from "../errors.ts";
import { UniqueFilter } from "../result/filter-result.ts";
import { Result } from "../result/result.ts";
import type { Row } from "../result/row.ts";
import { op } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import type { ResultColumn } from "../sql/executable.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { Connection } from "./connection.ts";
import type { DriverCursor, DriverRows } from "./driver.ts";

/** The row type of a Result type. */
export type RowOfResult<R> = R extends Result<infer Tuple, infer Names> ? Row<Tuple, Names> : Row;

/** The cursor and the fetched-but-unread rows, shared by a streaming result and its views. */
class StreamState {
  readonly connection: Connection;
  readonly dbapi: AdaptedConnection;
  readonly cursor: DriverCursor;
  readonly columns: readonly ResultColumn[];
  batchSize: number;
  buffer: Row[] = [];
  position = 0;
  exhausted = false;
  closed = false;

  constructor(
    connection: Connection,
    dbapi: AdaptedConnection,
    cursor: DriverCursor,
    columns: readonly ResultColumn[],
    batchSize: number,
  ) {
    this.connection = connection;
    this.dbapi = dbapi;
    this.cursor = cursor;
    this.columns = columns;
    this.batchSize = batchSize;
  }

  /** Fills the buffer with the next batch; false when the cursor has no more rows. */
  *fill(): Generator<Instruction, boolean, unknown> {
    if (this.closed) throw new ResourceClosedError();
    if (this.position < this.buffer.length) return true;
    if (this.exhausted) return false;
    let raw: DriverRows;
    try {
      raw = yield* this.connection.guard(this.dbapi.fetch(this.cursor, this.batchSize), undefined);
    } catch (error) {
      // A failed fetch ends the stream (its transaction is aborted, or its connection gone).
      this.detach();
      throw error;
    }
    this.buffer = new Result(this.columns, raw).all() as Row[];
    this.position = 0;
    if (raw.length < this.batchSize) yield* this.finish();
    return this.buffer.length > 0;
  }

  /** The cursor is done: close it on the server and free the connection for other statements. */
  *finish(): Generator<Instruction, void, unknown> {
    if (this.exhausted) return;
    this.exhausted = true;
    this.connection.streamEnded(this.owner);
    if (!this.dbapi.invalidated) yield* this.connection.guard(this.dbapi.closeCursor(this.cursor), undefined);
  }

  /** Marks the stream over without IO: its cursor died with its transaction or connection. */
  detach(): void {
    this.closed = true;
    this.exhausted = true;
    this.buffer = [];
    this.position = 0;
    this.connection.streamEnded(this.owner);
  }

  *close(): Generator<Instruction, void, unknown> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.position = 0;
    yield* this.finish();
  }

  declare owner: StreamingResult;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1)
    throw new ArgumentError(`size must be an integer of at least 1, got ${size}`);
}

/**
 * Items read from a server-side cursor, `batchSize` rows per round trip. Reads are ops:
 * `const rows = yield* result.fetchmany(100)`. Reading past the end closes the cursor;
 * first()/one()/scalar()... close the result, like the buffered Result.
 */
export class StreamView<Item> {
  protected readonly state: StreamState;
  readonly #make: (row: Row) => Item;
  readonly #unique: UniqueFilter | undefined;

  /** @internal */
  constructor(state: StreamState, make: (row: Row) => Item, unique?: UniqueFilter) {
    this.state = state;
    this.#make = make;
    this.#unique = unique;
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

  /** Up to `size` items (default: the batch size); an empty array at the end. */
  fetchmany(size?: number): Op<Item[]> {
    const view = this;
    const wanted = size ?? this.state.batchSize;
    checkSize(wanted);
    return op(function* fetchmany() {
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
      const item = yield* view.onlyItem();
      if (item === END) throw new NoResultFound();
      return item;
    });
  }

  /** One item or null (MultipleResultsFound for more), closing the result. */
  oneOrNone(): Op<Item | null> {
    const view = this;
    return op(function* oneOrNone() {
      const item = yield* view.onlyItem();
      return item === END ? null : item;
    });
  }

  /**
   * The next `size` items, as long as there are any: `for (let p; (p = yield* r.partition(100)).length;)`.
   * (The asyncio facade turns this into `for await (const p of result.partitions(100))`.)
   */
  partition(size?: number): Op<Item[]> {
    return this.fetchmany(size);
  }

  close(): Op<void> {
    const view = this;
    return op(function* close() {
      yield* view.state.close();
    });
  }

  private *onlyItem(): Generator<Instruction, Item | typeof END, unknown> {
    const item = yield* this.next();
    if (item !== END && (yield* this.next()) !== END) {
      yield* this.state.close();
      throw new MultipleResultsFound();
    }
    yield* this.state.close();
    return item;
  }

  /** @internal The next item through the unique filter, or END. */
  *next(): Generator<Instruction, Item | typeof END, unknown> {
    const state = this.state;
    for (;;) {
      if (!(yield* state.fill())) return END;
      const item = this.#make(state.buffer[state.position++]!);
      if (this.#unique === undefined || this.#unique.admit(item)) return item;
    }
  }

  protected withFilter(unique: UniqueFilter): this {
    const Class = this.constructor as new (
      state: StreamState,
      make: (row: Row) => Item,
      unique?: UniqueFilter,
    ) => this;
    return new Class(this.state, this.#make, unique);
  }

  /** A view that skips items equal by value (or by `keyFn`) to one already returned. */
  unique(keyFn?: (item: Item) => unknown): this {
    return this.withFilter(new UniqueFilter(keyFn as ((item: never) => unknown) | undefined));
  }
}

const END: unique symbol = Symbol("athanor.streamEnd");

/** Rows of a statement executed with `conn.stream()`: a StreamView of rows, with the scalar and mapping views. */
export class StreamingResult<R extends Result = Result> extends StreamView<RowOfResult<R>> {
  /** @internal Connection.stream() makes these. */
  constructor(
    connection: Connection,
    dbapi: AdaptedConnection,
    cursor: DriverCursor,
    columns: readonly ResultColumn[],
    batchSize: number,
  );
  constructor(state: StreamState, make: (row: Row) => RowOfResult<R>, unique?: UniqueFilter);
  constructor(...args: unknown[]) {
    if (args[0] instanceof StreamState) {
      super(args[0], args[1] as (row: Row) => RowOfResult<R>, args[2] as UniqueFilter | undefined);
      return;
    }
    const [connection, dbapi, cursor, columns, batchSize] = args as [
      Connection,
      AdaptedConnection,
      DriverCursor,
      readonly ResultColumn[],
      number,
    ];
    checkSize(batchSize);
    const state = new StreamState(connection, dbapi, cursor, columns, batchSize);
    super(state, (row) => row as RowOfResult<R>);
    state.owner = this;
  }

  /** The column names, in order. */
  keys(): string[] {
    return this.state.columns.map((column) => column.name);
  }

  /** Rows per round trip from now on. */
  yieldPer(size: number): this {
    checkSize(size);
    this.state.batchSize = size;
    return this;
  }

  /** The first column of each row (or the column at `index`). */
  scalars<I extends number = 0>(
    index?: I,
  ): StreamView<RowOfResult<R> extends readonly unknown[] ? RowOfResult<R>[I] : unknown> {
    const at = index ?? 0;
    if (!Number.isInteger(at) || at < 0 || at >= this.state.columns.length) {
      throw new ArgumentError(
        `scalars(): no column at index ${at} (the result has ${this.state.columns.length})`,
      );
    }
    return new StreamView(this.state, (row) => row[at] as never);
  }

  /** Each row as a read-only object of values by name. */
  mappings(): StreamView<RowOfResult<R>["_mapping"]> {
    return new StreamView(this.state, (row) => row._mapping as never);
  }

  /** The first column of the first row, or undefined; closes the result. */
  scalar(): Op<unknown> {
    const first = this.first();
    return op(function* scalar() {
      const row = yield* first;
      return row === null ? undefined : row[0];
    });
  }

  scalarOne(): Op<unknown> {
    return this.scalars().one();
  }

  scalarOneOrNone(): Op<unknown> {
    return this.scalars().oneOrNone();
  }

  /** @internal Its transaction or connection ended: reads raise ResourceClosedError from now on. */
  detach(): void {
    this.state.detach();
  }

  /** @internal The connection is closing: close the cursor, quietly if the connection is already gone. */
  *closeOnConnectionClose(): Generator<Instruction, void, unknown> {
    try {
      yield* this.state.close();
    } catch {
      // The connection is being closed (and reset) anyway.
    }
  }
}
