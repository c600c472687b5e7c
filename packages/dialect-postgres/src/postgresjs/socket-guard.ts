import net from "node:net";
import { ConnectionGoneError } from "./connection-errors.ts";

/** Where the one socket goes: a TCP host and port, or a unix socket path. */
export type SocketTarget = { readonly path: string } | { readonly host: string; readonly port: number };

/** What postgres.js hands its `socket` option (its parsed options). */
export interface ParsedSocketOptions {
  readonly host: readonly string[];
  readonly port: readonly number[];
  readonly path?: string | false | undefined;
}

export type SocketFactory = (options: ParsedSocketOptions) => net.Socket | Promise<net.Socket>;

/**
 * The `socket` option of a postgres.js instance that may own ONE socket in its life. postgres.js
 * reconnects on its own (a query issued after the backend died, queries queued when it died, a close
 * during startup): each of those asks this factory for a new socket, and gets an error instead, which
 * postgres.js hands to the waiting query. So no statement can ever reach a second backend.
 */
export class SocketGuard {
  /** The socket this instance got; undefined before the first connect. */
  socket: net.Socket | undefined = undefined;
  target: SocketTarget | undefined = undefined;
  /** The last error the socket reported, the cause of a refusal that follows it. */
  private lastError: unknown = undefined;
  private opened = false;
  private readonly userFactory: SocketFactory | undefined;

  constructor(userFactory: SocketFactory | undefined) {
    this.userFactory = userFactory;
  }

  /** The function given to postgres.js as its `socket` option. */
  readonly factory = (options: ParsedSocketOptions): net.Socket | Promise<net.Socket> => {
    if (this.opened) {
      throw new ConnectionGoneError(
        "postgres.js tried to open a second connection for this DBAPI connection; refused, since " +
          "statements of a transaction must never run on a new backend",
        "CONNECTION_CLOSED",
        this.lastError,
      );
    }
    this.opened = true;
    const path = options.path || undefined;
    this.target =
      path !== undefined ? { path } : { host: options.host[0] ?? "localhost", port: options.port[0] ?? 5432 };
    if (this.userFactory !== undefined) {
      return Promise.resolve(this.userFactory(options)).then((socket) => this.adopt(socket));
    }
    const target = this.target;
    const socket = "path" in target ? net.connect(target.path) : net.connect(target.port, target.host);
    // postgres.js names the TLS server from `socket.host` (SNI), as it does for sockets of its own.
    if ("host" in target) Object.assign(socket, { host: target.host });
    return this.adopt(socket);
  };

  /** Drops the socket now (no Terminate message, no waiting). */
  destroy(): void {
    this.socket?.destroy();
  }

  private adopt(socket: net.Socket): net.Socket {
    this.socket = socket;
    socket.on("error", (error: unknown) => {
      this.lastError = error;
    });
    return socket;
  }
}
