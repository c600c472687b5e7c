import type { DBAPIError } from "../driver-errors.ts";
import { op } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { Dialect } from "./dialect.ts";
import { PoolClosedError } from "./engine-errors.ts";
import { anyListening, declareEvents, dispatch, type EventTarget, type HandlerResult } from "./events.ts";
import type { Logger } from "./logging.ts";
import { type ConnectionRecord, PoolProxiedConnection } from "./pooled-connection.ts";

/** Pool events: `event.listen(engine.pool, "checkout", ...)`, or on the engine, or on the Pool class. */
export interface PoolEvents {
  /** A new DBAPI connection, before anyone uses it. */
  connect(dbapiConnection: AdaptedConnection, record: ConnectionRecord): HandlerResult;
  /** The pool's first new connection ever (after the dialect read the server's facts). */
  firstConnect(dbapiConnection: AdaptedConnection, record: ConnectionRecord): HandlerResult;
  checkout(
    dbapiConnection: AdaptedConnection,
    record: ConnectionRecord,
    proxied: PoolProxiedConnection,
  ): HandlerResult;
  /** The connection came back; `dbapiConnection` is undefined when it was invalidated meanwhile. */
  checkin(dbapiConnection: AdaptedConnection | undefined, record: ConnectionRecord): HandlerResult;
  /** The connection was reset on return (its transaction rolled back). */
  reset(dbapiConnection: AdaptedConnection, record: ConnectionRecord): HandlerResult;
  /** The DBAPI connection was invalidated (closed, never reused); `error` says why when known. */
  invalidate(dbapiConnection: AdaptedConnection, record: ConnectionRecord, error: unknown): HandlerResult;
}

export const poolEventNames = [
  "connect",
  "firstConnect",
  "checkout",
  "checkin",
  "reset",
  "invalidate",
] as const;

export interface PoolOptions {
  /** Opens one DBAPI connection. */
  readonly creator: () => Op<AdaptedConnection>;
  /** The dialect whose `initialize` runs on the first connection and `onConnect` on each. */
  readonly dialect?: Dialect | undefined;
  /** Seconds after which a connection is replaced at checkout; -1 never. */
  readonly recycle?: number | undefined;
  /** Test each connection with `SELECT 1` at checkout; a dead one is replaced. */
  readonly prePing?: boolean | undefined;
  /** Roll back whatever is open when a connection comes back (default true). */
  readonly resetOnReturn?: boolean | undefined;
  /** Pool logging (`echoPool`). */
  readonly logger?: Logger | undefined;
  /** Other event targets that hear this pool's events (the engine). */
  readonly eventParents?: readonly object[] | undefined;
}

/** Keeps at most one warning per abandoned checkout, and takes the slot back. */
const abandoned = new FinalizationRegistry<ConnectionRecord>((record) => {
  record.pool.abandoned(record);
});

/**
 * Hands out DBAPI connections and takes them back: SQLAlchemy's Pool. All IO (connecting, pinging,
 * resetting on return) happens in ops, inside the caller's run. A connection found dead is
 * invalidated and replaced, never handed out again; a connection dropped without being returned is
 * reported (AthanorWarning ATHANOR_CONNECTION_NOT_RETURNED), closed, and its slot freed.
 */
export abstract class Pool implements EventTarget<PoolEvents> {
  declare readonly __events?: PoolEvents;
  readonly options: PoolOptions;
  /** Bumped by invalidateAll() and dispose(): connections of older generations are closed, not reused. */
  protected generation = 0;
  #firstConnectDone = false;
  #eventTargets: readonly object[];
  /** Set by retire(): the pool that replaced this one. */
  #successor: Pool | undefined = undefined;
  protected closedForGood = false;

  constructor(options: PoolOptions) {
    this.options = options;
    this.#eventTargets = [this, ...(options.eventParents ?? []), this.constructor];
  }

  /**
   * Checks a connection out: `const raw = yield* pool.connect()`; `yield* raw.close()` returns it.
   * Whatever way the checkout ends (an error, an abort while connecting or in a handler), the slot
   * it took is given back: nothing is kept by nobody.
   */
  connect(): Op<PoolProxiedConnection> {
    return op(this, function* checkout(this: Pool) {
      if (this.closedForGood) throw new PoolClosedError("this pool was disposed of for good");
      if (this.#successor !== undefined) return yield* this.#successor.connect();
      const acquired = yield* this.acquire();
      // Retired while waiting (the engine was disposed): the pool that replaced this one serves.
      if (acquired instanceof Pool) return yield* acquired.connect();
      const record = acquired;
      let handedOut = false;
      try {
        const connection = yield* this.ready(record);
        const proxied = new PoolProxiedConnection(record, connection);
        this.options.logger?.info(`Connection ${connection} checked out from pool`);
        if (anyListening("checkout")) {
          yield* dispatch(this.#eventTargets, "checkout", [connection, record, proxied]);
        }
        abandoned.register(proxied, record, proxied);
        handedOut = true;
        return proxied;
      } finally {
        if (!handedOut) this.salvage(record);
      }
    });
  }

  /** Takes a checkout back (PoolProxiedConnection.close() calls this). */
  checkin(proxied: PoolProxiedConnection): Op<void> {
    return op(this, function* checkin(this: Pool) {
      abandoned.unregister(proxied);
      const record = proxied.record;
      let putBack = false;
      try {
        let connection = record.dbapiConnection;
        if (connection !== undefined && this.reusable(record, connection)) {
          if (this.options.resetOnReturn !== false && (connection.inTransaction || connection.interrupted)) {
            try {
              yield* connection.reset();
              if (anyListening("reset")) yield* dispatch(this.#eventTargets, "reset", [connection, record]);
            } catch (error) {
              yield* this.invalidateRecord(record, error);
              connection = undefined;
            }
          }
        } else if (connection !== undefined) {
          yield* this.closeConnection(record);
          connection = undefined;
        }
        this.options.logger?.info(`Connection ${connection ?? "(invalidated)"} being returned to pool`);
        if (anyListening("checkin")) yield* dispatch(this.#eventTargets, "checkin", [connection, record]);
        if (this.keep(record)) {
          this.release(record);
        } else {
          yield* this.closeConnection(record);
          this.discard(record);
        }
        putBack = true;
      } finally {
        if (!putBack) this.salvage(record);
      }
    });
  }

  /**
   * Puts a record back with no IO, after a checkout or checkin was cut short (an abort, a handler's
   * error): a live connection stays for the next checkout (which resets it first, see ready()); a
   * dead one, or one this pool no longer keeps, is dropped and its slot freed.
   */
  private salvage(record: ConnectionRecord): void {
    const connection = record.dbapiConnection;
    if (connection !== undefined && this.reusable(record, connection) && this.keep(record)) {
      this.release(record);
      return;
    }
    record.dbapiConnection = undefined;
    connection?.invalidate(new Error("dropped by a checkout or checkin that was cut short"));
    this.discard(record);
  }

  /** Drops a record's DBAPI connection at once (no IO); the record reconnects at its next checkout. */
  invalidateRecord(record: ConnectionRecord, error?: unknown): Op<void> {
    return op(this, function* invalidate(this: Pool) {
      const connection = record.dbapiConnection;
      if (connection === undefined) return;
      connection.invalidate(error);
      record.dbapiConnection = undefined;
      record.invalidatedBy = error;
      record.info = {};
      this.options.logger?.info(`Invalidate connection ${connection} (reason: ${describeError(error)})`);
      if (anyListening("invalidate")) {
        yield* dispatch(this.#eventTargets, "invalidate", [connection, record, error]);
      }
    });
  }

  /**
   * Marks every connection made so far as stale: idle ones are replaced at their next checkout,
   * checked-out ones are closed when they come back. (After a disconnect, as SQLAlchemy does.)
   */
  invalidateAll(): void {
    this.generation++;
  }

  /** Closes the idle connections; checked-out ones are closed when they come back. */
  dispose(): Op<void> {
    return op(this, function* dispose(this: Pool) {
      this.generation++;
      for (const record of this.takeAllIdle()) {
        yield* this.closeConnection(record);
        this.discard(record);
      }
      this.options.logger?.info("Pool disposed");
    });
  }

  /**
   * Hands this pool's work to `successor` (the engine's dispose() replaced it): tasks waiting for a
   * connection here are served there, later checkouts go there, and connections coming back here are
   * closed rather than kept for nobody.
   */
  retire(successor: Pool): void {
    this.#successor = successor;
    this.forwardWaiters(successor);
  }

  /** Disposes and refuses any later checkout (the engine's dispose makes a new pool instead). */
  close(): Op<void> {
    return op(this, function* closePool(this: Pool) {
      yield* this.dispose();
      this.closedForGood = true;
      this.rejectWaiters(new PoolClosedError("the pool was closed while waiting for a connection"));
    });
  }

  /** A new pool of the same kind and settings, with no connections. */
  abstract recreate(): Pool;

  /** "Pool size: 5  Connections in pool: 1 Current Overflow: -4 Current Checked out connections: 0" */
  abstract status(): string;

  /** Connections checked out now. */
  abstract checkedout(): number;

  /**
   * A record to check out: an idle one, a new one, or one another run returns (may wait); or, when
   * the pool was retired while waiting, the pool that replaced it.
   */
  protected abstract acquire(): Op<ConnectionRecord | Pool>;
  /** A record comes back: hand it to a waiter, or keep it idle. */
  protected abstract release(record: ConnectionRecord): void;
  /** A record leaves the pool for good: its slot is free. */
  protected abstract discard(record: ConnectionRecord): void;
  /** Whether a returned record stays in the pool (an overflow connection may not). */
  protected keep(_record: ConnectionRecord): boolean {
    return !this.closedForGood && this.#successor === undefined;
  }
  protected abstract takeAllIdle(): ConnectionRecord[];
  protected rejectWaiters(_error: Error): void {}
  protected forwardWaiters(_successor: Pool): void {}

  /** Called by the finalizer when a checkout was dropped without being returned. */
  abandoned(record: ConnectionRecord): void {
    process.emitWarning(
      `a pooled connection (${record.dbapiConnection ?? "invalidated"}) was garbage collected without being ` +
        "returned to the pool; it was closed and not reused. Close connections (conn.close(), " +
        "`await using`, or the callback forms) when done.",
      { type: "AthanorWarning", code: "ATHANOR_CONNECTION_NOT_RETURNED" },
    );
    record.dbapiConnection?.invalidate(new Error("connection garbage collected without being returned"));
    record.dbapiConnection = undefined;
    this.discard(record);
  }

  private reusable(record: ConnectionRecord, connection: AdaptedConnection): boolean {
    return (
      !connection.invalidated &&
      !connection.closed &&
      record.generation === this.generation &&
      !this.closedForGood &&
      this.#successor === undefined
    );
  }

  private expired(record: ConnectionRecord): boolean {
    const recycle = this.options.recycle ?? -1;
    return recycle >= 0 && Date.now() - record.startedAt > recycle * 1000;
  }

  /**
   * A live connection for a record: stale, recycled and (with pre-ping) dead ones are replaced, and
   * one left mid-work by a checkout or checkin that was cut short is reset first.
   */
  private *ready(record: ConnectionRecord): Generator<Instruction, AdaptedConnection, unknown> {
    let connection = record.dbapiConnection;
    if (connection !== undefined && (!this.reusable(record, connection) || this.expired(record))) {
      yield* this.closeConnection(record);
      connection = undefined;
    }
    if (
      connection !== undefined &&
      (connection.interrupted || (connection.inTransaction && this.options.resetOnReturn !== false))
    ) {
      try {
        yield* connection.reset();
      } catch (error) {
        yield* this.invalidateRecord(record, error);
        connection = undefined;
      }
    }
    if (connection !== undefined && this.options.prePing === true) {
      try {
        yield* connection.execute("SELECT 1");
      } catch (error) {
        if ((error as DBAPIError).connectionInvalidated !== true) throw error;
        // The server dropped it (and maybe every connection: a restart). Replace this one now and
        // the others as they are checked out.
        yield* this.invalidateRecord(record, error);
        this.invalidateAll();
        connection = undefined;
      }
    }
    return connection ?? (yield* this.open(record));
  }

  /**
   * Opens a record's connection and sets it up (dialect facts, session settings, connect handlers).
   * Set-up cut short (an error, an abort) closes the new connection: it is never handed out half
   * set up, and a live one is closed politely rather than dropped (for an in-memory database,
   * dropping is what loses the data).
   */
  private open(record: ConnectionRecord): Op<AdaptedConnection> {
    // An op of its own (a scheduler frame), not a generator delegated to with yield*: its finally
    // does IO when an abort closes it, and a delegating yield* would turn that abort into a normal
    // return for the code after it.
    return op(this, function* open(this: Pool) {
      const connection = yield* this.options.creator();
      record.dbapiConnection = connection;
      record.startedAt = Date.now();
      record.generation = this.generation;
      record.invalidatedBy = undefined;
      let opened = false;
      try {
        const dialect = this.options.dialect;
        if (!this.#firstConnectDone) {
          if (dialect?.initialize !== undefined) yield* dialect.initialize(connection);
          this.#firstConnectDone = true;
          if (anyListening("firstConnect")) {
            yield* dispatch(this.#eventTargets, "firstConnect", [connection, record]);
          }
        }
        if (dialect?.onConnect !== undefined) yield* dialect.onConnect(connection);
        this.options.logger?.info(`Created new connection ${connection}`);
        if (anyListening("connect")) yield* dispatch(this.#eventTargets, "connect", [connection, record]);
        opened = true;
        return connection;
      } finally {
        if (!opened && record.dbapiConnection === connection) yield* this.closeConnection(record);
      }
    });
  }

  /** Closes a record's connection politely (a dead one is just dropped). */
  protected *closeConnection(record: ConnectionRecord): Generator<Instruction, void, unknown> {
    const connection = record.dbapiConnection;
    record.dbapiConnection = undefined;
    if (connection === undefined) return;
    if (connection.closed) {
      connection.invalidate();
      return;
    }
    this.options.logger?.info(`Closing connection ${connection}`);
    let closed = false;
    try {
      yield* connection.close();
      closed = true;
    } catch {
      // Dropped below.
    } finally {
      // A close that failed, or was cut short by an abort, drops the connection.
      if (!closed) connection.invalidate();
    }
  }
}
declareEvents(Pool, poolEventNames);

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? "none given");
}
