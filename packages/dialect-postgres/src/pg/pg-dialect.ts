import {
  type ConnectParams,
  type DialectCapabilities,
  type DriverConnection,
  PostgresDriverDialect,
} from "@athanor/core";
import pg from "pg";
import { clientConfig } from "./pg-connect-config.ts";
import { brokenMessage, closedMessage, PgConnection } from "./pg-connection.ts";
import { PgTypeParsers } from "./pg-type-parsers.ts";

/** pg's own errors for a client that lost, or never got, its connection. They carry no SQLSTATE. */
const disconnectMessages = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  brokenMessage,
  closedMessage,
  // connectionTimeoutMillis ran out while connecting.
  "timeout expired",
  // query_timeout: the statement may still run on the server, the session's state is unknown.
  "Query read timeout",
  "The server does not support SSL connections",
  "There was an error establishing an SSL connection",
]);

/**
 * PostgreSQL through node-postgres (`postgresql+pg://`): one pg.Client per connection (core pools
 * them; no pg.Pool), rows in array mode, canonical values through per-engine type parsers, server-side
 * cursors through pg-cursor, executeMany pipelined inside transactions, cancel requests.
 */
export class PgDialect extends PostgresDriverDialect {
  readonly driver = "pg";
  readonly capabilities: DialectCapabilities = {
    serverSideCursors: true,
    returning: true,
    executemany: "values",
    maxParameters: 65535,
  };
  /** Parsers shared by this engine's clients, with the enum and domain types they have learnt. */
  private readonly types = new PgTypeParsers();

  async connect({ url, connectArgs, signal }: ConnectParams): Promise<DriverConnection> {
    signal?.throwIfAborted();
    const client = new pg.Client(clientConfig(url, connectArgs, this.types));
    const connection = new PgConnection(client, this.types);
    // A cancelled checkout stops connecting: dropping the socket fails client.connect() at once.
    const stop = () => connection.terminate();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      await client.connect();
    } catch (error) {
      connection.terminate();
      throw error;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    return connection;
  }

  protected isDriverDisconnect(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    // "Received unexpected rowDescription message from backend." and the like: the protocol is out of step.
    return disconnectMessages.has(error.message) || error.message.startsWith("Received unexpected ");
  }
}
