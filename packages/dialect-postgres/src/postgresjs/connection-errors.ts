/**
 * postgres.js's own "connection gone" errors carry a `code` that is not a SQLSTATE (CONNECTION_CLOSED,
 * ...); Node's stream errors show up when a write races the socket's death. Both mean the connection
 * is unusable.
 */
const disconnectCodes = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
  "ERR_SOCKET_CLOSED",
]);

/** Whether a postgres.js (or socket) error means the connection is gone. */
export function isPostgresJsDisconnect(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code !== "string") return false;
  // A Node system error (connect, read, write on the socket: EHOSTUNREACH, ENOENT for a unix socket...).
  return disconnectCodes.has(code) || typeof syscall === "string";
}

/**
 * Raised by every call on a connection whose backend is gone (killed, closed, terminated): the
 * connection is never reopened, so no statement can run on a second backend. `cause` is what killed it.
 */
export class ConnectionGoneError extends Error {
  readonly code: "CONNECTION_CLOSED" | "CONNECTION_ENDED" | "CONNECTION_DESTROYED";

  constructor(message: string, code: ConnectionGoneError["code"], cause: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ConnectionGoneError";
    this.code = code;
  }
}
