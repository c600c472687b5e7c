import { resolve } from "node:path";
import {
  ArgumentError,
  type ConnectParams,
  type DatabaseUrl,
  type DialectCapabilities,
  type DialectOptions,
  type DriverConnection,
  type PoolClassName,
  PostgresDriverDialect,
} from "@athanor/core";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { PgliteConnectionClosedError, PgliteDatabaseLostError, pgliteClosedMessage } from "./errors.ts";
import { PgliteConnection, sessionSetupSql } from "./pglite-connection.ts";

/**
 * Data directories held by an instance this process opened through the dialect. Two PGlite
 * instances on one directory would corrupt it (PGlite takes no lock), so a second is refused.
 */
const dataDirsInUse = new Set<string>();

/**
 * PostgreSQL embedded through PGlite (WASM): `postgresql+pglite://` in memory,
 * `postgresql+pglite:///rel/dir` or `postgresql+pglite:////abs/dir` on disk. `connectArgs` are
 * PGlite's options (`extensions`, `relaxedDurability`, `loadDataDir`...), or `{ pglite }` to run on
 * an instance of the caller's, which the dialect never closes.
 *
 * PGlite is one backend with one session, so the default pool is "static": a single connection
 * for the engine. Every connection the dialect opens from a URL is a separate instance (a separate
 * database when in memory); connections given the same `pglite` share its one session.
 */
export class PgliteDialect extends PostgresDriverDialect {
  readonly driver = "pglite";
  readonly capabilities: DialectCapabilities = {
    serverSideCursors: true,
    returning: true,
    // PGlite runs statements one at a time, so fewer, bigger statements win: inserts as multi-row VALUES.
    executemany: "values",
    maxParameters: 65535,
  };
  override readonly defaultPoolClass: PoolClassName = "static";
  /** Set once an in-memory instance this dialect opened was dropped: its data cannot come back. */
  #inMemoryLost = false;

  constructor(options: DialectOptions) {
    super(options);
    checkUrl(options.url);
  }

  async connect(params: ConnectParams): Promise<DriverConnection> {
    checkUrl(params.url);
    const { pglite: given, ...options } = params.connectArgs;
    if (given !== undefined) return connectGiven(given, params.url, options);

    const dataDir = dataDirOf(params.url, options);
    const inMemory = dataDir === undefined || isInMemory(dataDir);
    // Never a new, empty database in place of one that was lost: fail, every time.
    if (inMemory && this.#inMemoryLost) throw new PgliteDatabaseLostError();
    const lock = dataDir !== undefined && !isInMemory(dataDir) ? dataDir : undefined;
    if (lock !== undefined) {
      if (dataDirsInUse.has(lock)) {
        throw new ArgumentError(
          `the PGlite data directory ${JSON.stringify(lock)} is already open in this process; ` +
            "PGlite allows one instance per directory (share it with connectArgs.pglite)",
        );
      }
      dataDirsInUse.add(lock);
    }
    const release = () => {
      if (lock !== undefined) dataDirsInUse.delete(lock);
    };
    let pglite: PGlite | undefined;
    try {
      pglite = await PGlite.create(pgliteOptions({ ...options, dataDir }));
      await pglite.exec(sessionSetupSql);
      return new PgliteConnection(pglite, {
        owned: true,
        onClosed: release,
        onTerminated: inMemory
          ? () => {
              this.#inMemoryLost = true;
            }
          : undefined,
      });
    } catch (error) {
      await pglite?.close().catch(() => {});
      release();
      throw error;
    }
  }

  /** PGlite's "closed" error (a call after close), ours for a closed connection, and a WASM trap. */
  protected isDriverDisconnect(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    return (
      error.name === PgliteConnectionClosedError.name ||
      error.message === pgliteClosedMessage ||
      // WebAssembly.RuntimeError: a trapped (aborted) WASM instance cannot run anything again.
      error.name === "RuntimeError"
    );
  }
}

async function connectGiven(
  given: unknown,
  url: DatabaseUrl,
  options: Readonly<Record<string, unknown>>,
): Promise<DriverConnection> {
  if (!(given instanceof PGlite)) {
    throw new ArgumentError("connectArgs.pglite must be a PGlite instance");
  }
  const conflicting = [
    ...(url.database === undefined ? [] : ["a database path in the URL"]),
    ...Object.keys(options),
  ];
  if (conflicting.length > 0) {
    throw new ArgumentError(
      `connectArgs.pglite is an open instance: ${conflicting.join(", ")} cannot apply to it`,
    );
  }
  await given.exec(sessionSetupSql);
  return new PgliteConnection(given, { owned: false });
}

/**
 * The URL names a data directory at most: `postgresql+pglite://host/dir` is refused, as it is
 * most likely a relative path written with two slashes instead of three.
 */
function checkUrl(url: DatabaseUrl): void {
  const parts = [
    url.username === undefined ? undefined : "a user name",
    url.password === undefined ? undefined : "a password",
    url.host === undefined ? undefined : `a host (${JSON.stringify(url.host)})`,
    url.port === undefined ? undefined : "a port",
    Object.keys(url.query).length === 0 ? undefined : "query options (pass PGlite options in connectArgs)",
  ].filter((part) => part !== undefined);
  if (parts.length > 0) {
    throw new ArgumentError(
      `a postgresql+pglite URL takes only a data directory (postgresql+pglite:///relative/dir or ` +
        `postgresql+pglite:////absolute/dir), not ${parts.join(", ")}: ${url}`,
    );
  }
}

/** The data directory from the URL or `connectArgs.dataDir` (not both); undefined is in memory. */
function dataDirOf(url: DatabaseUrl, options: Readonly<Record<string, unknown>>): string | undefined {
  const fromArgs = options.dataDir;
  if (fromArgs !== undefined && typeof fromArgs !== "string") {
    throw new ArgumentError("connectArgs.dataDir must be a string");
  }
  if (url.database !== undefined && fromArgs !== undefined) {
    throw new ArgumentError("give the PGlite data directory in the URL or in connectArgs.dataDir, not both");
  }
  const dataDir = url.database ?? fromArgs;
  // PGlite's own schemes (memory://, idb://, file://...) pass as they are; paths are from the cwd.
  return dataDir === undefined || hasScheme(dataDir) ? dataDir : resolve(dataDir);
}

function hasScheme(dataDir: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir);
}

function isInMemory(dataDir: string): boolean {
  return dataDir.startsWith("memory://");
}

/** connectArgs are PGlite's options, passed through unchecked (PGlite checks them). */
function pgliteOptions(options: Readonly<Record<string, unknown>>): PGliteOptions {
  return options as PGliteOptions;
}
