import { ArgumentError, InvalidRequestError } from "../errors.ts";
import type { ResultColumn } from "../sql/executable.ts";
import { SqlType } from "../types/sql-type.ts";
import { BufferedCursor } from "./buffered-cursor.ts";
import { columnPosition } from "./column-position.ts";
import { FilterResult, type ItemMaker, UniqueFilter } from "./filter-result.ts";
import { type FrozenResult, frozenResult } from "./frozen-result.ts";
import { MappingResult } from "./mapping-result.ts";
import { type Row, type RowShape, rowShape } from "./row.ts";
import { ScalarResult } from "./scalar-result.ts";

/** What the creator of a Result knows besides the columns and rows. */
export interface ResultOptions {
  /** Rows matched or affected, as the driver reported it (undefined when it did not). */
  readonly rowcount?: number | undefined;
  /** Whether the statement returns rows; by default, whether there are result columns. */
  readonly returnsRows?: boolean | undefined;
  /** The primary key of the row a single-row INSERT created, in primary key column order. */
  readonly insertedPrimaryKey?: readonly unknown[] | undefined;
}

/** A column given to `columns()` / `scalars()`: its name, or its position (negative counts from the end). */
export type ColumnKey<Names> = (keyof Names & string) | number;

/** The row tuple of `columns(...keys)`. */
export type ColumnsTuple<Tuple extends unknown[], Names, Keys extends readonly unknown[]> = {
  -readonly [I in keyof Keys]: Keys[I] extends keyof Names
    ? Names[Keys[I]]
    : Keys[I] extends keyof Tuple
      ? Tuple[Keys[I]]
      : unknown;
};

/** The names of `columns(...keys)`: those given by name (a column given by position keeps its name untyped). */
export type ColumnsNames<Names, Keys extends readonly unknown[]> = {
  readonly [K in Keys[number] & keyof Names]: Names[K];
};

/** Turns a driver value into the column's JS value; undefined when the type passes values through. */
type Processor = (value: unknown) => unknown;

/** One processor per type, made once: results are built per execution, types live on. */
const processors = new WeakMap<SqlType<unknown>, Processor | null>();

function processorOf(type: SqlType<unknown>): Processor | undefined {
  let processor = processors.get(type);
  if (processor === undefined) {
    processor = type.fromDriver === SqlType.prototype.fromDriver ? null : (value) => type.fromDriver(value);
    processors.set(type, processor);
  }
  return processor ?? undefined;
}

/**
 * How a result reads its cursor's raw rows: for each of its columns, the position in the raw row
 * and the processor, plus the row shape and the function making a row. Built once per columns
 * array (results of one compiled statement share it): making one per execution cost more than the
 * rest of building a Result.
 */
interface Layout {
  readonly columns: readonly ResultColumn[];
  readonly indexes: readonly number[];
  readonly processors: readonly (Processor | undefined)[];
  readonly shape: RowShape;
  readonly makeRow: ItemMaker<unknown[]>;
}

function makeLayout(
  columns: readonly ResultColumn[],
  indexes: readonly number[] = columns.map((_, index) => index),
  processors: readonly (Processor | undefined)[] = columns.map((column) => processorOf(column.type)),
  shape: RowShape = rowShape(columns.map((column) => column.name)),
): Layout {
  return { columns, indexes, processors, shape, makeRow: rowMaker(shape, indexes, processors) };
}

const layouts = new WeakMap<readonly ResultColumn[], Layout>();

/** The layout of a statement's own columns, read in order through their types. */
function layoutOf(columns: readonly ResultColumn[]): Layout {
  let layout = layouts.get(columns);
  if (layout === undefined) {
    layout = makeLayout(columns);
    layouts.set(columns, layout);
  }
  return layout;
}

/** How a view (columns, unique, merge, frozen) reads a cursor; anything unset is made afresh. */
interface ResultView {
  readonly cursor?: BufferedCursor;
  readonly layout?: Layout;
  /** Used as is: the caller makes it fresh. */
  readonly unique?: UniqueFilter | undefined;
  readonly linked?: readonly BufferedCursor[];
}

/** Views pass their wiring under this key, which is not exported: the public options stay clean. */
const viewKey: unique symbol = Symbol("athanor.resultView");
type InternalOptions = ResultOptions & { readonly [viewKey]?: ResultView };

function convert(value: unknown, processor: Processor | undefined): unknown {
  return value === null || value === undefined || processor === undefined ? value : processor(value);
}

function rowMaker(
  shape: RowShape,
  indexes: readonly number[],
  processors: readonly (Processor | undefined)[],
): ItemMaker<unknown[]> {
  const RowClass = shape.RowClass;
  const width = indexes.length;
  return (raw) => {
    // Sized construction and index writes: ~6x faster than push on an Array subclass (pnpm bench rows).
    const row = new RowClass(width);
    for (let i = 0; i < width; i++) row[i] = convert(raw[indexes[i]!], processors[i]);
    return row;
  };
}

/** No processors: for values that are converted already. */
function unconverted(columns: readonly ResultColumn[]): undefined[] {
  return columns.map(() => undefined);
}

function valuesMaker(
  indexes: readonly number[],
  processors: readonly (Processor | undefined)[],
): ItemMaker<unknown[]> {
  return (raw) => indexes.map((index, i) => convert(raw[index], processors[i]));
}

/**
 * The rows of an executed statement, already fetched (buffered), read as SQLAlchemy's Result:
 * `all()`, `first()`, `one()`, `scalar()`, `fetchmany()`, iteration... Each row is a `Row`, typed by
 * `Tuple` (the values in order) and `Names` (the values by column name). Driver values are read
 * through each column's `type.fromDriver` as rows are built (nulls are left alone).
 *
 * Reading consumes. `first()`, `one()`, `oneOrNone()` and the `scalar*()` methods close the result;
 * `all()` / `fetch*()` leave it open (then exhausted: `all()` gives []). Reading a closed result
 * raises ResourceClosedError. `columns()`, `unique()`, `scalars()` and `mappings()` are views that
 * share the rows and the closed state with this result.
 */
export class Result<
  Tuple extends unknown[] = unknown[],
  Names extends object = Record<string, unknown>,
> extends FilterResult<Row<Tuple, Names>> {
  /** Rows matched or affected, as the driver reported it. */
  readonly rowcount: number | undefined;
  readonly #insertedPrimaryKey: readonly unknown[] | undefined;
  readonly #layout: Layout;

  /**
   * `columns` as the compiled statement describes them; `rows` as the driver returned them, one
   * array of driver values per row, in column order.
   */
  constructor(
    columns: readonly ResultColumn[],
    rows: readonly (readonly unknown[])[],
    options?: ResultOptions,
  ) {
    const view = options === undefined ? undefined : (options as InternalOptions)[viewKey];
    const cursor =
      view?.cursor ?? new BufferedCursor(rows, options?.returnsRows ?? columns.length > 0, view?.linked);
    const layout = view?.layout ?? layoutOf(columns);
    super(cursor, layout.makeRow as ItemMaker<never>, view?.unique);
    this.rowcount = options?.rowcount;
    this.#insertedPrimaryKey = options?.insertedPrimaryKey;
    this.#layout = layout;
  }

  /**
   * The primary key of the row a single-row INSERT created (server-generated values included), in
   * the table's primary key column order. Raises for any other statement, as SQLAlchemy does.
   */
  get insertedPrimaryKey(): readonly unknown[] {
    if (this.#insertedPrimaryKey === undefined) {
      throw new InvalidRequestError(
        "insertedPrimaryKey is only available for a single-row insert() of a table with a primary key",
      );
    }
    return this.#insertedPrimaryKey;
  }

  /** Whether the statement returns rows (a plain INSERT does not: reading it raises). */
  get returnsRows(): boolean {
    return this.cursor.returnsRows;
  }

  /** The column names, in order (duplicates included). */
  keys(): string[] {
    return [...this.#layout.shape.names];
  }

  /** The next row, or null when exhausted (the result stays open). */
  fetchone(): Row<Tuple, Names> | null {
    return this.fetchOneItem();
  }

  /** The first column of the first row, or null when there is none; closes the result. */
  scalar(): Tuple[0] | null {
    const row = this.first();
    return row === null ? null : row[0];
  }

  /** The first column of exactly one row, else NoResultFound / MultipleResultsFound; closes the result. */
  scalarOne(): Tuple[0] {
    return this.one()[0];
  }

  /** The first column of one row, or null for no row, else MultipleResultsFound; closes the result. */
  scalarOneOrNone(): Tuple[0] | null {
    const row = this.oneOrNone();
    return row === null ? null : row[0];
  }

  /** A Result that skips rows equal by value (or by `keyFn`'s key) to one already returned; shares the rows. */
  unique(keyFn?: (row: Row<Tuple, Names>) => unknown): Result<Tuple, Names> {
    return this.#view(this.#layout, new UniqueFilter(keyFn));
  }

  /**
   * A Result of these columns only, in this order, keeping their names; shares the rows. A unique
   * filter carries over (comparing the new rows by value; a key function does not carry over).
   */
  columns<const Keys extends readonly ColumnKey<Names>[]>(
    ...keys: Keys
  ): Result<ColumnsTuple<Tuple, Names, Keys>, ColumnsNames<Names, Keys>> {
    const positions = keys.map((key) => this.#position(key));
    const { columns, indexes, processors } = this.#layout;
    const layout = makeLayout(
      positions.map((position) => columns[position]!),
      positions.map((position) => indexes[position]!),
      positions.map((position) => processors[position]),
    );
    return this.#view(layout, this.#carriedUnique());
  }

  /** The rows as read-only objects by name (first column of a duplicate name wins); shares the rows. */
  mappings(): MappingResult<Names> {
    const { shape, indexes, processors } = this.#layout;
    const entries = shape.entries.map(
      ([name, position]) => [name, indexes[position]!, processors[position]] as const,
    );
    const makeMapping = (raw: readonly unknown[]): Record<string, unknown> => {
      const mapping: Record<string, unknown> = {};
      for (const [name, index, processor] of entries) {
        const value = convert(raw[index], processor);
        if (name === "__proto__") Object.defineProperty(mapping, name, { value, enumerable: true });
        else mapping[name] = value;
      }
      return Object.freeze(mapping);
    };
    return new MappingResult<Names>(
      this.cursor,
      makeMapping as ItemMaker<never>,
      shape.names,
      this.uniqueFilter === undefined ? undefined : new UniqueFilter(),
    );
  }

  /** The values of one column (the first by default), by position or name; shares the rows. */
  scalars(): ScalarResult<Tuple[0]>;
  scalars<I extends number>(index: I): ScalarResult<I extends keyof Tuple ? Tuple[I] : unknown>;
  scalars<K extends keyof Names & string>(key: K): ScalarResult<Names[K]>;
  scalars(key: string | number = 0): ScalarResult<unknown> {
    const position = this.#position(key);
    const index = this.#layout.indexes[position]!;
    const processor = this.#layout.processors[position];
    return new ScalarResult<unknown>(
      this.cursor,
      (raw) => convert(raw[index], processor),
      this.uniqueFilter === undefined ? undefined : new UniqueFilter(),
    );
  }

  /**
   * Reads the remaining rows (through the unique filter, if any) into a FrozenResult, which can be
   * called any number of times for new, equal Results (e.g. to cache a result).
   */
  freeze(): FrozenResult<Tuple, Names> {
    const data = this.fetchall().map((row) => row._tuple());
    return frozenResult<Tuple, Names>(this.#layout.columns, data, this.rowcount);
  }

  /**
   * One Result of this one's remaining rows, then each other's (which must have as many columns),
   * with this one's names and unique filter. The sources are consumed, and closed with it.
   * rowcount is the sum when every source knows its own.
   */
  merge(...others: readonly Result<Tuple, Names>[]): Result<Tuple, Names> {
    const sources = [this, ...others];
    const { columns, shape } = this.#layout;
    for (const other of others) {
      const width = other.#layout.columns.length;
      if (width !== columns.length) {
        throw new ArgumentError(`cannot merge a result of ${width} columns into one of ${columns.length}`);
      }
    }
    const rows = sources.flatMap((source) =>
      source.cursor.drain().map(valuesMaker(source.#layout.indexes, source.#layout.processors)),
    );
    const counts = sources.map((source) => source.rowcount);
    const rowcount = counts.every((count) => count !== undefined)
      ? counts.reduce((a, b) => a + b, 0)
      : undefined;
    const options: InternalOptions = {
      rowcount,
      returnsRows: this.returnsRows,
      [viewKey]: {
        // The values are converted already.
        layout: makeLayout(columns, undefined, unconverted(columns), shape),
        unique: this.uniqueFilter?.fresh(),
        linked: sources.map((source) => source.cursor),
      },
    };
    return new Result(columns, rows, options);
  }

  /** The position among this result's columns of a name (its first column) or index. */
  #position(key: string | number): number {
    return columnPosition(key, this.#layout.shape.names);
  }

  #carriedUnique(): ResultView["unique"] {
    return this.uniqueFilter === undefined ? undefined : new UniqueFilter();
  }

  #view<T extends unknown[], N extends object>(layout: Layout, unique: ResultView["unique"]): Result<T, N> {
    const options: InternalOptions = {
      rowcount: this.rowcount,
      [viewKey]: { cursor: this.cursor, layout, unique },
    };
    return new Result<T, N>(layout.columns, [], options);
  }
}

/** Used by FrozenResult to make Results of values that are converted already. */
export function resultOfValues<Tuple extends unknown[], Names extends object>(
  columns: readonly ResultColumn[],
  rows: readonly (readonly unknown[])[],
  rowcount: number | undefined,
): Result<Tuple, Names> {
  const options: InternalOptions = {
    rowcount,
    [viewKey]: { layout: makeLayout(columns, undefined, unconverted(columns)) },
  };
  return new Result<Tuple, Names>(columns, rows, options);
}
