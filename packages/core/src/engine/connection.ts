import type { DBAPIError } from "../driver-errors.ts";
import { ArgumentError, InvalidRequestError, ResourceClosedError } from "../errors.ts";
import { Result } from "../result/result.ts";
import type { ScalarResult } from "../result/scalar-result.ts";
import { op, opCall } from "../runtime/gen-op.ts";
import type { Instruction, Op } from "../runtime/instruction.ts";
import type { Executable } from "../sql/executable.ts";
import type { TextClause } from "../sql/text-clause.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import {
  type ConnectionEvents,
  connectionEventNames,
  type ExceptionContext,
  type ExecuteOptions,
  type ExecutionOptions,
} from "./connection-types.ts";
import type { Dialect } from "./dialect.ts";
import type { DriverResult } from "./driver.ts";
import type { Engine } from "./engine.ts";
import { PendingRollbackError } from "./engine-errors.ts";
import { anyListening, declareEvents, dispatch, type EventTarget } from "./events.ts";
import { execDriverSqlBody, executeBody, streamBody } from "./execute.ts";
import { describeParameters } from "./logging.ts";
import type { PoolProxiedConnection } from "./pooled-connection.ts";
import {
  fieldColumns,
  type Parameters,
  type PreparedStatement,
  type ResultOf,
  type Statement,
} from "./statement.ts";
import type { StreamingResult } from "./streaming-result.ts";
import { NestedTransaction, RootTransaction, type Transaction } from "./transaction.ts";

export type {
  ConnectionEvents,
  ExceptionContext,
  ExecuteOptions,
  ExecutionContext,
  ExecutionOptions,
  IsolationLevel,
} from "./connection-types.ts";
export { connectionEventNames } from "./connection-types.ts";

type Body<T, A> = (arg: A) => Iterator<Instruction, T, unknown>;

/** SQLAlchemy's message for a statement on a connection whose transaction was invalidated with it. */
const invalidTransaction =
  "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before proceeding";

/** SQLAlchemy's message for a statement in a transaction that failed (its BEGIN or COMMIT, say). */
const inactiveTransaction =
  "This connection is on an inactive transaction.  Please rollback() fully before proceeding";

const closedTransactionInContext =
  "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";

/**
 * A checked-out DBAPI connection with SQLAlchemy 2.0 Connection semantics: statements autobegin a
 * transaction that `commit()` / `rollback()` end; `begin()` / `beginNested()` for explicit ones;
 * `close()` rolls back what is open and returns the connection to the pool. Every method that may do
 * IO returns an op.
 */
export class Connection implements EventTarget<ConnectionEvents> {
  declare readonly __events?: ConnectionEvents;
  readonly engine: Engine;
  readonly dialect: Dialect;
  #proxied: PoolProxiedConnection | undefined;
  #transaction: RootTransaction | undefined = undefined;
  #nested: NestedTransaction | undefined = undefined;
  /** The transaction a context form (begin(body), engine.begin(body)) is running, if any. */
  #contextTransaction: Transaction | undefined = undefined;
  #options: ExecutionOptions;
  #closed = false;
  #invalidated = false;
  /** Why the last reconnect failed, while this connection holds no DBAPI connection because of it. */
  #reconnectFailure: unknown = undefined;
  #savepointCounter = 0;
  #stream: StreamingResult | undefined = undefined;
  readonly #eventTargets: readonly object[];

  /** @internal Engine.connect() makes connections. */
  constructor(engine: Engine, proxied: PoolProxiedConnection, options: ExecutionOptions) {
    this.engine = engine;
    this.dialect = engine.dialect;
    this.#proxied = proxied;
    this.#options = options;
    const engineTargets = engine.eventTargets;
    this.#eventTargets = [
      this,
      ...engineTargets.filter((target) => typeof target !== "function"),
      Connection,
      ...engineTargets.filter((target) => typeof target === "function"),
    ];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The DBAPI connection was invalidated (or a reconnect after that failed, leaving none); a new one
   * is checked out at the next use (after a rollback).
   */
  get invalidated(): boolean {
    if (this.#closed) return false;
    return this.#invalidated || this.#proxied === undefined || !this.#proxied.isValid;
  }

  /** Storage tied to the DBAPI connection (kept across checkouts of it). */
  get info(): Record<string, unknown> {
    return this.raw().info;
  }

  /** The pooled DBAPI connection (a PoolProxiedConnection: `.dbapiConnection`, `.driverConnection`). */
  getRawConnection(): PoolProxiedConnection {
    return this.raw();
  }

  getExecutionOptions(): ExecutionOptions {
    return this.#options;
  }

  /** Sets execution options on this connection (in place, as SQLAlchemy 2.0) and returns it. */
  executionOptions(options: ExecutionOptions): this {
    const merged = this.engine.validateExecutionOptions({ ...this.#options, ...options });
    if (merged.isolationLevel !== this.#options.isolationLevel && this.#transaction !== undefined) {
      throw new InvalidRequestError(
        "the isolation level can't change while a transaction is in progress; commit or roll back first",
      );
    }
    this.#options = merged;
    return this;
  }

  getTransaction(): RootTransaction | undefined {
    return this.#transaction;
  }

  getNestedTransaction(): NestedTransaction | undefined {
    return this.#nested;
  }

  inTransaction(): boolean {
    return this.#transaction !== undefined;
  }

  inNestedTransaction(): boolean {
    return this.#nested !== undefined;
  }

  /**
   * Executes a statement: `yield* conn.execute(select(users))`. `params` names values for bind
   * parameters; a list of them runs the statement once per set, batched (executemany).
   */
  execute<S extends Executable>(statement: S, params?: Parameters, options?: ExecuteOptions): Op<ResultOf<S>>;
  execute<T>(statement: TextClause<T>, params?: Parameters, options?: ExecuteOptions): Op<Result>;
  execute(
    statement: Statement,
    params?: Parameters | readonly Parameters[],
    options?: ExecuteOptions,
  ): Op<Result>;
  execute(
    statement: Statement,
    params?: Parameters | readonly Parameters[],
    options?: ExecuteOptions,
  ): Op<Result> {
    return opCall(executeBody, this, [statement, params, options]);
  }

  /** The first column of the first row (or undefined), closing the result. */
  scalar<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: ExecuteOptions,
  ): Op<ScalarOf<S> | undefined>;
  scalar(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<unknown>;
  scalar(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<unknown> {
    const connection = this;
    return op(function* scalar() {
      const result = yield* connection.execute(statement, params, options);
      return result.scalar();
    });
  }

  /** The first column of every row, as a ScalarResult. */
  scalars<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: ExecuteOptions,
  ): Op<ScalarResult<ScalarOf<S>>>;
  scalars(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<ScalarResult<unknown>>;
  scalars(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<ScalarResult<unknown>> {
    const connection = this;
    return op(function* scalars() {
      const result = yield* connection.execute(statement, params, options);
      return result.scalars();
    });
  }

  /** Runs a SQL string as it is, with driver-style `$1` parameters (or a list of lists: executemany). */
  execDriverSql(
    sql: string,
    parameters?: readonly unknown[] | readonly (readonly unknown[])[],
    options?: ExecuteOptions,
  ): Op<Result> {
    if (typeof sql !== "string") {
      throw new ArgumentError(`execDriverSql() takes a SQL string, got ${typeof sql}`);
    }
    return opCall(execDriverSqlBody, this, [sql, parameters ?? [], options]);
  }

  /**
   * Executes a SELECT through a server-side cursor; rows are fetched `yieldPer` (default 1000) at a
   * time as they are read. The StreamingResult's reads are ops.
   */
  stream<S extends Executable>(
    statement: S,
    params?: Parameters,
    options?: ExecuteOptions,
  ): Op<StreamingResult<ResultOf<S>>>;
  stream(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<StreamingResult>;
  stream(statement: Statement, params?: Parameters, options?: ExecuteOptions): Op<StreamingResult> {
    return opCall(streamBody, this, [statement, params, options]);
  }

  /** Begins the root transaction. With a body, runs it inside and commits (or rolls back on throw). */
  begin(): Op<RootTransaction>;
  begin<T>(body: Body<T, RootTransaction>): Op<T>;
  begin<T>(body?: Body<T, RootTransaction>): Op<RootTransaction | T> {
    const connection = this;
    return op(function* begin() {
      connection.checkUsable();
      if (connection.#transaction !== undefined) {
        throw new InvalidRequestError(
          "a transaction is already begun on this Connection; commit or roll it back first (or use beginNested())",
        );
      }
      const transaction = yield* connection.startRoot();
      if (body === undefined) return transaction;
      return yield* connection.inContext(transaction, body);
    });
  }

  /** SAVEPOINT (autobegins the root transaction first). With a body: released on success, rolled back to on throw. */
  beginNested(): Op<NestedTransaction>;
  beginNested<T>(body: Body<T, NestedTransaction>): Op<T>;
  beginNested<T>(body?: Body<T, NestedTransaction>): Op<NestedTransaction | T> {
    const connection = this;
    return op(function* beginNested() {
      connection.checkUsable();
      connection.checkNoStream();
      const root = connection.#transaction ?? (yield* connection.autobegin());
      const parent = connection.#nested ?? root;
      const name = `sa_savepoint_${++connection.#savepointCounter}`;
      const dbapi = yield* connection.dbapi();
      const nested = new NestedTransaction(connection, name, parent);
      if (anyListening("savepoint"))
        yield* dispatch(connection.#eventTargets, "savepoint", [connection, name]);
      connection.log(`SAVEPOINT ${name}`);
      yield* connection.guard(dbapi.savepoint(name), `SAVEPOINT ${name}`);
      connection.#nested = nested;
      if (body === undefined) return nested;
      return yield* connection.inContext(nested, body);
    });
  }

  /** Commits the root transaction, if any (savepoints in it are released with it). */
  commit(): Op<void> {
    const connection = this;
    return op(function* commit() {
      const transaction = connection.#transaction;
      if (transaction !== undefined) yield* connection.endTransaction(transaction, "commit");
    });
  }

  /** Rolls back the root transaction, if any. */
  rollback(): Op<void> {
    const connection = this;
    return op(function* rollback() {
      const transaction = connection.#transaction;
      if (transaction !== undefined) yield* connection.endTransaction(transaction, "rollback");
    });
  }

  /** Rolls back what is open and returns the DBAPI connection to the pool. Idempotent. */
  close(): Op<void> {
    const connection = this;
    return op(function* close() {
      if (connection.#closed) return;
      connection.#closed = true;
      const stream = connection.#stream;
      connection.#stream = undefined;
      if (stream !== undefined) yield* stream.closeOnConnectionClose();
      const transaction = connection.#transaction;
      connection.#transaction = undefined;
      connection.#nested = undefined;
      if (transaction !== undefined) {
        transaction.state = "rolledBack";
        if (anyListening("rollback")) yield* dispatch(connection.#eventTargets, "rollback", [connection]);
      }
      const proxied = connection.#proxied;
      connection.#proxied = undefined;
      // The pool rolls back whatever is open on the DBAPI connection as it takes it back.
      if (proxied !== undefined) yield* proxied.close();
    });
  }

  /**
   * Invalidates the DBAPI connection: it is closed at once and never reused. An open transaction
   * must then be rolled back (PendingRollbackError until it is); the next statement checks out a
   * fresh DBAPI connection.
   */
  invalidate(error?: unknown): Op<void> {
    const connection = this;
    return op(function* invalidate() {
      if (connection.#closed) throw new ResourceClosedError("This Connection is closed");
      if (connection.#invalidated) return;
      yield* connection.markInvalidated(error);
    });
  }

  // ---- internals (used by Transaction, StreamingResult, the engine) ----

  /** @internal */
  *endTransaction(
    transaction: Transaction,
    how: "commit" | "rollback",
  ): Generator<Instruction, void, unknown> {
    if (transaction.connection !== this)
      throw new InvalidRequestError("this transaction belongs to another Connection");
    if (transaction.state === "committed" || transaction.state === "rolledBack") {
      throw new InvalidRequestError(
        `This ${transaction.nested ? "nested " : ""}transaction is inactive (already ${transaction.state === "committed" ? "committed" : "rolled back"})`,
      );
    }
    if (how === "commit") transaction.checkCommittable();
    if (transaction instanceof NestedTransaction) {
      yield* this.endNested(transaction, how);
      return;
    }
    // Ending the root ends every savepoint in it.
    for (let nested = this.#nested; nested !== undefined; nested = parentSavepoint(nested)) {
      nested.state = how === "commit" ? "committed" : "rolledBack";
    }
    this.#nested = undefined;
    if (how === "rollback") {
      // Over before the ROLLBACK goes out: whatever becomes of it (an error, an abort), the
      // transaction is gone (the server ends it, or the connection is dropped or reset).
      this.#transaction = undefined;
      transaction.state = "rolledBack";
    }
    // A server-side cursor lives in its transaction: a stream still open ends here, its cursor
    // closed first (a driver may refuse COMMIT while a cursor holds the connection).
    yield* this.endStream();
    if (anyListening(how)) yield* dispatch(this.#eventTargets, how, [this]);
    const dbapi = this.#proxied?.connection;
    if (this.#invalidated || dbapi === undefined || !dbapi.usable) {
      if (how === "commit") {
        // The transaction is lost with its connection: it stays, deactivated, until rollback().
        transaction.state = "deactivated";
        throw new PendingRollbackError(
          dbapi?.interrupted === true && !this.#invalidated
            ? "a call in this transaction was cancelled; the transaction is lost and can't be committed"
            : "the connection was invalidated; its transaction is lost and can't be committed",
        );
      }
      // A cancelled call may still run on a connection that survived it: wait for it and roll back.
      // A dropped connection took its transaction with it: rolling back only clears our state.
      if (dbapi?.interrupted === true && !this.#invalidated) yield* this.guard(dbapi.reset(), "ROLLBACK");
      this.#invalidated = false;
      return;
    }
    if (!dbapi.inTransaction) {
      // AUTOCOMMIT, or nothing was ever sent.
      this.finishRoot(transaction, how);
      return;
    }
    this.log(how === "commit" ? "COMMIT" : "ROLLBACK");
    if (how === "rollback") {
      yield* this.guard(dbapi.rollback(), "ROLLBACK");
      return;
    }
    try {
      yield* this.guard(dbapi.commit(), "COMMIT");
    } catch (error) {
      // As in SQLAlchemy: a failed COMMIT leaves the transaction on the connection, deactivated, so
      // the next statement raises PendingRollbackError until rollback() (never a silent new transaction).
      transaction.state = "deactivated";
      throw error;
    }
    this.finishRoot(transaction, "commit");
  }

  private finishRoot(transaction: Transaction, how: "commit" | "rollback"): void {
    if (this.#transaction === transaction) this.#transaction = undefined;
    transaction.state = how === "commit" ? "committed" : "rolledBack";
  }

  private *endNested(
    nested: NestedTransaction,
    how: "commit" | "rollback",
  ): Generator<Instruction, void, unknown> {
    yield* this.endStream();
    // Ending an outer savepoint ends the inner ones. A nested transaction that is still open is
    // always on this chain (ending the root or an outer one marks it ended first).
    for (let inner = this.#nested; inner !== undefined && inner !== nested; inner = parentSavepoint(inner)) {
      inner.state = how === "commit" ? "committed" : "rolledBack";
    }
    this.#nested = parentSavepoint(nested);
    nested.state = how === "commit" ? "committed" : "rolledBack";
    const name = nested.savepointName;
    const event = how === "commit" ? "releaseSavepoint" : "rollbackSavepoint";
    if (anyListening(event)) yield* dispatch(this.#eventTargets, event, [this, name]);
    const live = this.liveDbapi();
    if (live === undefined) {
      // The connection was dropped or interrupted: the root transaction is lost with it.
      if (this.#transaction !== undefined) this.#transaction.state = "deactivated";
      if (how === "commit")
        throw new PendingRollbackError("the connection was invalidated; roll back the transaction");
      return;
    }
    const dbapi = live;
    const sql = how === "commit" ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}`;
    this.log(sql);
    yield* this.guard(how === "commit" ? dbapi.releaseSavepoint(name) : dbapi.rollbackToSavepoint(name), sql);
  }

  /** @internal The StreamingResult tells its connection it ended. */
  streamEnded(stream: StreamingResult): void {
    if (this.#stream === stream) this.#stream = undefined;
  }

  /** @internal Runs a prepared statement on the DBAPI connection, with events, logging and error handling. */
  *run(
    statement: Statement | string,
    params: Parameters | readonly Parameters[] | readonly unknown[] | undefined,
    prepared: PreparedStatement,
    options: ExecutionOptions,
  ): Generator<Instruction, Result, unknown> {
    // The hot path: the live DBAPI connection without a generator frame, no event work when nobody
    // listens, the request's failure handled inline (each saved layer is paid on every statement).
    const dbapi = this.liveDbapi() ?? (yield* this.dbapi());
    const listening = anyListening("beforeCursorExecute") || anyListening("afterCursorExecute");
    const context = listening
      ? { connection: this, statement, executionOptions: options, executemany: false }
      : undefined;
    if (context !== undefined && anyListening("beforeCursorExecute")) {
      yield* dispatch(this.#eventTargets, "beforeCursorExecute", [
        this,
        prepared.sql,
        prepared.parameters,
        context,
        false,
      ]);
    }
    if (this.engine.echo !== false) this.logStatement(prepared, options);
    let raw: DriverResult;
    try {
      raw = yield* dbapi.execute(prepared.sql, prepared.parameters);
    } catch (error) {
      throw yield* this.handleError(error, prepared.sql, prepared.parameters);
    }
    if (context !== undefined && anyListening("afterCursorExecute")) {
      yield* dispatch(this.#eventTargets, "afterCursorExecute", [
        this,
        prepared.sql,
        prepared.parameters,
        context,
        false,
      ]);
    }
    void params;
    return this.resultOf(raw, prepared);
  }

  /** @internal */
  resultOf(raw: DriverResult, prepared: PreparedStatement, insertedPrimaryKey?: readonly unknown[]): Result {
    const columns =
      prepared.resultColumns !== undefined && (prepared.resultColumns.length > 0 || !raw.returnsRows)
        ? prepared.resultColumns
        : fieldColumns(raw.fields);
    if (this.engine.echo === "debug" && raw.returnsRows) {
      this.engine.logger.debug?.(`Col ${JSON.stringify(raw.fields)}`);
      for (const row of raw.rows) this.engine.logger.debug?.(`Row ${describeParameters(row)}`);
    }
    return new Result(columns, raw.rows, {
      rowcount: raw.rowcount,
      returnsRows: raw.returnsRows,
      insertedPrimaryKey,
    });
  }

  /** @internal The DBAPI connection, beginning the transaction first when none is open. */
  *dbapiInTransaction(): Generator<Instruction, AdaptedConnection, unknown> {
    this.checkUsable();
    this.checkNoStream();
    const transaction = this.#transaction;
    if (transaction === undefined) yield* this.autobegin();
    else if (transaction.state === "deactivated" && !this.invalidated)
      throw new PendingRollbackError(inactiveTransaction);
    return this.liveDbapi() ?? (yield* this.dbapi());
  }

  /** @internal The DBAPI connection when it is live and usable as is (no reconnect needed). */
  liveDbapi(): AdaptedConnection | undefined {
    if (this.#invalidated || this.#closed) return undefined;
    const current = this.#proxied?.connection;
    return current?.usable ? current : undefined;
  }

  /** @internal Whether the statement path may skip its checks: open, no stream, in an active transaction. */
  get readyForStatement(): boolean {
    return (
      this.#transaction?.state === "active" &&
      this.#stream === undefined &&
      this.#contextTransaction === undefined
    );
  }

  /** @internal */
  *guard<T>(
    request: Op<T>,
    sql: string | undefined,
    parameters?: unknown,
  ): Generator<Instruction, T, unknown> {
    try {
      return yield* request;
    } catch (error) {
      throw yield* this.handleError(error, sql, parameters);
    }
  }

  /** @internal Wraps, reports to handleError handlers and invalidates on disconnect; returns what to throw. */
  *handleError(
    error: unknown,
    sql: string | undefined,
    parameters: unknown,
  ): Generator<Instruction, unknown, unknown> {
    const isDisconnect = (error as DBAPIError | null)?.connectionInvalidated === true;
    if (isDisconnect && !this.#invalidated) {
      yield* this.markInvalidated(error);
      // A disconnect may mean the server restarted: connections made before now are suspect.
      this.engine.pool.invalidateAll();
    }
    if (anyListening("handleError")) {
      const context: ExceptionContext = {
        connection: this,
        engine: this.engine,
        originalException: (error as DBAPIError | null)?.orig ?? error,
        athanorException: error,
        statement: sql,
        parameters,
        isDisconnect,
      };
      try {
        yield* dispatch(this.#eventTargets, "handleError", [context]);
      } catch (replaced) {
        return replaced;
      }
    }
    return error;
  }

  /** @internal */
  log(message: string): void {
    if (this.engine.echo === false) return;
    const token = this.#options.loggingToken;
    this.engine.logger.info(token === undefined ? message : `[${token}] ${message}`);
  }

  /** @internal */
  setStream(stream: StreamingResult): void {
    this.#stream = stream;
  }

  /** @internal Event targets, most specific first: this, the Connection class, its engines, the Engine class. */
  get eventTargets(): readonly object[] {
    return this.#eventTargets;
  }

  /** @internal */
  get options(): ExecutionOptions {
    return this.#options;
  }

  private logStatement(prepared: PreparedStatement, options: ExecutionOptions): void {
    const token = options.loggingToken;
    const prefix = token === undefined ? "" : `[${token}] `;
    this.engine.logger.info(`${prefix}${prepared.sql}`);
    this.engine.logger.info(
      `${prefix}[${prepared.cached ? "cached" : "generated"}] ${describeParameters(prepared.parameters)}`,
    );
  }

  private raw(): PoolProxiedConnection {
    if (this.#closed) throw new ResourceClosedError("This Connection is closed");
    if (this.#proxied === undefined) {
      const failure = this.#reconnectFailure;
      const reason = failure instanceof Error ? ` (${failure.name}: ${failure.message})` : "";
      throw new InvalidRequestError(
        `This Connection was invalidated and its reconnect failed${reason}: it holds no DBAPI connection; its next statement tries to reconnect again`,
      );
    }
    return this.#proxied;
  }

  private checkNoStream(): void {
    if (this.#stream !== undefined) {
      throw new InvalidRequestError(
        "a streamed result is open on this Connection; read it to the end or close() it before running another statement",
      );
    }
  }

  private checkUsable(): void {
    if (this.#closed) throw new ResourceClosedError("This Connection is closed");
    const context = this.#contextTransaction;
    if (context !== undefined && !context.isActive) throw new InvalidRequestError(closedTransactionInContext);
  }

  /**
   * The live DBAPI connection: after an interruption, the same one once reset; after an invalidation
   * (and the rollback it requires), a fresh checkout. The dead checkout is given back before the new
   * one is taken, so until that succeeds this Connection holds nothing: a failed or aborted reconnect
   * leaves it invalidated, never on a DBAPI connection its old slot now serves to someone else.
   */
  private *dbapi(): Generator<Instruction, AdaptedConnection, unknown> {
    if (this.#closed) throw new ResourceClosedError("This Connection is closed");
    const proxied = this.#proxied;
    const current = proxied?.connection;
    if (current?.usable && !this.#invalidated) return current;
    const transaction = this.#transaction;
    if (transaction !== undefined) {
      transaction.state = "deactivated";
      throw new PendingRollbackError(invalidTransaction);
    }
    if (current?.interrupted && !this.#invalidated) {
      // A cancelled call may still run on a connection that survived it: wait for it, roll back, go on.
      yield* this.guard(current.reset(), "ROLLBACK");
      return current;
    }
    // Reconnect: give the dead checkout back, then take a new one.
    this.#invalidated = true;
    this.#proxied = undefined;
    if (proxied !== undefined) yield* proxied.close();
    let fresh: PoolProxiedConnection;
    try {
      fresh = yield* this.engine.pool.connect();
    } catch (error) {
      this.#reconnectFailure = error;
      throw error;
    }
    this.#proxied = fresh;
    this.#invalidated = false;
    this.#reconnectFailure = undefined;
    return fresh.dbapiConnection;
  }

  /** Closes a stream left open (quietly, without IO when the connection is gone). */
  private *endStream(): Generator<Instruction, void, unknown> {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    if (this.invalidated) stream.detach();
    else yield* stream.closeOnConnectionClose();
  }

  private *markInvalidated(error: unknown): Generator<Instruction, void, unknown> {
    this.#invalidated = true;
    this.#stream?.detach();
    this.#stream = undefined;
    const proxied = this.#proxied;
    if (proxied !== undefined) yield* proxied.invalidate(error);
    if (this.#transaction !== undefined) this.#transaction.state = "deactivated";
    for (let nested = this.#nested; nested !== undefined; nested = parentSavepoint(nested)) {
      nested.state = "deactivated";
    }
  }

  private *autobegin(): Generator<Instruction, RootTransaction, unknown> {
    return yield* this.startRoot();
  }

  private *startRoot(): Generator<Instruction, RootTransaction, unknown> {
    const transaction = new RootTransaction(this);
    if (anyListening("begin")) yield* dispatch(this.#eventTargets, "begin", [this]);
    const isolation = this.#options.isolationLevel;
    const dbapi = yield* this.dbapi();
    this.#transaction = transaction;
    if (isolation === "AUTOCOMMIT") return transaction;
    this.log(isolation === undefined ? "BEGIN (implicit)" : `BEGIN ISOLATION LEVEL ${isolation}`);
    try {
      yield* this.guard(dbapi.begin(isolation), "BEGIN");
    } catch (error) {
      // As in SQLAlchemy, where the DBAPI begins on the first statement: the failed transaction stays,
      // deactivated, until rollback(); the connection does not start over behind the caller's back.
      transaction.state = "deactivated";
      throw error;
    }
    return transaction;
  }

  /**
   * @internal Marks `transaction` as the one a context block (a facade's callback form) is running,
   * so statements after it ended inside the block raise SQLAlchemy's error; returns what to restore.
   */
  enterContext(transaction: Transaction | undefined): Transaction | undefined {
    const outer = this.#contextTransaction;
    this.#contextTransaction = transaction;
    return outer;
  }

  private *inContext<T, X extends Transaction>(
    transaction: X,
    body: Body<T, X>,
  ): Generator<Instruction, T, unknown> {
    const outer = this.#contextTransaction;
    this.#contextTransaction = transaction;
    let value: T;
    try {
      value = yield* { [Symbol.iterator]: () => body(transaction) };
    } catch (error) {
      this.#contextTransaction = outer;
      if (transaction.state === "active" || transaction.state === "deactivated") {
        try {
          yield* this.endTransaction(transaction, "rollback");
        } catch {
          // The body's error is the one to report.
        }
      }
      throw error;
    } finally {
      // Also when an abort closes the body (no catch runs then): the block is over either way, and a
      // context left behind would refuse every later statement on this connection.
      this.#contextTransaction = outer;
    }
    yield* this.completeContext(transaction);
    return value;
  }

  /**
   * @internal Ends the transaction of a context block whose body returned (begin(body), and the
   * facade's callback forms): commits it while active. One lost inside the block (its connection
   * dropped, its COMMIT or BEGIN failed, the error caught by the body) is rolled back and raises:
   * the block must not report success for work that was not written (SQLAlchemy rolls back silently).
   */
  completeContext(transaction: Transaction): Op<void> {
    const connection = this;
    return op(function* completeContext() {
      if (transaction.state === "active") {
        yield* connection.endTransaction(transaction, "commit");
        return;
      }
      if (transaction.state !== "deactivated") return;
      yield* connection.endTransaction(transaction, "rollback");
      throw new PendingRollbackError(
        `the ${transaction.nested ? "savepoint" : "transaction"} of this block failed inside it (the error was caught) and was rolled back: nothing of it was written`,
      );
    });
  }
}
declareEvents(Connection, connectionEventNames);

/** The type of the first column of a statement's rows. */
export type ScalarOf<S> =
  ResultOf<S> extends Result<infer Tuple>
    ? Tuple extends [infer First, ...unknown[]]
      ? First
      : unknown
    : unknown;

function parentSavepoint(nested: NestedTransaction): NestedTransaction | undefined {
  return nested.parent instanceof NestedTransaction ? nested.parent : undefined;
}
