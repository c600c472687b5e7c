import { InvalidRequestError } from "../errors.ts";
import { op } from "../runtime/gen-op.ts";
import type { Op } from "../runtime/instruction.ts";
import { pure } from "../runtime/pure.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { Pool } from "./pool.ts";

/**
 * A pool's slot for one DBAPI connection (SQLAlchemy's _ConnectionRecord). It outlives the
 * connection: after an invalidation the record reconnects on its next checkout. `recordInfo`
 * persists across reconnects; `info` goes with the DBAPI connection.
 */
export class ConnectionRecord {
  readonly pool: Pool;
  dbapiConnection: AdaptedConnection | undefined = undefined;
  /**
   * Storage tied to the current DBAPI connection (`Connection.info` is this): emptied when that
   * connection is invalidated, as SQLAlchemy's is.
   */
  info: Record<string, unknown> = {};
  /** Storage of the record itself, kept across reconnects. */
  readonly recordInfo: Record<string, unknown> = {};
  /** When the current DBAPI connection was opened (ms since epoch), for recycle. */
  startedAt = 0;
  /** The pool generation the connection was made in; an older one is closed rather than reused. */
  generation = 0;
  /** The error that invalidated the connection, until it is replaced. */
  invalidatedBy: unknown = undefined;

  constructor(pool: Pool) {
    this.pool = pool;
  }

  /** The driver's own connection object, when connected. */
  get driverConnection(): unknown {
    return this.dbapiConnection?.driverConnection;
  }

  /** Drops the DBAPI connection now (no IO) and fires the pool's invalidate event on the next dispatch. */
  invalidate(error?: unknown): Op<void> {
    return this.pool.invalidateRecord(this, error);
  }
}

/**
 * A checked-out connection (SQLAlchemy's _ConnectionFairy): what Connection holds and what
 * `getRawConnection()` returns. It holds the one DBAPI connection it was checked out with: once that
 * is invalidated or the checkout is returned, it has none, even when its record (a pool slot, reused
 * by later checkouts) holds another. `close()` returns it to the pool (rolling back anything open).
 */
export class PoolProxiedConnection {
  readonly record: ConnectionRecord;
  readonly #connection: AdaptedConnection;
  #returned = false;

  constructor(record: ConnectionRecord, connection: AdaptedConnection) {
    this.record = record;
    this.#connection = connection;
  }

  /** The DBAPI connection of this checkout, while it is checked out and not invalidated; else undefined. */
  get connection(): AdaptedConnection | undefined {
    return !this.#returned && this.record.dbapiConnection === this.#connection ? this.#connection : undefined;
  }

  /** The AdaptedConnection (DBAPI-style) of this checkout. */
  get dbapiConnection(): AdaptedConnection {
    if (this.#returned) throw new InvalidRequestError("this pooled connection was returned to the pool");
    const connection = this.connection;
    if (connection === undefined) {
      throw new InvalidRequestError("this pooled connection was invalidated and has no DBAPI connection");
    }
    return connection;
  }

  /** The driver's own connection (a pg.Client, a postgres.js instance, a PGlite). */
  get driverConnection(): unknown {
    return this.dbapiConnection.driverConnection;
  }

  get info(): Record<string, unknown> {
    return this.record.info;
  }

  /** Still checked out and connected. */
  get isValid(): boolean {
    const connection = this.connection;
    return connection !== undefined && !connection.invalidated;
  }

  get returned(): boolean {
    return this.#returned;
  }

  /** Drops the DBAPI connection; the record reconnects at its next checkout. Nothing once returned. */
  invalidate(error?: unknown): Op<void> {
    if (this.connection === undefined) return pure(undefined);
    return this.record.invalidate(error);
  }

  /** Returns the connection to its pool (idempotent). */
  close(): Op<void> {
    const proxied = this;
    return op(function* closePooled() {
      if (proxied.#returned) return;
      proxied.#returned = true;
      yield* proxied.record.pool.checkin(proxied);
    });
  }
}
