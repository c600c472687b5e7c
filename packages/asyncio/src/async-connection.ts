import {
  type Connection,
  type Dialect,
  type Engine,
  type Executable,
  type ExecutionOptions,
  eventRedirect,
  Instruction,
  InvalidRequestError,
  type Op,
  op,
  type Parameters,
  type PoolProxiedConnection,
  type Result,
  type ResultOf,
  run,
  type ScalarOf,
  type ScalarResult,
  type Statement,
  type TextClause,
} from "@athanor/core";
import type { AsyncEngine } from "./async-engine.ts";
import { AsyncResult, type AsyncScalarResult } from "./async-result.ts";
import { AsyncTransaction } from "./async-transaction.ts";
import { OpQueue } from "./op-queue.ts";

/** Options of an async call: execution options, and a signal that cancels the call. */
export interface AsyncExecuteOptions {
  readonly executionOptions?: ExecutionOptions;
  /**
   * Aborting cancels the call: on a server, a statement in flight is cancelled and its connection
   * invalidated; on PGlite the statement runs to its end and the connection is kept. Either way the
   * call's transaction must then be rolled back.
   */
  readonly signal?: AbortSignal;
}

/** The value of a runSync function: what its generator or op produces, or what it returns. */
export type SyncResult<R> =
  R extends Iterator<Instruction, infer T, unknown> ? T : R extends Op<infer T> ? T : R;

const proxies = new WeakMap<Connection, AsyncConnection>();

const notStarted = "AsyncConnection context has not been started and object has not been awaited.";

/** Drives what a runSync function returned: generators and ops are run, anything else is the value. */
function* drive(value: unknown): Generator<Instruction, unknown, unknown> {
  if (isDrivable(value)) return yield* value;
  return value;
}

/** An op (GenOp, request) or a generator object; an array or other iterable value is a value. */
function isDrivable(value: unknown): value is Op<unknown> {
  if (value instanceof Instruction) return true;
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Partial<Iterator<unknown>>).next === "function" &&
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === "function"
  );
}

/**
 * An async proxy for a Connection (SQLAlchemy's AsyncConnection). `await engine.connect()` gives a
 * started one; `new AsyncConnection(engine)` an unstarted one (`await conn.start()`). Each call is
 * `run()` of the sync method, queued behind the previous call on this connection, so two calls
 * never interleave on the wire. `await using conn = await engine.connect()` closes it on exit,
 * rolling back anything not committed.
 */
export class AsyncConnection {
  readonly engine: AsyncEngine;
  #sync: Connection | undefined;
  readonly #queue = new OpQueue();

  constructor(engine: AsyncEngine) {
    this.engine = engine;
    this.#sync = undefined;
  }

  /** @internal The proxy of a sync connection, made once. */
  static of(engine: AsyncEngine, sync: Connection): AsyncConnection {
    let proxy = proxies.get(sync);
    if (proxy === undefined) {
      proxy = new AsyncConnection(engine);
      proxy.#sync = sync;
      proxies.set(sync, proxy);
    }
    return proxy;
  }

  /** Checks out the DBAPI connection. */
  async start(): Promise<this> {
    if (this.#sync !== undefined)
      throw new InvalidRequestError("this AsyncConnection has already been started");
    const sync = await run(this.engine.syncEngine.connect());
    this.#sync = sync;
    proxies.set(sync, this);
    return this;
  }

  get syncConnection(): Connection {
    if (this.#sync === undefined) throw new InvalidRequestError(notStarted);
    return this.#sync;
  }

  get syncEngine(): Engine {
    return this.engine.syncEngine;
  }

  get dialect(): Dialect {
    return this.engine.dialect;
  }

  /** Not available: the DBAPI connection may change on reconnect. Use `await getRawConnection()`. */
  get connection(): never {
    throw new InvalidRequestError(
      "AsyncConnection.connection accessor is not implemented as the attribute may need to reconnect on an invalidated connection.  Use the getRawConnection() method.",
    );
  }

  get closed(): boolean {
    return this.#sync?.closed ?? false;
  }

  get invalidated(): boolean {
    return this.#sync?.invalidated ?? false;
  }

  get info(): Record<string, unknown> {
    return this.syncConnection.info;
  }

  /** The pooled DBAPI connection in use (`.dbapiConnection`, `.driverConnection`). */
  async getRawConnection(): Promise<PoolProxiedConnection> {
    return this.syncConnection.getRawConnection();
  }

  inTransaction(): boolean {
    return this.syncConnection.inTransaction();
  }

  inNestedTransaction(): boolean {
    return this.syncConnection.inNestedTransaction();
  }

  getTransaction(): AsyncTransaction | undefined {
    const sync = this.syncConnection.getTransaction();
    return sync === undefined ? undefined : AsyncTransaction.of(this, sync);
  }

  getNestedTransaction(): AsyncTransaction | undefined {
    const sync = this.syncConnection.getNestedTransaction();
    return sync === undefined ? undefined : AsyncTransaction.of(this, sync);
  }

  getExecutionOptions(): ExecutionOptions {
    return this.syncConnection.getExecutionOptions();
  }

  /** Sets execution options on this connection and returns it (the same object). */
  executionOptions(options: ExecutionOptions): this {
    this.syncConnection.executionOptions(options);
    return this;
  }

  /**
   * Begins a transaction. With a callback: committed when it resolves, rolled back when it throws;
   * its value is returned.
   */
  begin(): Promise<AsyncTransaction>;
  begin<T>(body: (transaction: AsyncTransaction) => Promise<T>): Promise<T>;
  async begin<T>(body?: (transaction: AsyncTransaction) => Promise<T>): Promise<AsyncTransaction | T> {
    const transaction = await new AsyncTransaction(this).start();
    return body === undefined ? transaction : inTransaction(transaction, body);
  }

  /** SAVEPOINT; with a callback, released on success and rolled back to on throw. */
  beginNested(): Promise<AsyncTransaction>;
  beginNested<T>(body: (transaction: AsyncTransaction) => Promise<T>): Promise<T>;
  async beginNested<T>(body?: (transaction: AsyncTransaction) => Promise<T>): Promise<AsyncTransaction | T> {
    const transaction = await new AsyncTransaction(this, { nested: true }).start();
    return body === undefined ? transaction : inTransaction(transaction, body);
  }

  async commit(): Promise<void> {
    await this.runOp(this.syncConnection.commit());
  }

  async rollback(): Promise<void> {
    await this.runOp(this.syncConnection.rollback());
  }

  /** Rolls back what is open and returns the connection to the pool. */
  async close(): Promise<void> {
    if (this.#sync === undefined) return;
    await this.runOp(this.#sync.close());
  }

  async invalidate(error?: unknown): Promise<void> {
    await this.runOp(this.syncConnection.invalidate(error));
  }

  /**
   * Executes a statement; the Result is buffered (every row fetched inside the call). For a
   * server-side cursor, use `stream()`.
   */
  execute<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<ResultOf<S>>;
  execute<T>(statement: TextClause<T>, params?: Parameters, options?: AsyncExecuteOptions): Promise<Result>;
  execute(
    statement: Statement,
    params?: Parameters | readonly Parameters[],
    options?: AsyncExecuteOptions,
  ): Promise<Result>;
  execute(
    statement: Statement,
    params?: Parameters | readonly Parameters[],
    options?: AsyncExecuteOptions,
  ): Promise<Result> {
    // Not an async function: on this path each saved promise hop shows in the W3 benchmark.
    let sync: Connection;
    try {
      sync = this.syncConnection;
      const own = options?.executionOptions;
      const current = sync.getExecutionOptions();
      if (streams(own === undefined ? current : { ...current, ...own })) {
        throw new InvalidRequestError(
          "Can't use the AsyncConnection.execute() method with a server-side cursor. Use the AsyncConnection.stream() method for an async streaming result set.",
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.runOp(sync.execute(statement, params, syncOptions(options)), options?.signal);
  }

  async execDriverSql(
    sql: string,
    parameters?: readonly unknown[] | readonly (readonly unknown[])[],
    options?: AsyncExecuteOptions,
  ): Promise<Result> {
    return this.runOp(
      this.syncConnection.execDriverSql(sql, parameters, syncOptions(options)),
      options?.signal,
    );
  }

  /** The first column of the first row, or undefined. */
  scalar<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<ScalarOf<S> | undefined>;
  scalar(statement: Statement, params?: Parameters, options?: AsyncExecuteOptions): Promise<unknown>;
  async scalar(statement: Statement, params?: Parameters, options?: AsyncExecuteOptions): Promise<unknown> {
    return (await this.execute(statement, params, options)).scalar();
  }

  /** The first column of every row. */
  scalars<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<ScalarResult<ScalarOf<S>>>;
  scalars(
    statement: Statement,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<ScalarResult<unknown>>;
  async scalars(
    statement: Statement,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<ScalarResult<unknown>> {
    return (await this.execute(statement, params, options)).scalars();
  }

  /**
   * Executes a statement on a server-side cursor: an AsyncResult that fetches `yieldPer` rows
   * (default 1000) per round trip as it is read. Close it (or read it to the end, or
   * `await using` it) before running another statement on this connection.
   */
  stream<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<AsyncResult<ResultOf<S>>>;
  stream(statement: Statement, params?: Parameters, options?: AsyncExecuteOptions): Promise<AsyncResult>;
  async stream(
    statement: Statement,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<AsyncResult> {
    const sync = this.syncConnection;
    const streamed = await this.runOp(sync.stream(statement, params, syncOptions(options)), options?.signal);
    return new AsyncResult(streamed, (operation) => this.runOp(operation));
  }

  /** `stream()` read as the first column of each row. */
  streamScalars<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<AsyncScalarResult<ScalarOf<S>>>;
  streamScalars(
    statement: Statement,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<AsyncScalarResult<unknown>>;
  async streamScalars(
    statement: Statement,
    params?: Parameters,
    options?: AsyncExecuteOptions,
  ): Promise<AsyncScalarResult<unknown>> {
    return (await this.stream(statement, params, options)).scalars();
  }

  /**
   * Runs `fn(syncConnection, ...args)` on this connection, with the whole sync API: a generator
   * function (`function* (conn) { yield* conn.execute(...) }`), a function returning an op
   * (`metadata.createAll`), or a plain function. Resolves to its value.
   */
  async runSync<R, Args extends unknown[]>(
    fn: (conn: Connection, ...args: Args) => R,
    ...args: Args
  ): Promise<SyncResult<R>> {
    if (typeof fn !== "function")
      throw new InvalidRequestError(`runSync() takes a function, got ${typeof fn}`);
    const sync = this.syncConnection;
    return (await this.runOp(
      op(function* runSync() {
        return yield* drive(fn(sync, ...args));
      }),
    )) as SyncResult<R>;
  }

  /**
   * @internal Runs an op on this connection, after every call queued before it: calls made
   * concurrently on one AsyncConnection run one after another, never interleaved.
   */
  runOp<T>(operation: Op<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue.run(operation, signal);
  }

  /** `await using conn = await engine.connect()`: closed (rolling back what is open) on exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Listeners go on the sync connection: `event.listen(conn.syncConnection, ...)`. */
  [eventRedirect](): Error {
    return new InvalidRequestError(
      "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncEngine.syncEngine or AsyncConnection.syncConnection attributes.",
    );
  }
}

/** Whether these execution options ask for a server-side cursor. */
function streams(options: ExecutionOptions): boolean {
  return options.streamResults === true || options.yieldPer !== undefined;
}

function syncOptions(
  options: AsyncExecuteOptions | undefined,
): { executionOptions?: ExecutionOptions } | undefined {
  return options?.executionOptions === undefined ? undefined : { executionOptions: options.executionOptions };
}

async function inTransaction<T>(
  transaction: AsyncTransaction,
  body: (transaction: AsyncTransaction) => Promise<T>,
): Promise<T> {
  // Inside the block, a statement after the transaction ended raises, as `async with conn.begin()` does.
  const sync = transaction.connection.syncConnection;
  const outer = sync.enterContext(transaction.syncTransaction);
  let value: T;
  try {
    value = await body(transaction);
  } catch (error) {
    sync.enterContext(outer);
    if (transaction.isActive || !transaction.isValid) {
      try {
        await transaction.rollback();
      } catch {
        // The body's error is the one to report.
      }
    }
    throw error;
  }
  sync.enterContext(outer);
  await transaction.connection.runOp(sync.completeContext(transaction.syncTransaction));
  return value;
}
