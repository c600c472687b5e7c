import {
  InvalidRequestError,
  type NestedTransaction,
  type RootTransaction,
  type Transaction,
} from "@athanor/core";
import type { AsyncConnection } from "./async-connection.ts";

/** One proxy per sync transaction: `getTransaction()` returns the object the user began. */
const proxies = new WeakMap<Transaction, AsyncTransaction>();

/**
 * An async proxy for a Transaction (SQLAlchemy's AsyncTransaction). Made started by
 * `conn.begin()` / `conn.beginNested()`; `new AsyncTransaction(conn)` is made unstarted and
 * begins with `await trans.start()`. `await using trans = await conn.begin()` rolls back on exit
 * unless committed.
 */
export class AsyncTransaction {
  readonly connection: AsyncConnection;
  readonly nested: boolean;
  #sync: Transaction | undefined;

  constructor(connection: AsyncConnection, options: { nested?: boolean } = {}) {
    this.connection = connection;
    this.nested = options.nested ?? false;
    this.#sync = undefined;
  }

  /** @internal The proxy of a sync transaction, made once. */
  static of(connection: AsyncConnection, sync: Transaction): AsyncTransaction {
    let proxy = proxies.get(sync);
    if (proxy === undefined) {
      proxy = new AsyncTransaction(connection, { nested: sync.nested });
      proxy.#sync = sync;
      proxies.set(sync, proxy);
    }
    return proxy;
  }

  /** Begins the transaction (BEGIN, or a SAVEPOINT when nested). */
  async start(): Promise<this> {
    if (this.#sync !== undefined)
      throw new InvalidRequestError("this AsyncTransaction has already been started");
    const sync: RootTransaction | NestedTransaction = this.nested
      ? await this.connection.runOp(this.connection.syncConnection.beginNested())
      : await this.connection.runOp(this.connection.syncConnection.begin());
    this.#sync = sync;
    proxies.set(sync, this);
    return this;
  }

  get syncTransaction(): Transaction {
    if (this.#sync === undefined) {
      throw new InvalidRequestError(
        "AsyncTransaction context has not been started and object has not been awaited.",
      );
    }
    return this.#sync;
  }

  get isActive(): boolean {
    return this.#sync?.isActive ?? false;
  }

  get isValid(): boolean {
    return this.#sync?.isValid ?? false;
  }

  async commit(): Promise<void> {
    await this.connection.runOp(this.syncTransaction.commit());
  }

  async rollback(): Promise<void> {
    await this.connection.runOp(this.syncTransaction.rollback());
  }

  /** Rolls back if still open. */
  async close(): Promise<void> {
    await this.connection.runOp(this.syncTransaction.close());
  }

  /** `await using trans = await conn.begin()`: rolled back on exit unless committed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#sync !== undefined && !this.connection.closed) await this.close();
  }
}
