import { connect, type Socket } from "node:net";

/** The protocol's CancelRequest code (1234 << 16 | 5678). */
const cancelRequestCode = 80877102;
/** A cancel request that gets no answer by then is dropped. */
const cancelTimeoutMillis = 10_000;

export interface CancelTarget {
  readonly host: string;
  readonly port: number;
  readonly processId: number;
  readonly secretKey: number;
}

/**
 * PostgreSQL's cancel request: a new connection to the server carrying the backend's process id
 * and secret key, which the server closes without answering. pg has no public API for it (only an
 * internal one that reads a deprecated property), so it is sent here. The server reads it before
 * any TLS or authentication, so a plain socket serves every server.
 */
export function sendCancelRequest(target: CancelTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // A host starting with "/" is a socket directory, as in libpq.
    const socket: Socket = target.host.startsWith("/")
      ? connect({ path: `${target.host}/.s.PGSQL.${target.port}` })
      : connect({ host: target.host, port: target.port });
    socket.setTimeout(cancelTimeoutMillis, () => {
      socket.destroy(new Error(`the cancel request got no answer in ${cancelTimeoutMillis} ms`));
    });
    socket.once("connect", () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(cancelRequestCode, 4);
      message.writeInt32BE(target.processId, 8);
      message.writeInt32BE(target.secretKey, 12);
      socket.end(message);
    });
    socket.once("error", reject);
    socket.once("close", (hadError) => {
      if (!hadError) resolve();
    });
  });
}
