import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

/**
 * A TCP proxy in front of a PostgreSQL server that cuts each connection (both sockets destroyed) at
 * the first server message of a given type, before passing it on: e.g. at ReadyForQuery ("Z"), so the
 * client sees its connection die while it is still being set up, as a backend killed at that moment
 * would make it. Answers to an SSLRequest (one byte, "N") are passed through.
 */
export class CuttingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** Connections cut so far. */
  cuts = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }, cutAt: string): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server);
    server.on("connection", (client) => proxy.#relay(client, target, cutAt));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("the proxy is not listening");
    return address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket, target: { host: string; port: number }, cutAt: string): void {
    const server = tcpConnect(target.port, target.host);
    for (const socket of [client, server]) {
      this.#sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
    let sslAnswerPending = false;
    let clientBytes = 0;
    client.on("data", (chunk: Buffer) => {
      // The client's first 8 bytes may be an SSLRequest (length 8, code 80877103): one byte answers it.
      if (
        clientBytes === 0 &&
        chunk.length >= 8 &&
        chunk.readInt32BE(0) === 8 &&
        chunk.readInt32BE(4) === 80877103
      )
        sslAnswerPending = true;
      clientBytes += chunk.length;
      server.write(chunk);
    });
    let pending = Buffer.alloc(0);
    server.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let forward = 0;
      if (sslAnswerPending && pending.length > 0) {
        sslAnswerPending = false;
        forward = 1;
      }
      // Whole messages: a type byte and a length that counts itself.
      while (pending.length - forward >= 5) {
        const type = String.fromCharCode(pending[forward]!);
        const length = pending.readInt32BE(forward + 1);
        if (type === cutAt) {
          client.write(pending.subarray(0, forward));
          this.cuts++;
          client.destroy();
          server.destroy();
          return;
        }
        if (pending.length - forward < 1 + length) break;
        forward += 1 + length;
      }
      client.write(pending.subarray(0, forward));
      pending = pending.subarray(forward);
    });
  }
}
