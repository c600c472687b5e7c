import { AdaptedConnection, type DriverResult, makeUrl, run } from "@athanor/core";
import { forPostgresDatabase, type TestDatabase } from "@athanor/testing";
import { describe } from "vitest";
import { PostgresJsConnection } from "../src/postgresjs/postgresjs-connection.ts";
import { PostgresJsDialect } from "../src/postgresjs/postgresjs-dialect.ts";

/** Test helpers of the postgres.js driver tests (they need a real PostgreSQL: ATHANOR_PG_URL). */

export interface Opened {
  readonly adapted: AdaptedConnection;
  readonly driver: PostgresJsConnection;
  readonly dialect: PostgresJsDialect;
}

/** A new connection through the dialect, wrapped as core wraps it. */
export async function openConnection(
  databaseUrl: string,
  connectArgs: Readonly<Record<string, unknown>> = {},
): Promise<Opened> {
  const url = makeUrl(databaseUrl.replace(/^postgresql:/, "postgresql+postgresjs:"));
  const dialect = new PostgresJsDialect({ url });
  const driver = await dialect.connect({ url, connectArgs });
  if (!(driver instanceof PostgresJsConnection)) throw new Error("not a postgres.js connection");
  return { adapted: new AdaptedConnection(dialect, driver), driver, dialect };
}

export function execute(
  conn: AdaptedConnection,
  sql: string,
  params: readonly unknown[] = [],
): Promise<DriverResult> {
  return run(conn.execute(sql, params));
}

/** Defines tests on the PostgreSQL target only (the driver needs a server). */
export function onPostgres(name: string, define: (db: TestDatabase) => void): void {
  describe(name, () => forPostgresDatabase(define));
}
