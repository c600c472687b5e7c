import { readFileSync } from "node:fs";
import { AdaptedConnection, type DriverResult, makeUrl, run } from "@athanor/core";
import { openPgliteFromTemplate } from "@athanor/testing";
import type { PGlite } from "@electric-sql/pglite";
import { inject } from "vitest";
import { PgliteConnection, PgliteDialect } from "../src/index.ts";

/** A PGlite instance of the test's own, copied from the template (a fresh one takes seconds). */
export function openTemplateCopy(): Promise<PGlite> {
  return openPgliteFromTemplate(inject("pgliteTemplate"));
}

/** The template as a tarball, for `connectArgs.loadDataDir`: an instance the dialect creates and owns. */
export function templateTarball(): Blob {
  return new Blob([readFileSync(inject("pgliteTemplate"))]);
}

export function newDialect(url = "postgresql+pglite://"): PgliteDialect {
  return new PgliteDialect({ url: makeUrl(url) });
}

/** The dialect's driver connection over a given instance (not owned: close() leaves it open). */
export async function connectGiven(pglite: PGlite, dialect = newDialect()): Promise<PgliteConnection> {
  return asPgliteConnection(
    await dialect.connect({ url: makeUrl("postgresql+pglite://"), connectArgs: { pglite } }),
  );
}

/** Core's view of a driver connection over a given instance: every call goes through a DriverRequest. */
export async function adaptGiven(pglite: PGlite): Promise<Adapted> {
  const dialect = newDialect();
  const adapted = new AdaptedConnection(dialect, await connectGiven(pglite, dialect));
  return {
    adapted,
    dialect,
    execute: (sql, params = []) => run(adapted.execute(sql, params)),
  };
}

export interface Adapted {
  readonly adapted: AdaptedConnection;
  readonly dialect: PgliteDialect;
  execute(sql: string, params?: readonly unknown[]): Promise<DriverResult>;
}

export function asPgliteConnection(connection: unknown): PgliteConnection {
  if (!(connection instanceof PgliteConnection)) throw new Error("not a PgliteConnection");
  return connection;
}

/** The first row of a result. */
export function firstRow(result: DriverResult): readonly unknown[] {
  const row = result.rows[0];
  if (row === undefined) throw new Error("the statement returned no row");
  return row;
}
