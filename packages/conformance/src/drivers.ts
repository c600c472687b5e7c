import "@athanor/dialect-pglite";
import "@athanor/dialect-postgres";
import { createEngine, type Engine, type EngineOptions, run } from "@athanor/core";
import { type DatabaseTarget, databaseTargets, type TestDatabase, useDatabase } from "@athanor/testing";
import { afterAll, describe } from "vitest";

export type DriverName = "pglite" | "pg" | "postgresjs";

/** One driver on one test database: what a conformance test gets. */
export interface DriverTarget {
  readonly name: DriverName;
  readonly db: TestDatabase;
  /** A new engine on this driver and database; disposed after the describe block. */
  engine(options?: EngineOptions): Engine;
  /** The URL engines of this target use (PGlite: no URL of its own; the instance goes in connectArgs). */
  readonly url: string;
}

class Target implements DriverTarget {
  readonly name: DriverName;
  readonly db: TestDatabase;
  readonly engines: Engine[] = [];

  constructor(name: DriverName, db: TestDatabase) {
    this.name = name;
    this.db = db;
  }

  get url(): string {
    if (this.name === "pglite") return "postgresql+pglite://";
    return this.db.url.replace(/^postgres(ql)?:/, `postgresql+${this.name}:`);
  }

  engine(options: EngineOptions = {}): Engine {
    const engine =
      this.name === "pglite"
        ? createEngine(this.url, {
            ...options,
            connectArgs: { pglite: this.db.pglite, ...options.connectArgs },
          })
        : createEngine(this.url, options);
    this.engines.push(engine);
    return engine;
  }

  async disposeAll(): Promise<void> {
    for (const engine of this.engines.splice(0)) await run(engine.dispose());
  }
}

/** The drivers a database target runs: PGlite's own, or both PostgreSQL drivers on the real server. */
export function driversOf(target: DatabaseTarget): DriverName[] {
  return target === "pglite" ? ["pglite"] : ["pg", "postgresjs"];
}

/**
 * Runs `define` once per driver, inside `describe(<database target>) > describe(<driver>)`, each
 * driver with a database of its own (so suites may create fixed names). Engines made through the
 * target are disposed after.
 */
export function forEachDriver(define: (target: DriverTarget) => void): void {
  for (const databaseTarget of databaseTargets()) {
    describe(databaseTarget, () => {
      for (const name of driversOf(databaseTarget)) {
        describe(name, () => {
          const target = new Target(name, useDatabase(databaseTarget));
          afterAll(() => target.disposeAll());
          define(target);
        });
      }
    });
  }
}

/**
 * Like forEachDriver, for the server drivers only (pg, postgres.js): tests of things PGlite cannot
 * have, such as a backend process to kill. Reported skipped when no server is configured.
 */
export function forEachServerDriver(define: (target: DriverTarget) => void): void {
  describe.runIf(databaseTargets().includes("postgres"))("postgres", () => {
    for (const name of driversOf("postgres")) {
      describe(name, () => {
        const target = new Target(name, useDatabase("postgres"));
        afterAll(() => target.disposeAll());
        define(target);
      });
    }
  });
}
