import { InvalidRequestError } from "../errors.ts";
import { callAsync } from "../runtime/call-async.ts";
import { op } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import { ConnectRequest } from "./adapted-connection.ts";
import {
  Connection,
  type ConnectionEvents,
  connectionEventNames,
  type ExecutionOptions,
} from "./connection.ts";
import type { Dialect, DialectFactory } from "./dialect.ts";
import { loadDialect, registeredDialect } from "./dialect-registry.ts";
import {
  type EngineOptions,
  optionsFromConfig,
  type ParsedEngineOptions,
  parseEngineOptions,
  parseExecutionOptions,
} from "./engine-options.ts";
import { declareEvents, type EventTarget, eventHost } from "./events.ts";
import { type Logger, makeLogger } from "./logging.ts";
import { NullPool } from "./null-pool.ts";
import { type Pool, type PoolEvents, type PoolOptions, poolEventNames } from "./pool.ts";
import type { PoolProxiedConnection } from "./pooled-connection.ts";
import { QueuePool, StaticPool } from "./queue-pool.ts";
import type { RootTransaction } from "./transaction.ts";
import { type DatabaseUrl, makeUrl } from "./url.ts";

/** An engine hears the events of its connections and of its pool. */
export type EngineEvents = ConnectionEvents & PoolEvents;

type Body<T> = (conn: Connection) => Iterator<Instruction, T, unknown>;

/** What an engine shares with the engines `executionOptions()` derives from it. */
class EngineCore {
  readonly url: DatabaseUrl;
  readonly options: ParsedEngineOptions;
  dialect: Dialect | undefined;
  pool: Pool | undefined;
  factory: DialectFactory | undefined;
  readonly root: Engine;

  constructor(url: DatabaseUrl, options: ParsedEngineOptions, root: Engine) {
    this.url = url;
    this.options = options;
    this.root = root;
    this.dialect = undefined;
    this.pool = undefined;
    this.factory = undefined;
  }
}

/**
 * A source of connections for one database (SQLAlchemy's Engine): its URL, dialect, pool and
 * execution options. `yield* engine.connect()` checks out a Connection; `engine.begin(body)` runs
 * a body in a transaction. A dialect that is registered (its package imported) is set up at once;
 * otherwise its package is found and imported on the first connect.
 */
export class Engine implements EventTarget<EngineEvents> {
  declare readonly __events?: EngineEvents;
  readonly #core: EngineCore;
  #executionOptions: ExecutionOptions;
  readonly #parent: Engine | undefined;

  /** @internal Use createEngine(). */
  constructor(core: EngineCore | undefined, url: DatabaseUrl, options: ParsedEngineOptions, parent?: Engine) {
    this.#core = core ?? new EngineCore(url, options, this);
    this.#parent = parent;
    this.#executionOptions =
      parent !== undefined
        ? parent.#executionOptions
        : {
            ...options.executionOptions,
            ...(options.isolationLevel === undefined ? {} : { isolationLevel: options.isolationLevel }),
          };
    if (core === undefined) {
      const factory = registeredDialect(url);
      if (factory !== undefined) this.#setUp(factory);
    }
  }

  get url(): DatabaseUrl {
    return this.#core.url;
  }

  /** The dialect; before an unregistered dialect's package is loaded (first connect), an error says so. */
  get dialect(): Dialect {
    const dialect = this.#core.dialect;
    if (dialect === undefined) {
      throw new InvalidRequestError(
        `the dialect for "${this.url.drivername}://" is loaded on the first connect and has not been yet; ` +
          "import its package before createEngine() to have it at once",
      );
    }
    return dialect;
  }

  get pool(): Pool {
    this.dialect;
    return this.#core.pool!;
  }

  /** "postgresql" */
  get name(): string {
    return this.dialect.name;
  }

  /** "pg", "postgresjs", "pglite" */
  get driver(): string {
    return this.dialect.driver;
  }

  get echo(): boolean | "debug" {
    return this.#core.options.echo ?? false;
  }

  get logger(): Logger {
    return this.#logger;
  }

  get #logger(): Logger {
    return this.#core.options.logger ?? cachedLoggers.get(this.#core) ?? makeEngineLogger(this.#core);
  }

  /** @internal Event targets of this engine's connections and pool, most specific first. */
  get eventTargets(): readonly object[] {
    const targets: object[] = [];
    for (let engine: Engine | undefined = this; engine !== undefined; engine = engine.#parent)
      targets.push(engine);
    targets.push(this.constructor);
    return targets;
  }

  /** Checks out a connection: `const conn = yield* engine.connect()`. With a body: runs it and closes the connection after. */
  connect(): Op<Connection>;
  connect<T>(body: Body<T>): Op<T>;
  connect<T>(body?: Body<T>): Op<Connection | T> {
    const engine = this;
    return op(function* connect() {
      yield* engine.#ready();
      const proxied = yield* engine.pool.connect();
      const connection = new Connection(engine, proxied, engine.#executionOptions);
      if (body === undefined) return connection;
      try {
        return yield* { [Symbol.iterator]: () => body(connection) };
      } finally {
        yield* connection.close();
      }
    });
  }

  /**
   * A connection with its transaction begun. With a body: committed when the body returns, rolled
   * back if it throws, and closed either way (SQLAlchemy's `with engine.begin() as conn:`).
   */
  begin(): Op<Connection>;
  begin<T>(body: Body<T>): Op<T>;
  begin<T>(body?: Body<T>): Op<Connection | T> {
    const engine = this;
    return op(function* begin() {
      const connection = yield* engine.connect();
      if (body === undefined) {
        try {
          yield* connection.begin();
        } catch (error) {
          yield* connection.close();
          throw error;
        }
        return connection;
      }
      try {
        return yield* connection.begin(function* (_transaction: RootTransaction) {
          return yield* { [Symbol.iterator]: () => body(connection) };
        });
      } finally {
        yield* connection.close();
      }
    });
  }

  /** A pooled DBAPI connection, outside any Connection: `yield* raw.close()` returns it. */
  rawConnection(): Op<PoolProxiedConnection> {
    const engine = this;
    return op(function* rawConnection() {
      yield* engine.#ready();
      return yield* engine.pool.connect();
    });
  }

  /**
   * Closes the pool's idle connections and starts a new pool; checked-out connections are closed
   * as they come back. `{ close: false }` leaves the old pool's connections alone (for a forked
   * process sharing them), and just starts the new pool.
   */
  dispose(options: { close?: boolean } = {}): Op<void> {
    const core = this.#core;
    return op(function* dispose() {
      const pool = core.pool;
      if (pool === undefined) return;
      core.pool = pool.recreate();
      // Tasks waiting on the old pool are served by the new one, and connections coming back to the
      // old one are closed: nothing stays in a pool the engine no longer uses.
      pool.retire(core.pool);
      if (options.close !== false) yield* pool.dispose();
    });
  }

  /** A new Engine sharing this one's pool and dialect, with these execution options added. */
  executionOptions(options: ExecutionOptions): Engine {
    const merged = this.validateExecutionOptions({ ...this.#executionOptions, ...options });
    const child = new Engine(this.#core, this.#core.url, this.#core.options, this);
    child.#executionOptions = merged;
    return child;
  }

  getExecutionOptions(): ExecutionOptions {
    return this.#executionOptions;
  }

  /** Changes this engine's execution options in place (connections made later get them). */
  updateExecutionOptions(options: ExecutionOptions): void {
    this.#executionOptions = this.validateExecutionOptions({ ...this.#executionOptions, ...options });
  }

  /** @internal Pool-event listeners live on the root engine: the pool it shares dispatches to it. */
  [eventHost](name: string): Engine {
    return poolEvents.has(name) ? this.#core.root : this;
  }

  /** Empties the dialect's compiled statement cache. */
  clearCompiledCache(): void {
    this.#core.dialect?.compiledCache.clear();
  }

  /** @internal */
  validateExecutionOptions(options: ExecutionOptions): ExecutionOptions {
    return parseExecutionOptions(options);
  }

  toString(): string {
    return `Engine(${this.url})`;
  }

  #setUp(factory: DialectFactory): void {
    const core = this.#core;
    const options = core.options;
    const dialect = factory({ url: core.url, queryCacheSize: options.queryCacheSize });
    core.factory = factory;
    core.dialect = dialect;
    const creator = options.creator;
    const connectArgs = options.connectArgs ?? {};
    const url = core.url;
    const poolOptions: PoolOptions = {
      creator:
        creator === undefined
          ? () => new ConnectRequest(dialect, { url, connectArgs })
          : () => new ConnectRequest(dialect, () => creator()),
      dialect,
      recycle: options.poolRecycle,
      prePing: options.poolPrePing,
      resetOnReturn: options.poolResetOnReturn,
      logger: options.echoPool
        ? makeLogger(`${options.loggingName ?? "athanor.pool"}.${dialect.name}`)
        : undefined,
      eventParents: [core.root, core.root.constructor],
    };
    const poolclass = options.poolclass ?? dialect.defaultPoolClass;
    const queueOptions = {
      ...poolOptions,
      size: options.poolSize,
      maxOverflow: options.maxOverflow,
      timeout: options.poolTimeout,
      useLifo: options.poolUseLifo,
    };
    if (typeof poolclass === "function") {
      core.pool = new poolclass(queueOptions);
    } else if (poolclass === "null") {
      core.pool = new NullPool(poolOptions);
    } else if (poolclass === "static") {
      core.pool = new StaticPool({ ...poolOptions, timeout: options.poolTimeout });
    } else {
      core.pool = new QueuePool(queueOptions);
    }
  }

  *#ready(): Generator<Instruction, void, unknown> {
    if (this.#core.dialect !== undefined) return;
    const url = this.#core.url;
    const factory = yield* callAsync(function loadDialectPackage() {
      return loadDialect(url);
    });
    if (this.#core.dialect === undefined) this.#core.root.#setUp(factory);
  }
}
declareEvents(Engine, [...connectionEventNames, ...poolEventNames]);

/** Pool events on an engine derived with executionOptions() go to the root engine (they share the pool). */
const poolEvents: ReadonlySet<string> = new Set(poolEventNames);

const cachedLoggers = new WeakMap<EngineCore, Logger>();

function makeEngineLogger(core: EngineCore): Logger {
  const logger = makeLogger(core.options.loggingName ?? "athanor.engine.Engine");
  cachedLoggers.set(core, logger);
  return logger;
}

/**
 * Creates an Engine for a URL: `createEngine("postgresql+pg://scott:tiger@localhost/test", { poolSize: 10 })`.
 * Options are checked at once: an unknown or ill-typed one raises ArgumentError naming it.
 */
export function createEngine(url: string | DatabaseUrl, options: EngineOptions = {}): Engine {
  const parsedUrl = makeUrl(url);
  const parsed = parseEngineOptions(options);
  return new Engine(undefined, parsedUrl, parsed);
}

/**
 * An Engine from a configuration dictionary, as from a config file: `prefix + "url"` and the options
 * under `prefix` (camelCase or snake_case), strings coerced: `{"athanor.url": "...", "athanor.echo": "true"}`.
 */
export function engineFromConfig(config: Readonly<Record<string, unknown>>, prefix = "athanor."): Engine {
  const { url, options } = optionsFromConfig(config, prefix);
  return createEngine(url, options);
}
