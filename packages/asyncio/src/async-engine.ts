import {
  ArgumentError,
  createEngine,
  type DatabaseUrl,
  type Dialect,
  type Engine,
  type EngineOptions,
  type ExecutionOptions,
  engineFromConfig,
  eventRedirect,
  InvalidRequestError,
  type Pool,
  type PoolProxiedConnection,
  run,
} from "@athanor/core";
import { AsyncConnection } from "./async-connection.ts";

const proxies = new WeakMap<Engine, AsyncEngine>();

/**
 * An async proxy for an Engine (SQLAlchemy's AsyncEngine): `await engine.connect()`,
 * `await engine.begin(async (conn) => ...)`, `await engine.dispose()`. The sync Engine underneath
 * (`syncEngine`) is where events are listened for. One proxy per sync engine:
 * `AsyncEngine.of(engine) === AsyncEngine.of(engine)`.
 */
export class AsyncEngine {
  readonly syncEngine: Engine;

  /** @internal Use createAsyncEngine() or AsyncEngine.of(). */
  constructor(syncEngine: Engine) {
    this.syncEngine = syncEngine;
  }

  /** The proxy of a sync engine, made once (so two proxies of one engine are the same object). */
  static of(syncEngine: Engine): AsyncEngine {
    let proxy = proxies.get(syncEngine);
    if (proxy === undefined) {
      proxy = new AsyncEngine(syncEngine);
      proxies.set(syncEngine, proxy);
    }
    return proxy;
  }

  /** Whether `other` proxies the same sync engine. */
  equals(other: unknown): boolean {
    return other instanceof AsyncEngine && other.syncEngine === this.syncEngine;
  }

  get url(): DatabaseUrl {
    return this.syncEngine.url;
  }

  get dialect(): Dialect {
    return this.syncEngine.dialect;
  }

  get pool(): Pool {
    return this.syncEngine.pool;
  }

  get name(): string {
    return this.syncEngine.name;
  }

  get driver(): string {
    return this.syncEngine.driver;
  }

  get echo(): boolean | "debug" {
    return this.syncEngine.echo;
  }

  /** A started AsyncConnection; with a callback, closed after it (its value returned). */
  connect(): Promise<AsyncConnection>;
  connect<T>(body: (conn: AsyncConnection) => Promise<T>): Promise<T>;
  async connect<T>(body?: (conn: AsyncConnection) => Promise<T>): Promise<AsyncConnection | T> {
    const conn = await new AsyncConnection(this).start();
    if (body === undefined) return conn;
    try {
      return await body(conn);
    } finally {
      await conn.close();
    }
  }

  /**
   * A connection in a transaction. With a callback (SQLAlchemy's `async with engine.begin()`):
   * committed when it resolves, rolled back when it throws, closed either way; its value returned.
   */
  begin(): Promise<AsyncConnection>;
  begin<T>(body: (conn: AsyncConnection) => Promise<T>): Promise<T>;
  async begin<T>(body?: (conn: AsyncConnection) => Promise<T>): Promise<AsyncConnection | T> {
    const conn = await new AsyncConnection(this).start();
    if (body === undefined) {
      try {
        await conn.begin();
      } catch (error) {
        await conn.close();
        throw error;
      }
      return conn;
    }
    try {
      return await conn.begin(() => body(conn));
    } finally {
      await conn.close();
    }
  }

  /** A pooled DBAPI connection; `await run(raw.close())` returns it. */
  rawConnection(): Promise<PoolProxiedConnection> {
    return run(this.syncEngine.rawConnection());
  }

  /**
   * Closes the pool's connections and starts a new pool; `{ close: false }` leaves the old
   * connections alone (a forked process sharing them).
   */
  dispose(options: { close?: boolean } = {}): Promise<void> {
    return run(this.syncEngine.dispose(options));
  }

  /** A new AsyncEngine sharing this one's pool and dialect, with these options added. */
  executionOptions(options: ExecutionOptions): AsyncEngine {
    return AsyncEngine.of(this.syncEngine.executionOptions(options));
  }

  getExecutionOptions(): ExecutionOptions {
    return this.syncEngine.getExecutionOptions();
  }

  updateExecutionOptions(options: ExecutionOptions): void {
    this.syncEngine.updateExecutionOptions(options);
  }

  clearCompiledCache(): void {
    this.syncEngine.clearCompiledCache();
  }

  toString(): string {
    return `AsyncEngine(${this.url})`;
  }

  /** Listeners go on the sync engine: `event.listen(engine.syncEngine, ...)`. */
  [eventRedirect](): Error {
    return new InvalidRequestError(
      "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncEngine.syncEngine or AsyncConnection.syncConnection attributes.",
    );
  }
}

/** Refuses engines the facade cannot drive: a synchronous driver, or a pool not made for async use. */
function checkAsyncCapable(engine: Engine): void {
  let dialect: Dialect;
  try {
    dialect = engine.dialect;
  } catch {
    return; // an unregistered dialect is loaded on first connect; it is checked by its package
  }
  if (!dialect.isAsync) {
    throw new ArgumentError(
      `The asyncio extension requires an async driver to be used. The loaded '${dialect.name}+${dialect.driver}' is not async.`,
    );
  }
  const pool = engine.pool as Pool & { readonly asyncCapable?: boolean };
  const PoolClass = pool.constructor as { readonly asyncCapable?: boolean; readonly name: string };
  if (PoolClass.asyncCapable === false) {
    throw new ArgumentError(`Pool class ${PoolClass.name} cannot be used with asyncio engine`);
  }
}

/** `createAsyncEngine("postgresql+pglite://", { echo: true })` */
export function createAsyncEngine(url: string | DatabaseUrl, options: EngineOptions = {}): AsyncEngine {
  const engine = createEngine(url, options);
  checkAsyncCapable(engine);
  return AsyncEngine.of(engine);
}

/** An AsyncEngine from a config dictionary (`{"athanor.url": ..., "athanor.echo": "true"}`), strings coerced. */
export function asyncEngineFromConfig(
  config: Readonly<Record<string, unknown>>,
  prefix = "athanor.",
): AsyncEngine {
  const engine = engineFromConfig(config, prefix);
  checkAsyncCapable(engine);
  return AsyncEngine.of(engine);
}
