import { commitRolledBack, DBAPIError, wrapDriverError } from "../driver-errors.ts";
import { AthanorError, InvalidRequestError } from "../errors.ts";
import { CallAsyncRequest, callAsync } from "../runtime/call-async.ts";
import { op, opCall } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import { IORequest } from "../runtime/io-request.ts";
import type { ConnectParams, Dialect } from "./dialect.ts";
import type { DriverConnection, DriverCursor, DriverResult, DriverRows } from "./driver.ts";

export type DriverRequestKind =
  | "execute"
  | "executeMany"
  | "openCursor"
  | "fetch"
  | "closeCursor"
  | "begin"
  | "commit"
  | "rollback"
  | "savepoint"
  | "releaseSavepoint"
  | "rollbackToSavepoint"
  | "close";

/**
 * One call on a driver connection, as data: what the scheduler performs and what a scripted driver
 * answers in tests. `sql` is the statement sent (BEGIN, COMMIT, SAVEPOINT... included); `params` its
 * parameters, or the parameter sets of an executeMany, or the batch size of a fetch.
 */
export class DriverRequest<T = unknown> extends IORequest<T> {
  declare readonly kind: DriverRequestKind;
  declare readonly connection: AdaptedConnection;
  declare readonly sql: string | undefined;
  declare readonly params: unknown;
  declare readonly cursor: DriverCursor | undefined;
  declare private performed: boolean;
  /** The driver's promise, once performed: a cancelled call on a driver that keeps its session is waited for. */
  declare inFlight: PromiseLike<unknown> | undefined;

  constructor(
    kind: DriverRequestKind,
    connection: AdaptedConnection,
    sql: string | undefined,
    params?: unknown,
    cursor?: DriverCursor,
  ) {
    super();
    this.kind = kind;
    this.connection = connection;
    this.performed = false;
    this.inFlight = undefined;
    this.sql = sql;
    this.params = params;
    this.cursor = cursor;
  }

  perform(): T | PromiseLike<T> {
    this.performed = true;
    const answer = this.connection.perform(this) as PromiseLike<T>;
    this.inFlight = answer;
    return answer;
  }

  /** COMMIT is never cut short: once sent, the caller must learn whether it happened. */
  override get interruptible(): boolean {
    return this.kind !== "commit";
  }

  /**
   * The driver's rejection arrives here (the scheduler throws it into the `yield*` that runs this
   * request): it is wrapped in the DBAPI hierarchy on the way, without a promise hop of its own.
   * Errors of Athanor's own (a dead connection, a blocking run, a scripted answer) pass as they are.
   */
  override throw(error: unknown): IteratorResult<Instruction, T> {
    if (this.performed && !(error instanceof AthanorError)) throw this.connection.failed(this, error);
    throw error;
  }

  override cancel(reason: unknown): void {
    this.connection.cancelled(this, reason);
  }
}

/** How a ConnectRequest opens its driver connection: the dialect's connect, or the engine's `creator`. */
export type OpenDriverConnection = (signal: AbortSignal) => Promise<DriverConnection>;

/**
 * Opens a driver connection; answered with an AdaptedConnection. Cancelling it aborts the signal the
 * opener got; a connection that opens anyway after its run gave up is dropped, never left open.
 */
export class ConnectRequest extends IORequest<AdaptedConnection> {
  declare readonly kind: "connect";
  declare readonly dialect: Dialect;
  /** What the dialect's connect is given (its signal apart); undefined for a `creator`. */
  declare readonly params: ConnectParams | undefined;
  declare readonly open: OpenDriverConnection;
  declare private controller: AbortController | undefined;

  /** Through the dialect's `connect(params)`, or through an opener of its own (the engine's `creator`). */
  constructor(dialect: Dialect, how: ConnectParams | OpenDriverConnection) {
    super();
    this.kind = "connect";
    this.dialect = dialect;
    this.params = typeof how === "function" ? undefined : how;
    this.open = typeof how === "function" ? how : (signal) => dialect.connect({ ...how, signal });
    this.controller = undefined;
  }

  perform(): PromiseLike<AdaptedConnection> {
    this.controller = new AbortController();
    let opening: Promise<DriverConnection>;
    try {
      opening = Promise.resolve(this.open(this.controller.signal));
    } catch (error) {
      opening = Promise.reject(error);
    }
    return opening.then(
      (driver) => new AdaptedConnection(this.dialect, driver),
      (error: unknown) => {
        // A usage error (a bad URL parameter, say) is not a driver failure: it passes through.
        if (error instanceof AthanorError) throw error;
        // A connection lost while being set up is as invalidated as one lost later (SQLAlchemy sets
        // connection_invalidated from is_disconnect for connect errors too).
        throw wrapDriverError({
          orig: error,
          disconnect: true,
          connectionInvalidated: this.dialect.isDisconnect(error),
        });
      },
    );
  }

  override cancel(reason: unknown): void {
    this.controller?.abort(reason);
  }

  override abandoned(connection: AdaptedConnection): void {
    connection.invalidate(new Error("opened for a checkout that was cancelled meanwhile"));
  }
}

/** The statement each transaction request sends. */
const controlSql = {
  commit: "COMMIT",
  rollback: "ROLLBACK",
} as const;

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A driver connection adapted to the sync layer: every call returns an op that yields one
 * DriverRequest. It is what pool events receive as the "DBAPI connection" (SQLAlchemy's
 * AdaptedConnection): `yield* dbapiConnection.cursor().execute("select 1")`, or
 * `yield* dbapiConnection.runAsync((driverConnection) => ...)` to reach the driver's own API.
 *
 * Once a call fails with a disconnect, or the connection is invalidated or closed, every later call
 * raises at once without touching the driver: a dead connection is never used again.
 */
export class AdaptedConnection {
  declare readonly dialect: Dialect;
  declare readonly driver: DriverConnection;
  /** Whether the database has an open transaction on this connection (BEGIN sent, not ended). */
  declare inTransaction: boolean;
  /** Set when the connection was found dead or was dropped: the error every later call raises. */
  declare private deadReason: DBAPIError | undefined;
  declare private closedPolitely: boolean;
  /**
   * Set while a cancelled call may still be running on a driver that keeps its session through a
   * cancel (`DriverConnection.keepsSessionOnCancel`): settles when that call ends. Until reset(),
   * the connection takes no other call: its transaction, if any, is lost.
   */
  declare private interruption: Promise<void> | undefined;

  constructor(dialect: Dialect, driver: DriverConnection) {
    this.dialect = dialect;
    this.driver = driver;
    this.inTransaction = false;
    this.deadReason = undefined;
    this.closedPolitely = false;
    this.interruption = undefined;
  }

  /** The driver's own connection object. */
  get driverConnection(): unknown {
    return this.driver.driverConnection;
  }

  /** Dead (a disconnect, an invalidation, a cancelled call) or closed: unusable. */
  get invalidated(): boolean {
    return this.deadReason !== undefined;
  }

  get closed(): boolean {
    return this.closedPolitely || this.deadReason !== undefined;
  }

  /**
   * A call was cancelled mid-flight on a driver that keeps its session (PGlite: the statement runs
   * to its end in WebAssembly): the connection lives, but must be reset() before its next use.
   */
  get interrupted(): boolean {
    return this.interruption !== undefined;
  }

  /** Live and not interrupted: a call may go out now. */
  get usable(): boolean {
    return this.deadReason === undefined && this.interruption === undefined && !this.closedPolitely;
  }

  execute(sql: string, params: readonly unknown[] = []): DriverRequest<DriverResult> {
    return new DriverRequest("execute", this, sql, params);
  }

  executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): DriverRequest<{ rowcount: number | undefined }> {
    return new DriverRequest("executeMany", this, sql, paramSets);
  }

  openCursor(sql: string, params: readonly unknown[] = []): DriverRequest<DriverCursor> {
    return new DriverRequest("openCursor", this, sql, params);
  }

  fetch(cursor: DriverCursor, count: number): DriverRequest<DriverRows> {
    return new DriverRequest("fetch", this, undefined, count, cursor);
  }

  closeCursor(cursor: DriverCursor): DriverRequest<void> {
    return new DriverRequest("closeCursor", this, undefined, undefined, cursor);
  }

  /** BEGIN, with an isolation level when given ("SERIALIZABLE", "REPEATABLE READ", ...). */
  begin(isolationLevel?: string): Op<void> {
    const sql = isolationLevel === undefined ? "BEGIN" : `BEGIN ISOLATION LEVEL ${isolationLevel}`;
    return opCall(beginBody, this, [new DriverRequest<void>("begin", this, sql)]);
  }

  /** COMMIT; PostgreSQL answering it with ROLLBACK (the transaction had failed) raises InternalError. */
  commit(): Op<void> {
    return opCall(endBody, this, [
      new DriverRequest<DriverResult | undefined>("commit", this, controlSql.commit),
    ]);
  }

  rollback(): Op<void> {
    return opCall(endBody, this, [
      new DriverRequest<DriverResult | undefined>("rollback", this, controlSql.rollback),
    ]);
  }

  /**
   * Rolls back whatever may be open. After an interruption it first waits for the cancelled call to
   * end, then always sends ROLLBACK (harmless outside a transaction): the cancelled call may have
   * begun one that nobody knows of.
   */
  reset(): Op<void> {
    const connection = this;
    return op(function* reset() {
      const interruption = connection.interruption;
      if (interruption !== undefined) {
        yield* callAsync(function awaitCancelledCall() {
          return interruption;
        });
        if (connection.interruption === interruption) connection.interruption = undefined;
        connection.inTransaction = true;
      }
      if (connection.inTransaction) yield* connection.rollback();
    });
  }

  savepoint(name: string): DriverRequest<void> {
    return new DriverRequest("savepoint", this, `SAVEPOINT ${quoteName(name)}`);
  }

  releaseSavepoint(name: string): DriverRequest<void> {
    return new DriverRequest("releaseSavepoint", this, `RELEASE SAVEPOINT ${quoteName(name)}`);
  }

  rollbackToSavepoint(name: string): DriverRequest<void> {
    return new DriverRequest("rollbackToSavepoint", this, `ROLLBACK TO SAVEPOINT ${quoteName(name)}`);
  }

  /** Closes the driver connection politely; a dead one is already closed. */
  close(): DriverRequest<void> {
    return new DriverRequest("close", this, undefined);
  }

  /**
   * Drops the driver connection at once (no IO to wait for) and marks this connection dead, so no
   * later call reaches the driver. `reason` becomes the cause of the error those calls raise.
   */
  invalidate(reason?: unknown): void {
    if (this.deadReason === undefined) {
      this.deadReason = wrapDriverError({
        orig: reason ?? new Error("the connection was invalidated"),
        disconnect: true,
        connectionInvalidated: true,
      });
    }
    this.inTransaction = false;
    try {
      this.driver.terminate();
    } catch {
      // terminate() must not throw; if a driver's does, the connection is still dead to us.
    }
  }

  /** `yield* dbapiConnection.runAsync((driverConnection) => driverConnection.someAsyncCall())` */
  runAsync<T>(fn: (driverConnection: unknown, signal: AbortSignal) => T | PromiseLike<T>): Op<T> {
    const driverConnection = this.driverConnection;
    return new CallAsyncRequest((signal) => fn(driverConnection, signal));
  }

  /** A DBAPI-style cursor: `yield* cursor.execute(sql)`, then `cursor.fetchone()`. */
  cursor(): AdaptedCursor {
    return new AdaptedCursor(this);
  }

  /** `<AdaptedConnection <postgresql+pg connection>>`, as SQLAlchemy shows the DBAPI connection. */
  toString(): string {
    return `<AdaptedConnection <${this.dialect.name}+${this.dialect.driver} connection>>`;
  }

  /** Carries out one request on the driver (DriverRequest.perform lands here). */
  perform(request: DriverRequest): unknown {
    // Closing a dead connection has nothing left to do.
    if (request.kind === "close" && this.deadReason !== undefined) return undefined;
    if (this.deadReason !== undefined) throw this.deadReason;
    if (this.closedPolitely) throw new InvalidRequestError("this DBAPI connection is closed");
    const interruption = this.interruption;
    if (interruption !== undefined) {
      // Closing waits for the cancelled call; anything else would run beside it, in a lost transaction.
      if (request.kind === "close") {
        return interruption.then(() => {
          if (this.interruption === interruption) this.interruption = undefined;
          return this.perform(request);
        });
      }
      throw new InvalidRequestError(
        "a cancelled call may still be running on this DBAPI connection; reset() it (which waits for that call and rolls back) before using it again",
      );
    }
    const driver = this.driver;
    let pending: Promise<unknown>;
    switch (request.kind) {
      case "execute":
        pending = driver.execute(request.sql!, request.params as readonly unknown[]);
        break;
      case "executeMany":
        pending = driver.executeMany(request.sql!, request.params as readonly (readonly unknown[])[]);
        break;
      case "openCursor":
        pending = driver.openCursor(request.sql!, request.params as readonly unknown[]);
        break;
      case "fetch":
        pending = request.cursor!.fetch(request.params as number);
        break;
      case "closeCursor":
        pending = request.cursor!.close();
        break;
      case "close":
        this.closedPolitely = true;
        return driver.close().then(undefined, () => {
          // A connection that fails to close politely is dropped.
          driver.terminate();
        });
      default:
        pending = driver.execute(request.sql!, []);
    }
    // Failures are wrapped where they are thrown into the op (DriverRequest.throw).
    return pending;
  }

  /** @internal Wraps a driver failure, invalidating this connection when it is a disconnect. */
  failed(request: DriverRequest, error: unknown): DBAPIError {
    const disconnect = this.deadReason !== undefined || this.dialect.isDisconnect(error);
    const wrapped = wrapDriverError({
      orig: this.deadReason?.orig ?? error,
      statement: request.sql,
      params:
        request.kind === "execute" || request.kind === "openCursor"
          ? (request.params as unknown[])
          : undefined,
      disconnect,
      connectionInvalidated: disconnect,
    });
    if (disconnect) this.invalidate(error);
    return wrapped;
  }

  /**
   * The run was aborted while `request` was in flight. A driver that keeps its session through a
   * cancel lets the call finish and the connection is interrupted (reset() before reuse: never
   * dropped, which for an in-memory database would drop the data). Any other is asked to cancel the
   * statement on the server, then dropped: its state can no longer be known.
   */
  cancelled(request: DriverRequest, reason: unknown): void {
    if (
      this.driver.keepsSessionOnCancel === true &&
      this.deadReason === undefined &&
      request.kind !== "close"
    ) {
      const inFlight = request.inFlight;
      const previous = this.interruption;
      this.interruption = Promise.all([previous, inFlight]).then(
        () => {},
        () => {},
      );
      return;
    }
    const cancel = this.driver.cancel?.();
    cancel?.then(undefined, () => {});
    this.invalidate(reason ?? new Error("the call was cancelled"));
  }
}

// The transaction state changes when the request is answered, however it is answered (a driver, or a
// scripted handler in tests), so it lives in these ops rather than in perform().
function* beginBody(
  this: AdaptedConnection,
  request: DriverRequest<void>,
): Generator<Instruction, void, unknown> {
  yield* request;
  this.inTransaction = true;
}

function* endBody(
  this: AdaptedConnection,
  request: DriverRequest<DriverResult | undefined>,
): Generator<Instruction, void, unknown> {
  try {
    const result = yield* request;
    // An aborted transaction (a statement failed in it) answers COMMIT with the tag ROLLBACK and no
    // error: nothing was written, and the caller must hear so.
    if (request.kind === "commit" && result?.command === "ROLLBACK") throw commitRolledBack();
  } catch (error) {
    // The server ends the transaction even when COMMIT fails (it rolls back). A failure the server
    // did not report (no SQLSTATE) leaves the transaction's state unknown: never reuse that connection.
    if (!(error instanceof DBAPIError && error.code !== undefined)) this.invalidate(error);
    throw error;
  } finally {
    this.inTransaction = false;
  }
}

/** A DBAPI-style cursor over an AdaptedConnection, for event handlers written as in SQLAlchemy. */
export class AdaptedCursor {
  readonly connection: AdaptedConnection;
  /** Names of the last statement's fields; undefined when it returned no rows. */
  description: readonly string[] | undefined = undefined;
  rowcount = -1;
  #rows: DriverRows = [];
  #position = 0;

  constructor(connection: AdaptedConnection) {
    this.connection = connection;
  }

  execute(sql: string, params: readonly unknown[] = []): Op<void> {
    const cursor = this;
    return op(function* execute() {
      const result = yield* cursor.connection.execute(sql, params);
      cursor.description = result.returnsRows ? result.fields : undefined;
      cursor.rowcount = result.rowcount ?? -1;
      cursor.#rows = result.rows;
      cursor.#position = 0;
    });
  }

  fetchone(): readonly unknown[] | null {
    const row = this.#rows[this.#position];
    if (row === undefined) return null;
    this.#position++;
    return row;
  }

  fetchmany(size = 1): (readonly unknown[])[] {
    const rows = this.#rows.slice(this.#position, this.#position + size);
    this.#position += rows.length;
    return rows;
  }

  fetchall(): (readonly unknown[])[] {
    return this.fetchmany(this.#rows.length - this.#position);
  }
}
