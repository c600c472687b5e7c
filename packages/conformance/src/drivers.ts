import "@athanor/dialect-pglite";
import "@athanor/dialect-postgres";
import { createEngine, type Engine, type EngineOptions, run } from "@athanor/core";
import { forEachDatabase, type TestDatabase } from "@athanor/testing";
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
        ? createEngine(this.url, { ...options, connectArgs: { pglite: this.db.pglite, ...options.connectArgs } })
        : createEngine(this.url, options);
    this.engines.push(engine);
    return engine;
  }

  async disposeAll(): Promise<void> {
    for (const engine of this.engines.splice(0)) await run(engine.dispose());
  }
}

/** The drivers a database target runs: PGlite's own, or both PostgreSQL drivers on the real server. */
export function driversOf(db: TestDatabase): DriverName[] {
  return db.target === "pglite" ? ["pglite"] : ["pg", "postgresjs"];
}

/**
 * Runs `define` once per driver, inside `describe(<target>) > describe(<driver>)`, each with a
 * database of the file's own (forEachDatabase). Engines made through the target are disposed after.
 */
export function forEachDriver(define: (target: DriverTarget) => void): void {
  forEachDatabase((db) => {
    for (const name of driversOf(db)) {
      describe(name, () => {
        const target = new Target(name, db);
        afterAll(() => target.disposeAll());
        define(target);
      });
    }
  });
}
