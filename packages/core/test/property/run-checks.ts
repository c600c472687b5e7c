import { inspect } from "node:util";
import { type Compiled, type SqlDialect, StatementError } from "@athanor/core";
import type { TestDatabase } from "@athanor/testing";
import { expect } from "vitest";
import type { Built } from "./build.ts";
import { checkCompiled } from "./sql-checks.ts";

/**
 * Property 1 for one statement: compile() raises StatementError exactly when a value is invalid
 * for its type; otherwise the SQL passes the structural checks. Returns the compiled statement.
 */
export function compileChecked(built: Built, dialect: SqlDialect): Compiled | undefined {
  const reasons = built.expect.invalid;
  if (reasons.length > 0) {
    let error: unknown;
    try {
      built.statement.compile(dialect);
    } catch (caught) {
      error = caught;
    }
    if (!(error instanceof StatementError)) {
      expect.fail(
        `expected StatementError (${reasons.join("; ")}), got ${error === undefined ? "compiled SQL" : String(error)}`,
      );
    }
    return undefined;
  }
  const compiled = built.statement.compile(dialect);
  checkCompiled(compiled.sql, compiled.parameters, built.expect, built.known);
  return compiled;
}

/** Creates the tables, runs the statement, rolls everything back; a failure names the SQL. */
export async function executeInRollback(
  db: TestDatabase,
  ddl: readonly string[],
  compiled: Compiled,
): Promise<void> {
  // One round trip for BEGIN and the tables: a script (PGlite's exec, pg's simple query protocol).
  const setup = ["begin", ...ddl].join(";\n");
  try {
    if (db.target === "pglite") await db.pglite.exec(setup);
    else await db.query(setup);
    await db.query(compiled.sql, compiled.parameters);
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n  sql: ${compiled.sql}\n  parameters: ${inspect(compiled.parameters)}`,
      { cause: error },
    );
  } finally {
    await db.query("rollback");
  }
}
