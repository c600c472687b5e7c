import net from "node:net";
import type { SocketTarget } from "./socket-guard.ts";

/** The backend's identity from its BackendKeyData message. */
export interface BackendKey {
  readonly pid: number;
  readonly secret: number;
}

/** Protocol code of a CancelRequest (1234 << 16 | 5678). */
const cancelRequestCode = 80877102;

/**
 * Sends PostgreSQL's CancelRequest for a backend over a short-lived socket of its own, as libpq's
 * PQcancel does (unencrypted: the postmaster reads it before any authentication). postgres.js's own
 * cancel opens its socket through the `socket` option, which the socket guard refuses; this keeps the
 * guard absolute.
 */
export function sendCancelRequest(target: SocketTarget, key: BackendKey, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = "path" in target ? net.connect(target.path) : net.connect(target.port, target.host);
    const timer = setTimeout(() => socket.destroy(new Error("the cancel request timed out")), timeoutMs);
    socket.once("connect", () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(cancelRequestCode, 4);
      message.writeInt32BE(key.pid, 8);
      message.writeInt32BE(key.secret | 0, 12);
      socket.end(message);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // The server closes the socket once it has read the request; nothing comes back.
    socket.once("close", (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve();
    });
  });
}
