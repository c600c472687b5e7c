import type { DatabaseUrl, DriverConnection, DriverCursor, DriverResult } from "@athanor/core";
import postgres from "postgres";
import { type BackendKey, sendCancelRequest } from "./cancel-request.ts";
import { ConnectionGoneError } from "./connection-errors.ts";
import { PostgresJsCursor } from "./postgresjs-cursor.ts";
import { buildOptions, userSocketFactory } from "./postgresjs-options.ts";
import { SocketGuard } from "./socket-guard.ts";
import { type ResultColumn, TypeCatalog } from "./type-catalog.ts";
import { initialParsers, initialSerializers, toDriverParameter } from "./value-types.ts";

/** Seconds `close()` lets statements in flight finish before it drops the socket. */
const closeTimeoutSeconds = 5;
const cancelTimeoutMs = 10_000;

/** What this adapter reads of a postgres.js result (a Result: an Array of rows with metadata). */
interface RawResult extends Array<unknown[]> {
  readonly count: number | null;
  readonly command: string | null;
  readonly columns?: readonly ResultColumn[] | null;
  readonly statement?: { readonly columns?: readonly ResultColumn[] | null } | null;
  readonly state?: BackendKey | null;
}

/** A multi-statement simple query answers one Result per statement, in a plain array. */
function lastResult(value: unknown): RawResult {
  const result = value as RawResult | RawResult[];
  if ("command" in result) return result;
  return result[result.length - 1]!;
}

/** Parameters as postgres.js gets them (value-types.ts: all are values it can send). */
function driverParameters(params: readonly unknown[]): postgres.ParameterOrJSON<never>[] {
  return params.map(toDriverParameter) as postgres.ParameterOrJSON<never>[];
}

/** Why the connection is unusable, for the error every later call gets. */
interface Lost {
  readonly message: string;
  readonly code: ConnectionGoneError["code"];
  readonly cause: unknown;
}

/**
 * One physical PostgreSQL connection through its own `postgres({ max: 1 })` instance (core pools
 * connections itself). postgres.js 3.4 has two hazards when a backend dies: a `max: 1` instance
 * silently reconnects, so the rest of a transaction runs in autocommit on a new backend; and
 * sql.begin / reserve() write to the dead socket, an uncaught TypeError that kills the process.
 * This adapter makes both impossible:
 *  - it never reconnects: the socket guard refuses any second socket, and once the backend is gone
 *    (a disconnect error, postgres.js's onclose, close(), terminate()) every call rejects at once;
 *  - it never uses sql.begin / reserve / .cursor(), whose code writes to a dead socket after a kill
 *    (the uncaught TypeError in nextWrite): transactions are plain BEGIN/COMMIT statements from core,
 *    cursors are DECLARE / FETCH;
 *  - once dead, the postgres.js instance is ended at once, which rejects every statement it still
 *    holds (in flight, or queued to go out on a new socket).
 */
export class PostgresJsConnection implements DriverConnection {
  readonly driverConnection: postgres.Sql;
  private readonly sql: postgres.Sql;
  private readonly guard: SocketGuard;
  private readonly isDisconnect: (error: unknown) => boolean;
  private readonly catalog = new TypeCatalog();
  /**
   * The field names of each prepared statement whose column types are all known, by postgres.js's
   * statement object (one per distinct SQL): later executions skip describing their columns again.
   */
  private readonly described = new WeakMap<object, readonly string[]>();
  private lost: Lost | undefined = undefined;
  private closing: Promise<void> | undefined = undefined;
  private backend: BackendKey | undefined = undefined;
  private readonly freeCursorIds: number[] = [];
  private nextCursorId = 1;

  private constructor(
    url: DatabaseUrl,
    connectArgs: Readonly<Record<string, unknown>>,
    isDisconnect: (error: unknown) => boolean,
  ) {
    this.isDisconnect = isDisconnect;
    this.guard = new SocketGuard(userSocketFactory(connectArgs));
    const options = buildOptions(url, connectArgs, this.guard, () =>
      this.lose({ message: "the server closed the connection", code: "CONNECTION_CLOSED", cause: undefined }),
    );
    this.sql = postgres(options as postgres.Options<Record<string, postgres.PostgresType>>);
    // This instance's own tables (postgres.js made them for it): exactly our parsers and serializers.
    const { parsers, serializers } = this.sql.options;
    for (const key of Object.keys(parsers)) delete parsers[Number(key)];
    for (const key of Object.keys(serializers)) delete serializers[Number(key)];
    Object.assign(parsers, initialParsers());
    Object.assign(serializers, initialSerializers());
    this.driverConnection = this.sql;
  }

  /** Opens the connection (postgres.js connects on the first statement) and learns the backend key. */
  static async open(
    url: DatabaseUrl,
    connectArgs: Readonly<Record<string, unknown>>,
    isDisconnect: (error: unknown) => boolean,
    signal?: AbortSignal,
  ): Promise<PostgresJsConnection> {
    signal?.throwIfAborted();
    const connection = new PostgresJsConnection(url, connectArgs, isDisconnect);
    // A cancelled checkout stops connecting: terminating rejects the first statement at once.
    const stop = () => connection.terminate();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      const result = lastResult(await connection.run("SELECT 1", []));
      if (result.state) connection.backend = { pid: result.state.pid, secret: result.state.secret };
    } catch (error) {
      connection.terminate();
      throw error;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    return connection;
  }

  /** The backend's process id (pg_backend_pid()). */
  get backendPid(): number | undefined {
    return this.backend?.pid;
  }

  /**
   * One statement. The driver's Query (a Promise subclass with its own `then`) is awaited inside an
   * async function, never given callbacks with `.then()`: measured with postgres.js alone, 1,000
   * point selects each sent from a `.then` callback of the previous Query kept promoting garbage to
   * the old generation (the heap grew between scavenges) and cost ~10 us more CPU per statement than
   * the same chain through an async function that awaits the Query (flat heap). A scheduler resuming
   * an op sends the next statement from exactly such a callback.
   */
  execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    // A DriverConnection rejects, never throws: callers (and tests) hold the promise.
    const lost = this.lost;
    if (lost !== undefined)
      return Promise.reject(new ConnectionGoneError(lost.message, lost.code, lost.cause));
    let values: postgres.ParameterOrJSON<never>[];
    try {
      values = driverParameters(params);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.query(sql, values);
  }

  private async query(sql: string, values: postgres.ParameterOrJSON<never>[]): Promise<DriverResult> {
    const result = lastResult(await this.send(sql, values));
    const statement = result.statement;
    const fields = statement == null ? undefined : this.described.get(statement);
    const columns = result.columns ?? statement?.columns ?? [];
    if (fields !== undefined) return this.driverResult(result, columns, fields);
    const names = columns.map((column) => column.name);
    const unknown = this.catalog.unknownTypes(columns);
    if (unknown !== undefined) await this.lookUpTypes(unknown);
    else if (statement != null) this.described.set(statement, names);
    return this.driverResult(result, columns, names);
  }

  private driverResult(
    result: RawResult,
    columns: readonly ResultColumn[],
    fields: readonly string[],
  ): DriverResult {
    this.catalog.convert(columns, result);
    return {
      rows: result,
      fields,
      // A statement with no row description has no columns; zero-column rows still are rows.
      returnsRows: fields.length > 0 || result.length > 0,
      rowcount: result.count ?? undefined,
      command: result.command ?? undefined,
    };
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<{ rowcount: number | undefined }> {
    this.assertUsable();
    // Every set is converted first: a parameter no value matches fails the call before anything is sent.
    const converted = paramSets.map(driverParameters);
    // Every statement is handed to postgres.js before any is awaited: they go out pipelined on the
    // one socket. Results come back in order, so the first rejection is the first failed set.
    const results = await Promise.all(converted.map((values) => this.send(sql, values)));
    let rowcount: number | undefined = paramSets.length === 0 ? 0 : undefined;
    for (const result of results) {
      const count = lastResult(result).count;
      if (count !== null) rowcount = (rowcount ?? 0) + count;
    }
    return { rowcount };
  }

  openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor> {
    return PostgresJsCursor.open(this, sql, params);
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.lost !== undefined) {
      // Dead already: nothing to end politely.
      this.terminate();
      return Promise.resolve();
    }
    this.lost = { message: "the connection was closed", code: "CONNECTION_ENDED", cause: undefined };
    this.closing = this.sql.end({ timeout: closeTimeoutSeconds });
    return this.closing;
  }

  terminate(): void {
    try {
      // After close() too: drops whatever is left now.
      this.lose({ message: "the connection was terminated", code: "CONNECTION_DESTROYED", cause: undefined });
    } catch {
      // terminate() never throws; the connection is dead to us either way.
    }
  }

  async cancel(): Promise<void> {
    const target = this.guard.target;
    if (this.lost !== undefined || this.backend === undefined || target === undefined) return;
    await sendCancelRequest(target, this.backend, cancelTimeoutMs);
  }

  /** A cursor name free on this connection (names are reused, so DECLAREs hit the statement cache). */
  takeCursorId(): number {
    return this.freeCursorIds.pop() ?? this.nextCursorId++;
  }

  releaseCursorId(id: number): void {
    this.freeCursorIds.push(id);
  }

  /** Whether calls still reach the server. */
  get usable(): boolean {
    return this.lost === undefined;
  }

  /**
   * Runs one statement through postgres.js: extended protocol and a cached prepared statement when
   * it has parameters, the simple protocol (which allows several statements) when it has none.
   */
  run(sql: string, params: readonly unknown[]): Promise<unknown> {
    this.assertUsable();
    return this.send(sql, driverParameters(params));
  }

  /**
   * The statement handed to postgres.js now (so statements sent together are pipelined), its Query
   * awaited (see execute()); a disconnect error marks the connection dead before the caller hears
   * of it, so the caller's next call is refused without reaching postgres.js.
   */
  private async send(sql: string, values: postgres.ParameterOrJSON<never>[]): Promise<unknown> {
    try {
      return await this.sql.unsafe(sql, values, { prepare: true }).values();
    } catch (error) {
      this.failed(error);
    }
  }

  private assertUsable(): void {
    const lost = this.lost;
    if (lost !== undefined) throw new ConnectionGoneError(lost.message, lost.code, lost.cause);
  }

  /** Types postgres.js had no parser for, looked up once (type-catalog.ts). */
  private async lookUpTypes(oids: readonly number[]): Promise<void> {
    try {
      await this.catalog.lookUp(oids, async (sql, params) => (await this.run(sql, params)) as unknown[][]);
    } catch (error) {
      // The statement itself succeeded: a failed lookup leaves its values as text (and is tried
      // again next time), unless the connection died meanwhile.
      if (this.lost !== undefined) throw error;
    }
  }

  private failed(error: unknown): never {
    if (this.isDisconnect(error)) {
      this.lose({
        message: "the connection to the server was lost",
        code: "CONNECTION_CLOSED",
        cause: error,
      });
    }
    throw error;
  }

  /** Marks the connection dead (once) and drops its socket. */
  private lose(lost: Lost): void {
    if (this.lost === undefined) this.lost = lost;
    this.guard.destroy();
    // Destroys the instance: rejects every statement postgres.js still holds (in flight, or queued
    // for a new socket, which the guard refuses anyway) and stops its timers.
    this.sql.end({ timeout: 0 }).catch(() => {});
  }
}
