import type {
  ColumnKey,
  ColumnsNames,
  ColumnsTuple,
  FrozenResult,
  NamesOfResult,
  Result,
  RowOfResult,
  StreamingResult,
  StreamView,
  TupleOfResult,
} from "@athanor/core";
import { AsyncCommon, distinctTurns, runnerOfTurns, type Turn, turnOf } from "./async-common.ts";
import type { OpRunner } from "./op-runner.ts";

/** The row type of a Result type (core's RowOfResult). */
export type RowOf<R> = RowOfResult<R>;
/** The value tuple of a Result type. */
export type TupleOf<R> = TupleOfResult<R>;
/** The values-by-name object of a Result type. */
export type NamesOf<R> = NamesOfResult<R>;

/**
 * Rows of a statement streamed through a server-side cursor (SQLAlchemy's AsyncResult):
 * `await conn.stream(select(t))`. Each read is one call on the connection (`runner(op)` of the core
 * StreamingResult's op), `yieldPer` rows per round trip:
 *
 *     for await (const row of result) ...              // rows one by one, fetched in batches
 *     for await (const part of result.partitions(100)) // arrays of 100
 *     await result.all() / first() / one() / scalar() / freeze() ...
 *
 * `columns()`, `unique()`, `scalars()` and `mappings()` are views of the same cursor, as with the
 * buffered Result. first(), one(), oneOrNone() and the scalar methods close it; so does leaving a
 * `for await` early. A result read after close, or after its transaction or connection ended,
 * raises ResourceClosedError.
 */
export class AsyncResult<out R extends Result<unknown[], object> = Result> extends AsyncCommon<RowOf<R>> {
  readonly #stream: StreamingResult<R>;
  /** Each connection the stream reads, with its runner (several for a merged result). */
  #turns: readonly Turn[];

  /** @internal AsyncConnection.stream() makes these: the stream, and the connection's runner. */
  constructor(stream: StreamingResult<R>, runner: OpRunner) {
    super(stream, runner);
    this.#stream = stream;
    this.#turns = stream.connections.map((connection) => turnOf(connection, runner));
  }

  /** A result of `stream` read with the turns of its connections (a view or merge of this one). */
  #derived<S extends Result<unknown[], object>>(
    stream: StreamingResult<S>,
    turns: readonly Turn[] = this.#turns,
  ): AsyncResult<S> {
    const result = new AsyncResult(stream, runnerOfTurns(turns));
    result.#turns = turns;
    return result;
  }

  /** The column names, in order (duplicates included). */
  keys(): string[] {
    return this.#stream.keys();
  }

  /** Rows per round trip from now on (the default size of fetchmany() and partitions() too). */
  yieldPer(size: number): this {
    this.#stream.yieldPer(size);
    return this;
  }

  /** The next row, or null at the end. */
  async fetchone(): Promise<RowOf<R> | null> {
    return this.runner(this.view.fetchone());
  }

  /** The first column of the first row, or null when there is none; closes the result. */
  async scalar(): Promise<TupleOf<R>[0] | null> {
    return this.runner(this.#stream.scalar());
  }

  /** The first column of exactly one row, else NoResultFound / MultipleResultsFound; closes the result. */
  async scalarOne(): Promise<TupleOf<R>[0]> {
    return this.runner(this.#stream.scalarOne());
  }

  /** The first column of one row, or null for no row, else MultipleResultsFound; closes the result. */
  async scalarOneOrNone(): Promise<TupleOf<R>[0] | null> {
    return this.runner(this.#stream.scalarOneOrNone());
  }

  /**
   * An AsyncResult of these columns only (by name or position), in this order, keeping their names;
   * shares the cursor. A unique filter carries over, comparing the new rows by value.
   */
  columns<const Keys extends readonly ColumnKey<NamesOf<R>>[]>(
    ...keys: Keys
  ): AsyncResult<
    Result<[...ColumnsTuple<TupleOf<R>, NamesOf<R>, Keys>], ColumnsNames<NamesOf<R>, [...Keys]>>
  > {
    return this.#derived(this.#stream.columns(...keys));
  }

  /** An AsyncResult of the same cursor that skips rows equal by value (or by `keyFn`'s key) to one already returned. */
  unique(keyFn?: (row: RowOf<R>) => unknown): AsyncResult<R> {
    return this.#derived(this.#stream.unique(keyFn));
  }

  /** The values of one column (the first by default), by position or name; shares the cursor. */
  scalars(): AsyncScalarResult<TupleOf<R>[0]>;
  scalars<I extends number>(index: I): AsyncScalarResult<TupleOf<R>[I]>;
  scalars<K extends keyof NamesOf<R> & string>(key: K): AsyncScalarResult<NamesOf<R>[K]>;
  scalars(key: string | number = 0): AsyncScalarResult<unknown> {
    // The overloads above are core's; its implementation takes a name or a position alike.
    return new AsyncScalarResult(this.#stream.scalars(key as number), this.runner);
  }

  /** Each row as a read-only object of values by name (first column of a duplicate name wins); shares the cursor. */
  mappings(): AsyncMappingResult<NamesOf<R>> {
    // The stream's rows have the names NamesOf<R>: the mapping result needs no more of its type.
    const rows = this.#stream as unknown as StreamingResult<Result<unknown[], NamesOf<R>>>;
    return new AsyncMappingResult(rows, this.runner);
  }

  /**
   * Reads the remaining rows (through the unique filter, if any) into a FrozenResult: call it, any
   * number of times, for a new buffered Result of them (`frozen().all()`), e.g. to cache a result.
   * The stream is left exhausted, its cursor closed.
   */
  async freeze(): Promise<FrozenResult<TupleOf<R>, NamesOf<R>>> {
    return this.runner(this.#stream.freeze());
  }

  /**
   * One AsyncResult of this one's remaining rows, then each other's in turn (each must have as many
   * columns), with this one's names and unique filter. Closing it closes them all. The results may
   * stream on different connections: each read takes a turn on every one of them.
   */
  merge(...others: readonly AsyncResult<R>[]): AsyncResult<R> {
    const stream = this.#stream.merge(...others.map((other) => other.#stream));
    return this.#derived(stream, distinctTurns([this, ...others].flatMap((result) => result.#turns)));
  }
}

/**
 * One column's values (SQLAlchemy's AsyncScalarResult): `result.scalars()`. Shares the cursor with
 * the result it came from. No `fetchone()`, as in SQLAlchemy: its null would not tell "no row" from
 * "a null value"; use `first()`, `fetchmany(1)` or iteration.
 */
export class AsyncScalarResult<T> extends AsyncCommon<T> {
  /** A result that skips values equal (by value, or by `keyFn`'s key) to one already returned. */
  unique(keyFn?: (value: T) => unknown): AsyncScalarResult<T> {
    return new AsyncScalarResult(this.view.unique(keyFn), this.runner);
  }
}

/**
 * Rows as read-only plain objects of values by name (SQLAlchemy's AsyncMappingResult):
 * `result.mappings()`. With duplicate names the first column of a name wins. Shares the cursor with
 * the result it came from.
 */
export class AsyncMappingResult<M extends object> extends AsyncCommon<Readonly<M>> {
  /** The rows the mappings are made of: keys() and columns() are theirs. */
  readonly #rows: StreamingResult<Result<unknown[], M>>;
  /** Whether unique() was applied to the mappings themselves (columns() carries it over). */
  readonly #unique: boolean;

  /** @internal */
  constructor(
    rows: StreamingResult<Result<unknown[], M>>,
    runner: OpRunner,
    view: StreamView<Readonly<M>> = rows.mappings() as StreamView<Readonly<M>>,
    unique = false,
  ) {
    super(view, runner);
    this.#rows = rows;
    this.#unique = unique;
  }

  /** The column names, in order (duplicates included). */
  keys(): string[] {
    return this.#rows.keys();
  }

  /** The next mapping, or null at the end. */
  async fetchone(): Promise<Readonly<M> | null> {
    return this.runner(this.view.fetchone());
  }

  /**
   * Mappings of these columns only (by name or position), in this order; shares the cursor. A
   * unique filter carries over, comparing the new mappings by value.
   */
  columns<const Keys extends readonly ColumnKey<M>[]>(
    ...keys: Keys
  ): AsyncMappingResult<ColumnsNames<M, Keys>> {
    const columns = this.#rows.columns(...keys) as StreamingResult<Result<unknown[], ColumnsNames<M, Keys>>>;
    // The new mappings are made of the new rows: a unique filter on the rows carries over to them.
    return new AsyncMappingResult(this.#unique ? columns.unique() : columns, this.runner);
  }

  /** A result that skips mappings equal (by value, or by `keyFn`'s key) to one already returned. */
  unique(keyFn?: (mapping: Readonly<M>) => unknown): AsyncMappingResult<M> {
    return new AsyncMappingResult(this.#rows, this.runner, this.view.unique(keyFn), true);
  }
}
