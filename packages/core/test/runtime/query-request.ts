import { IORequest } from "@athanor/core";
import type { ScriptedDriver } from "@athanor/core/testing";

/**
 * The runtime tests' request: a SQL string, answered by a ScriptedDriver. `T` is the answer type the
 * test's script promises; a Query never performs itself (there is no database in these tests).
 */
export class Query<T = unknown> extends IORequest<T> {
  readonly kind = "query";
  readonly sql: string;

  constructor(sql: string) {
    super();
    this.sql = sql;
  }

  perform(): T {
    throw new Error(`query "${this.sql}" has no database: answer it with a ScriptedDriver`);
  }
}

export function query<T = unknown>(sql: string): Query<T> {
  return new Query<T>(sql);
}

/** The SQL of every request the driver was asked, in order (other requests show as `<label>`). */
export function sqlOf(driver: ScriptedDriver): string[] {
  return driver.requests.map((request) => (request instanceof Query ? request.sql : `<${request.label}>`));
}

/** The SQL of a request, for scripts keyed by statement. */
export function sqlText(request: IORequest): string {
  if (!(request instanceof Query)) throw new Error(`unexpected request ${request.label}`);
  return request.sql;
}

/** Lets every pending promise callback and timer of this turn run. */
export function settle(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
