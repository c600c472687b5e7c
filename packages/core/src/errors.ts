/**
 * Root of every error Athanor raises itself. Driver errors are wrapped by subclasses (later issues),
 * so `instanceof AthanorError` separates "Athanor said no" from a foreign failure.
 */
export class AthanorError extends Error {
  override name = "AthanorError";
}

/** A function or constructor was given arguments it cannot use. */
export class ArgumentError extends AthanorError {
  override name = "ArgumentError";
}

/**
 * A name PostgreSQL cannot keep as written: empty, holding NUL or an unpaired UTF-16 surrogate, or
 * longer than the identifier limit (63 bytes of UTF-8), which the server would truncate silently, so
 * that two long names could become one (SQLAlchemy's IdentifierError).
 */
export class IdentifierError extends ArgumentError {
  override name = "IdentifierError";
  /** The name as given. */
  readonly identifier: string;

  constructor(message: string, identifier: string) {
    super(message);
    this.identifier = identifier;
  }
}

/** A join needs an ON clause and no foreign key links the two sides. */
export class NoForeignKeysError extends ArgumentError {
  override name = "NoForeignKeysError";
}

/** A join needs an ON clause and more than one foreign key links the two sides. */
export class AmbiguousForeignKeysError extends ArgumentError {
  override name = "AmbiguousForeignKeysError";
}

/** A statement cannot be compiled (e.g. a construct the dialect does not support). */
export class CompileError extends AthanorError {
  override name = "CompileError";
}

/** What a StatementError says about the statement it concerns. */
export interface StatementErrorDetail {
  /** The SQL, when it was compiled. */
  statement?: string | undefined;
  /** "table.column" the bad value was meant for. */
  column?: string | undefined;
  /** The value that was refused. */
  value?: unknown;
  cause?: unknown;
}

/**
 * A statement could not be executed as given: e.g. a bound value its column's type refuses. Raised
 * before any SQL is sent; nothing was executed.
 */
export class StatementError extends AthanorError {
  override name = "StatementError";
  readonly statement: string | undefined;
  readonly column: string | undefined;
  readonly value: unknown;

  constructor(message: string, detail: StatementErrorDetail = {}) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.statement = detail.statement;
    this.column = detail.column;
    this.value = detail.value;
  }
}

/** A foreign key names a table its MetaData does not hold. */
export class NoReferencedTableError extends ArgumentError {
  override name = "NoReferencedTableError";
}

/** A foreign key names a column its target table does not have. */
export class NoReferencedColumnError extends ArgumentError {
  override name = "NoReferencedColumnError";
}

/** A request made of an object that cannot be honoured in its state (SQLAlchemy's InvalidRequestError). */
export class InvalidRequestError extends AthanorError {
  override name = "InvalidRequestError";
}

/** `one()` / `scalarOne()` found no row. */
export class NoResultFound extends InvalidRequestError {
  override name = "NoResultFound";

  constructor(message = "No row was found when one was required") {
    super(message);
  }
}

/** `one()` / `oneOrNone()` found more than one row. */
export class MultipleResultsFound extends InvalidRequestError {
  override name = "MultipleResultsFound";

  constructor(message = "Multiple rows were found when exactly one was required") {
    super(message);
  }
}

/** A closed result (or one that returns no rows) was read. */
export class ResourceClosedError extends InvalidRequestError {
  override name = "ResourceClosedError";

  constructor(message = "This result object is closed.") {
    super(message);
  }
}

/** A result column was asked for by a name or index the result does not have. */
export class NoSuchColumnError extends InvalidRequestError {
  override name = "NoSuchColumnError";
}

/** Reflection asked about a table (or view) the database does not have (SQLAlchemy's NoSuchTableError). */
export class NoSuchTableError extends InvalidRequestError {
  override name = "NoSuchTableError";
  /** The table's name, as asked for. */
  readonly tableName: string;
  /** The schema asked for; undefined: the search path. */
  readonly schema: string | undefined;

  constructor(tableName: string, schema?: string) {
    super(
      schema === undefined
        ? `no table or view "${tableName}" on the search path`
        : `no table or view "${tableName}" in schema "${schema}"`,
    );
    this.tableName = tableName;
    this.schema = schema;
  }
}
