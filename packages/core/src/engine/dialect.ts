import type { SqlDialect } from "../dialect/sql-dialect.ts";
import type { Op } from "../runtime/instruction.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { DriverConnection } from "./driver.ts";
import type { DatabaseUrl } from "./url.ts";

/** How a list of parameter sets is executed. */
export type ExecutemanyStrategy =
  /** INSERTs become batched multi-row VALUES; other statements go to the driver's executeMany. */
  | "values"
  /** Everything goes to the driver's executeMany (which pipelines). */
  | "pipeline";

export interface DialectCapabilities {
  /** Streaming through server-side cursors (`streamResults`, `yieldPer`). */
  readonly serverSideCursors: boolean;
  /** INSERT / UPDATE / DELETE ... RETURNING. */
  readonly returning: boolean;
  readonly executemany: ExecutemanyStrategy;
  /** Most bound parameters one statement may carry (PostgreSQL: 65535). */
  readonly maxParameters: number;
}

/** The pool a dialect gets when the engine options name none. */
export type PoolClassName = "queue" | "null" | "static";

/** What a dialect is told when it opens a connection. */
export interface ConnectParams {
  readonly url: DatabaseUrl;
  /** `connectArgs` of createEngine, passed through to the driver untouched. */
  readonly connectArgs: Readonly<Record<string, unknown>>;
  /**
   * Aborted when the checkout that asked for the connection was cancelled: stop connecting if the
   * driver can (a connection that opens anyway is dropped by core).
   */
  readonly signal?: AbortSignal;
}

/**
 * A dialect plugin: SQL flavour (compiler, compiled cache) plus a driver. Each engine makes its own
 * instance through the registered factory, so compiled caches and server facts are per engine.
 */
export interface Dialect extends SqlDialect {
  /** "postgresql" */
  readonly name: string;
  /** "pg", "postgresjs", "pglite" */
  readonly driver: string;
  /** Whether the driver's IO is asynchronous (the asyncio facade accepts only such dialects). */
  readonly isAsync: boolean;
  readonly capabilities: DialectCapabilities;
  readonly defaultPoolClass: PoolClassName;
  /** Opens a driver connection. Rejections are wrapped as DBAPI errors by the caller. */
  connect(params: ConnectParams): Promise<DriverConnection>;
  /** Whether a driver error means the connection is gone (it is then invalidated, never reused). */
  isDisconnect(error: unknown): boolean;
  /** Runs once per engine, on its first new connection: server version and other server facts. */
  initialize?(connection: AdaptedConnection): Op<void>;
  /** Runs on every new connection before anyone uses it (session settings). */
  onConnect?(connection: AdaptedConnection): Op<void>;
  /** The server's version once known (after the first connection), e.g. [15, 4]. */
  readonly serverVersionInfo?: readonly number[] | undefined;
}

export interface DialectOptions {
  readonly url: DatabaseUrl;
  readonly queryCacheSize?: number | undefined;
}

export type DialectFactory = (options: DialectOptions) => Dialect;
