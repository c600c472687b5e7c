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

/** What PGlite throws for any call on an instance after `close()`. */
export const pgliteClosedMessage = "PGlite is closed";

/** The SQLSTATE of a server error, if the value is one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
