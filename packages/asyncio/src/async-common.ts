import { ArgumentError, callAsync, type Op, type StreamView } from "@athanor/core";
import type { OpRunner } from "./op-runner.ts";

/**
 * What AsyncResult, AsyncScalarResult and AsyncMappingResult share (SQLAlchemy's AsyncCommon):
 * reading items of a core StreamView, each read `runner(op)` of the matching sync op, and async
 * iteration. Reads are async methods, so a bad argument rejects like every other failure.
 */
export abstract class AsyncCommon<Item> implements AsyncIterable<Item>, AsyncDisposable {
  /** The sync view whose ops the reads run. */
  protected readonly view: StreamView<Item>;
  /** Drives an op on the connection(s) of the stream: the owning AsyncConnection serialises its calls. */
  protected readonly runner: OpRunner;

  /** @internal */
  constructor(view: StreamView<Item>, runner: OpRunner) {
    this.view = view;
    this.runner = runner;
  }

  /** True once closed: explicitly, by first()/one()/scalar()..., or with its transaction or connection. */
  get closed(): boolean {
    return this.view.closed;
  }

  /** Closes the cursor (the connection can run other statements); closing again does nothing. */
  async close(): Promise<void> {
    await this.runner(this.view.close());
  }

  /** `await using result = await conn.stream(...)`: the cursor is closed however the block exits. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Every remaining item; [] once exhausted, ResourceClosedError once closed. */
  async all(): Promise<Item[]> {
    return this.runner(this.view.all());
  }

  async fetchall(): Promise<Item[]> {
    return this.runner(this.view.fetchall());
  }

  /** Up to `size` items (default: the batch size, see `yieldPer`); [] at the end. */
  async fetchmany(size?: number): Promise<Item[]> {
    return this.runner(this.view.fetchmany(size));
  }

  /** The first item or null; closes the result (the cursor with it). */
  async first(): Promise<Item | null> {
    return this.runner(this.view.first());
  }

  /** Exactly one item, else NoResultFound / MultipleResultsFound; closes the result. */
  async one(): Promise<Item> {
    return this.runner(this.view.one());
  }

  /** One item or null, else MultipleResultsFound; closes the result. */
  async oneOrNone(): Promise<Item | null> {
    return this.runner(this.view.oneOrNone());
  }

  /**
   * The remaining items in arrays of up to `size` (default: the batch size), one read per array:
   * `for await (const part of result.partitions(100))`. The size is checked now, not at the first
   * step. Leaving the loop early (break, return, throw) closes the result.
   */
  partitions(size?: number): AsyncGenerator<Item[], undefined, undefined> {
    // Checked here rather than by making the sync op now: an op made but never run (a partitions()
    // iterator never iterated) would be reported by the never-driven check.
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new ArgumentError(`size must be an integer of at least 1, got ${size}`);
    }
    return this.#reads(
      () => this.view.partition(size),
      (items) => [items],
    );
  }

  /**
   * The remaining items one by one, read a batch (`yieldPer`) per round of the runner. Leaving the
   * loop early (break, return, throw) closes the result, so its connection can run the next statement.
   */
  [Symbol.asyncIterator](): AsyncGenerator<Item, undefined, undefined> {
    return this.#reads(
      () => this.view.fetchmany(),
      (items) => items,
    );
  }

  /** Runs `read` until it gives [], yielding what `emit` makes of each array (the array, or its items). */
  async *#reads<Out>(
    read: () => Op<Item[]>,
    emit: (items: Item[]) => Iterable<Out>,
  ): AsyncGenerator<Out, undefined, undefined> {
    // Whether the consumer left before the end: then the stream is closed on the way out. A failed
    // read is not followed by a close: a failed fetch has already ended the stream, and closing
    // would replace the error with another.
    let left = true;
    try {
      for (;;) {
        let items: Item[];
        try {
          items = await this.runner(read());
        } catch (error) {
          left = false;
          throw error;
        }
        if (items.length === 0) {
          left = false;
          return undefined;
        }
        yield* emit(items);
      }
    } finally {
      if (left) await this.close();
    }
  }
}

/** One connection's turn, as a merged result takes it: the connection, and the runner of its calls. */
export interface Turn {
  readonly connection: object;
  readonly runner: OpRunner;
  /** The connection's place in the one order every merged result takes turns in. */
  readonly order: number;
}

const connectionOrder = new WeakMap<object, number>();
let nextOrder = 0;

/** The turn of `connection`; connections are ordered by the first AsyncResult made on each. */
export function turnOf(connection: object, runner: OpRunner): Turn {
  let order = connectionOrder.get(connection);
  if (order === undefined) {
    order = nextOrder++;
    connectionOrder.set(connection, order);
  }
  return { connection, runner, order };
}

/**
 * One turn per connection (the first runner seen for it: the same connection may come with
 * another runner function, and its runner must not be entered twice), in the global order.
 */
export function distinctTurns(turns: readonly Turn[]): Turn[] {
  const byConnection = new Map<object, Turn>();
  for (const turn of turns) if (!byConnection.has(turn.connection)) byConnection.set(turn.connection, turn);
  return [...byConnection.values()].sort((a, b) => a.order - b.order);
}

/**
 * The runner of a result reading several connections (a merged one): each op runs inside a call on
 * every connection, taken one inside the other (`callAsync` of the next runner), so none of them
 * runs anything else meanwhile. The turns are taken in one global order of the connections, and a
 * connection only once, so no two reads can each hold a connection the other waits for.
 */
export function runnerOfTurns(turns: readonly Turn[]): OpRunner {
  if (turns.length === 1) return turns[0]!.runner;
  return <T>(op: Op<T>): Promise<T> => {
    const enter = (index: number): Promise<T> => {
      const { runner } = turns[index]!;
      if (index === turns.length - 1) return runner(op);
      return runner(callAsync(() => enter(index + 1)));
    };
    return enter(0);
  };
}
