import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openPgliteFromTemplate } from "./pglite-template.ts";

export type DatabaseTarget = "pglite" | "postgres";

/** A database of one test file's own, on one target. Valid from the describe block's beforeAll on. */
export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** Runs SQL on this database (for PostgreSQL through a connection of the helper's own). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** postgres target: URL of this file's database. */
  readonly url: string;
  /** pglite target: the instance holding this file's database. */
  readonly pglite: PGlite;
}

/** PGlite always; a real PostgreSQL too when ATHANOR_PG_URL is set. */
export function databaseTargets(): DatabaseTarget[] {
  return process.env.ATHANOR_PG_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * Runs `define` once per target inside `describe(target)`, with a database created for this file
 * before its tests and dropped after: a copy of the PGlite template, or a new database on the
 * PostgreSQL server at ATHANOR_PG_URL.
 */
export function forEachDatabase(define: (db: TestDatabase) => void): void {
  for (const target of databaseTargets()) {
    describe(target, () => {
      const db = new LazyDatabase(target);
      beforeAll(() => db.open());
      afterAll(() => db.close());
      define(db);
    });
  }
}

/**
 * Like forEachDatabase, on the PGlite target only: for tests of things that need an embedded
 * instance (a dialect written over PGlite in a test, say) rather than a server.
 */
export function forPgliteDatabase(define: (db: TestDatabase) => void): void {
  describe("pglite", () => define(useDatabase("pglite")));
}

/**
 * Tests that need a real server (a driver over sockets, backend kills): `describe("postgres")` with
 * a database of the file's own when ATHANOR_PG_URL is set (as `pnpm test` sets it); without a server
 * the block is reported skipped, never silently empty.
 */
export function forPostgresDatabase(define: (db: TestDatabase) => void): void {
  describe.runIf(databaseTargets().includes("postgres"))("postgres", () => define(useDatabase("postgres")));
}

/**
 * A database of its own for the enclosing describe block, on `target`: opened before its tests,
 * dropped after. For suites that need one database per sub-block (one per driver, say).
 */
export function useDatabase(target: DatabaseTarget): TestDatabase {
  const db = new LazyDatabase(target);
  beforeAll(() => db.open());
  afterAll(() => db.close());
  return db;
}

class LazyDatabase implements TestDatabase {
  readonly target: DatabaseTarget;
  private instance: PGlite | undefined;
  private client: pg.Client | undefined;
  private databaseUrl: string | undefined;
  private databaseName: string | undefined;

  constructor(target: DatabaseTarget) {
    this.target = target;
  }

  get url(): string {
    if (this.databaseUrl === undefined)
      throw new Error(`no URL: the ${this.target} test database is not open`);
    return this.databaseUrl;
  }

  get pglite(): PGlite {
    if (this.instance === undefined) throw new Error(`no PGlite instance on the ${this.target} target`);
    return this.instance;
  }

  async query<Row extends Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Row[]> {
    if (this.instance !== undefined) return (await this.instance.query<Row>(sql, [...params])).rows;
    if (this.client !== undefined) return (await this.client.query<Row>(sql, [...params])).rows;
    throw new Error(`the ${this.target} test database is not open (use it inside a test or hook)`);
  }

  async open(): Promise<void> {
    if (this.target === "pglite") {
      this.instance = await openPgliteFromTemplate(inject("pgliteTemplate"));
      return;
    }
    const serverUrl = process.env.ATHANOR_PG_URL;
    if (!serverUrl) throw new Error("ATHANOR_PG_URL is not set");
    this.databaseName = `athanor_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE "${this.databaseName}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
    this.client = new pg.Client({ connectionString: this.databaseUrl });
    // An error event on an idle client (e.g. its backend was terminated by a test) must not crash.
    this.client.on("error", () => {});
    await this.client.connect();
  }

  async close(): Promise<void> {
    await this.instance?.close();
    this.instance = undefined;
    await this.client?.end().catch(() => {});
    this.client = undefined;
    const serverUrl = process.env.ATHANOR_PG_URL;
    if (this.databaseName !== undefined && serverUrl) {
      const name = this.databaseName;
      this.databaseName = undefined;
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  }
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  admin.on("error", () => {});
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
