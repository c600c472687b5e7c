import type { CompiledCache } from "../compile/compiled-cache.ts";
import type { Result } from "../result/result.ts";
import type { Connection } from "./connection.ts";
import type { Engine } from "./engine.ts";
import type { HandlerResult } from "./events.ts";
import type { Parameters, Statement } from "./statement.ts";
import type { StreamingResult } from "./streaming-result.ts";

export type IsolationLevel =
  | "AUTOCOMMIT"
  | "READ COMMITTED"
  | "READ UNCOMMITTED"
  | "REPEATABLE READ"
  | "SERIALIZABLE";

/** Options that shape how statements run (SQLAlchemy's execution options). */
export interface ExecutionOptions {
  /** The transaction isolation of BEGIN; "AUTOCOMMIT" sends no BEGIN at all. */
  readonly isolationLevel?: IsolationLevel | undefined;
  /** Read through a server-side cursor: only with `stream()`. */
  readonly streamResults?: boolean | undefined;
  /** Rows fetched per round trip when streaming (implies streamResults). */
  readonly yieldPer?: number | undefined;
  /** The compiled cache to use; null compiles every time. */
  readonly compiledCache?: CompiledCache | null | undefined;
  /** Shown in echo lines: `[token] SELECT ...`. */
  readonly loggingToken?: string | undefined;
  /** Anything else, for the application's own use (events see it). */
  readonly [key: string]: unknown;
}

/** What event handlers learn about a statement being executed. */
export interface ExecutionContext {
  readonly connection: Connection;
  readonly statement: Statement | string;
  readonly executionOptions: ExecutionOptions;
  readonly executemany: boolean;
}

/** What `handleError` handlers get (SQLAlchemy's ExceptionContext). */
export interface ExceptionContext {
  readonly connection: Connection;
  readonly engine: Engine;
  /** The error as the driver raised it. */
  readonly originalException: unknown;
  /** The wrapped error that will be raised (a DBAPIError subclass for driver errors). */
  readonly athanorException: unknown;
  readonly statement: string | undefined;
  readonly parameters: unknown;
  readonly isDisconnect: boolean;
}

export interface ConnectionEvents {
  beforeExecute(
    conn: Connection,
    statement: Statement | string,
    params: Parameters | readonly Parameters[] | readonly unknown[] | undefined,
    executionOptions: ExecutionOptions,
  ): HandlerResult;
  afterExecute(
    conn: Connection,
    statement: Statement | string,
    params: Parameters | readonly Parameters[] | readonly unknown[] | undefined,
    executionOptions: ExecutionOptions,
    result: Result | StreamingResult,
  ): HandlerResult;
  beforeCursorExecute(
    conn: Connection,
    sql: string,
    parameters: readonly unknown[] | readonly (readonly unknown[])[],
    context: ExecutionContext,
    executemany: boolean,
  ): HandlerResult;
  afterCursorExecute(
    conn: Connection,
    sql: string,
    parameters: readonly unknown[] | readonly (readonly unknown[])[],
    context: ExecutionContext,
    executemany: boolean,
  ): HandlerResult;
  begin(conn: Connection): HandlerResult;
  commit(conn: Connection): HandlerResult;
  rollback(conn: Connection): HandlerResult;
  savepoint(conn: Connection, name: string): HandlerResult;
  rollbackSavepoint(conn: Connection, name: string): HandlerResult;
  releaseSavepoint(conn: Connection, name: string): HandlerResult;
  handleError(context: ExceptionContext): HandlerResult;
}

export const connectionEventNames = [
  "beforeExecute",
  "afterExecute",
  "beforeCursorExecute",
  "afterCursorExecute",
  "begin",
  "commit",
  "rollback",
  "savepoint",
  "rollbackSavepoint",
  "releaseSavepoint",
  "handleError",
] as const;

export interface ExecuteOptions {
  readonly executionOptions?: ExecutionOptions;
}
