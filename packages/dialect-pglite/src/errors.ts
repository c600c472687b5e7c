/**
 * A call on a PGlite driver connection after it was closed or terminated. PGlite's own message for a
 * call on a closed instance is `PGlite is closed`; a connection over an instance it was given never
 * closes that instance, so it raises this instead. Both count as disconnects.
 */
export class PgliteConnectionClosedError extends Error {
  override name = "PgliteConnectionClosedError";

  constructor() {
    super("the PGlite connection is closed");
  }
}

/**
 * The engine's in-memory database was dropped with its connection (invalidated, not closed): an
 * in-memory PGlite cannot be reopened with its data, so every later checkout raises this rather than
 * silently open a new, empty database. Create a new engine, or use a data directory.
 */
export class PgliteDatabaseLostError extends Error {
  override name = "PgliteDatabaseLostError";

  constructor() {
    super(
      "the in-memory PGlite database of this engine was lost: its connection was dropped (invalidated) " +
        "rather than closed, and an in-memory database cannot be reopened with its data. Create a new " +
        "engine, or give a data directory (postgresql+pglite:///path) to keep data across connections",
    );
  }
}

/** What PGlite throws for any call on an instance after `close()`. */
export const pgliteClosedMessage = "PGlite is closed";

/** The SQLSTATE of a server error, if the value is one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
