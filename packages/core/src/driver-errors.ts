import { StatementError } from "./errors.ts";

/**
 * Errors raised by a database driver, wrapped in SQLAlchemy's DBAPI hierarchy so that code can
 * catch `IntegrityError` whatever the driver. The driver's own error stays in `orig` (and `cause`);
 * PostgreSQL's SQLSTATE is `code`.
 */
export class DBAPIError extends StatementError {
  override name = "DBAPIError";
  /** The driver's error, unchanged. */
  readonly orig: unknown;
  /** PostgreSQL's SQLSTATE (e.g. "23505"), when the error came from the server. */
  readonly code: string | undefined;
  /** The parameters sent with the statement. */
  readonly params: readonly unknown[] | undefined;
  /** The connection was found dead (a disconnect): it has been invalidated and will not be reused. */
  readonly connectionInvalidated: boolean;

  constructor(detail: DriverErrorDetail) {
    const orig = detail.orig;
    const text = orig instanceof Error ? orig.message : String(orig);
    super(text, { statement: detail.statement, cause: orig });
    this.orig = orig;
    this.code = sqlState(orig);
    this.params = detail.params;
    this.connectionInvalidated = detail.connectionInvalidated ?? false;
  }

  /** SQLAlchemy's form: `(IntegrityError) message [SQL: ...] [parameters: ...]`. */
  override toString(): string {
    const sql = this.statement === undefined ? "" : `\n[SQL: ${this.statement}]`;
    const params =
      this.params === undefined || this.params.length === 0 ? "" : `\n[parameters: ${describe(this.params)}]`;
    return `(${this.name}) ${this.message}${sql}${params}`;
  }
}

/** The driver failed outside the database: it could not talk to it, or was misused. */
export class InterfaceError extends DBAPIError {
  override name = "InterfaceError";
}

/** The database reported an error. */
export class DatabaseError extends DBAPIError {
  override name = "DatabaseError";
}

/** A value the database cannot take: out of range, invalid text for a type, division by zero. */
export class DataError extends DatabaseError {
  override name = "DataError";
}

/** Not the program's fault: connection lost, server shutting down, deadlock, serialization, resources. */
export class OperationalError extends DatabaseError {
  override name = "OperationalError";
}

/** A constraint refused the change: unique, foreign key, not null, check, exclusion. */
export class IntegrityError extends DatabaseError {
  override name = "IntegrityError";
}

/** The database is in a state the statement cannot run in (e.g. an aborted transaction). */
export class InternalError extends DatabaseError {
  override name = "InternalError";
}

/** The statement is wrong: a syntax error, a missing table or column, a permission. */
export class ProgrammingError extends DatabaseError {
  override name = "ProgrammingError";
}

/** The database does not support what was asked. */
export class NotSupportedError extends DatabaseError {
  override name = "NotSupportedError";
}

export interface DriverErrorDetail {
  orig: unknown;
  statement?: string | undefined;
  params?: readonly unknown[] | undefined;
  connectionInvalidated?: boolean | undefined;
}

type DbapiClass = new (detail: DriverErrorDetail) => DBAPIError;

/**
 * PostgreSQL error classes (the first two characters of SQLSTATE) to DBAPI errors, as psycopg maps
 * them. Codes not listed are a plain DatabaseError.
 */
const byClass: Readonly<Record<string, DbapiClass>> = {
  "0A": NotSupportedError,
  "08": OperationalError, // connection exception
  "22": DataError,
  "23": IntegrityError,
  "24": InternalError, // invalid cursor state
  "25": InternalError, // invalid transaction state ("current transaction is aborted")
  "26": InternalError,
  "27": OperationalError,
  "28": OperationalError, // invalid authorization
  "2B": InternalError,
  "2D": InternalError,
  "2F": InternalError,
  "34": InternalError,
  "38": InternalError,
  "39": InternalError,
  "3B": InternalError,
  "3D": ProgrammingError, // invalid catalog name
  "3F": ProgrammingError, // invalid schema name
  "40": OperationalError, // serialization failure, deadlock
  "42": ProgrammingError, // syntax error or access rule violation
  "44": ProgrammingError,
  "53": OperationalError, // insufficient resources
  "54": OperationalError, // program limit exceeded
  "55": OperationalError, // object not in prerequisite state (lock not available)
  "57": OperationalError, // operator intervention (admin shutdown, query canceled)
  "58": OperationalError, // system error
  F0: InternalError,
  HV: OperationalError,
  P0: InternalError, // PL/pgSQL RAISE
  XX: InternalError,
};

/**
 * PostgreSQL answered COMMIT with the command tag ROLLBACK: a statement of the transaction had failed
 * (its error caught and ignored), so the server rolled everything back. Raised as the error the
 * failed transaction would have given (25P02, in_failed_sql_transaction), as pgjdbc does.
 */
export function commitRolledBack(): InternalError {
  const orig = Object.assign(
    new Error(
      "COMMIT was answered with ROLLBACK: the transaction had failed before it (a statement's error was " +
        "caught and the transaction went on), so PostgreSQL rolled it back and nothing of it was written",
    ),
    { code: "25P02" },
  );
  return new InternalError({ orig, statement: "COMMIT" });
}

/**
 * Wraps a driver's error in the DBAPI class its SQLSTATE names. An error without a SQLSTATE is an
 * OperationalError when it is a disconnect (the caller knows, from the dialect), else an
 * InterfaceError. An error already wrapped is returned as it is.
 */
export function wrapDriverError(detail: DriverErrorDetail & { disconnect?: boolean }): DBAPIError {
  if (detail.orig instanceof DBAPIError) return detail.orig;
  const code = sqlState(detail.orig);
  const Class =
    code === undefined
      ? detail.disconnect
        ? OperationalError
        : InterfaceError
      : (byClass[code.slice(0, 2)] ?? DatabaseError);
  return new Class(detail);
}

/** The SQLSTATE a driver's error carries (node-postgres, postgres.js and PGlite all call it `code`). */
function sqlState(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function describe(params: readonly unknown[]): string {
  const shown = params.slice(0, 10).map((value) => {
    if (typeof value === "string")
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    if (typeof value === "bigint") return `${value}n`;
    return String(value);
  });
  return `[${shown.join(", ")}${params.length > 10 ? `, ... ${params.length - 10} more` : ""}]`;
}
