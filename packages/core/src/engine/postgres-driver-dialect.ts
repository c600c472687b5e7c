import { PostgresDialect } from "../dialect/postgres-dialect.ts";
import { op } from "../runtime/gen-op.ts";
import type { Op } from "../runtime/instruction.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type {
  ConnectParams,
  Dialect,
  DialectCapabilities,
  DialectOptions,
  PoolClassName,
} from "./dialect.ts";
import type { DriverConnection } from "./driver.ts";

/**
 * SQLSTATEs that mean the server ended the session: admin shutdown / pg_terminate_backend (57P01),
 * crash shutdown (57P02), cannot connect now (57P03), and every connection exception (class 08).
 */
const disconnectStates = new Set(["57P01", "57P02", "57P03"]);

/** Node socket errors that mean the connection is gone. */
const socketCodes = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTCONN", "ECONNABORTED"]);

/**
 * Base of the PostgreSQL driver dialects (postgres.js, node-postgres, PGlite): the SQL flavour, the
 * disconnect rules common to every PostgreSQL driver, and the server version read on first connect.
 * A driver dialect adds `connect` and its own disconnect messages.
 */
export abstract class PostgresDriverDialect extends PostgresDialect implements Dialect {
  abstract readonly driver: string;
  readonly isAsync: boolean = true;
  abstract readonly capabilities: DialectCapabilities;
  readonly defaultPoolClass: PoolClassName = "queue";
  serverVersionInfo: readonly number[] | undefined = undefined;

  constructor(options: DialectOptions) {
    super({ queryCacheSize: options.queryCacheSize });
  }

  abstract connect(params: ConnectParams): Promise<DriverConnection>;

  /** The driver's own ways of saying "connection gone" (messages, flags); SQLSTATE and socket codes are handled here. */
  protected abstract isDriverDisconnect(error: unknown): boolean;

  isDisconnect(error: unknown): boolean {
    if (error === null || typeof error !== "object") return false;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") {
      if (disconnectStates.has(code) || code.startsWith("08")) return true;
      if (socketCodes.has(code)) return true;
    }
    return this.isDriverDisconnect(error);
  }

  initialize(connection: AdaptedConnection): Op<void> {
    const dialect = this;
    return op(function* initialize() {
      const result = yield* connection.execute("SHOW server_version_num");
      const text = String(result.rows[0]?.[0] ?? "");
      const number = Number.parseInt(text, 10);
      // 150004 -> [15, 4]; servers before 10 used three parts (90624 -> [9, 6, 24]).
      dialect.serverVersionInfo = Number.isNaN(number)
        ? undefined
        : number >= 100000
          ? [Math.floor(number / 10000), number % 10000]
          : [Math.floor(number / 10000), Math.floor(number / 100) % 100, number % 100];
    });
  }
}
