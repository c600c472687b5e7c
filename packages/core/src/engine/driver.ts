/**
 * What a dialect's driver adapter provides: a DBAPI-like connection with async methods. Core never
 * calls these directly from user code: the AdaptedConnection turns each call into an IO request, and
 * the scheduler performs it. Values cross this boundary in the driver's own representation; the
 * column types (types/) convert them.
 */

/** Rows of one statement, as arrays of driver values in field order. */
export type DriverRows = readonly (readonly unknown[])[];

export interface DriverResult {
  readonly rows: DriverRows;
  /** Names of the returned fields, in order (empty when the statement returns no rows). */
  readonly fields: readonly string[];
  /** Whether the statement returns rows (SELECT, RETURNING, SHOW...), even when it returned none. */
  readonly returnsRows: boolean;
  /** Rows affected (INSERT / UPDATE / DELETE) or returned, as the server reported it. */
  readonly rowcount: number | undefined;
  /**
   * The command tag's verb as the server reported it ("INSERT", "COMMIT", ...): core reads it where
   * it matters (a COMMIT answered with "ROLLBACK" wrote nothing). Undefined when the driver cannot tell.
   */
  readonly command?: string | undefined;
}

/** A server-side cursor: rows fetched in batches, never all at once. */
export interface DriverCursor {
  readonly fields: readonly string[];
  /** Up to `count` more rows; fewer (possibly none) means the cursor is exhausted. */
  fetch(count: number): Promise<DriverRows>;
  close(): Promise<void>;
}

export interface DriverConnection {
  /** The driver's own connection object (a pg.Client, a postgres.js instance, a PGlite). */
  readonly driverConnection: unknown;
  execute(sql: string, params: readonly unknown[]): Promise<DriverResult>;
  /**
   * Runs one statement once per parameter list in as few round trips as the driver allows
   * (pipelined where it can). Stops at the first error, which it rejects with.
   */
  executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<{ rowcount: number | undefined }>;
  /** Opens a server-side cursor for a query; it lives until closed or the transaction ends. */
  openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor>;
  /** Ends the connection politely (waits for the server to acknowledge). */
  close(): Promise<void>;
  /**
   * Drops the connection now, without waiting and without throwing: used after a disconnect, on
   * cancellation, and for connections found abandoned. It must never lead to a reconnect.
   */
  terminate(): void;
  /**
   * Asks the server to cancel the statement in flight (PostgreSQL's cancel request), when the driver
   * can. Called when a run is aborted mid-statement, before the connection is terminated.
   */
  cancel?(): Promise<void>;
  /**
   * The session survives a call cancelled mid-flight: the call runs to its end and the connection
   * stays usable (PGlite, whose statements run to completion in WebAssembly and whose in-memory
   * database would be gone with its connection). Core then never drops the connection for an abort:
   * it waits for the call and rolls back before the connection's next use. Default: the connection
   * is cancelled and terminated.
   */
  readonly keepsSessionOnCancel?: boolean;
}
