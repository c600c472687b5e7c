import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { databaseTargets, type TestDatabase, useDatabase } from "@athanor/testing";
import { describe, expect, test } from "vitest";

// Every Core example of the seed has a twin under src/asyncio; each runs here as a program, on
// PGlite and, with a server, on PostgreSQL through both drivers, and prints what the seed's does.
const root = fileURLToPath(new URL("../../../", import.meta.url));

function runExample(name: string, url: string): string[] {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", `packages/examples/src/asyncio/${name}.ts`],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, ATHANOR_EXAMPLE_URL: url },
    },
  );
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("INFO "));
}

function defineExamples(url: () => string, driver: string): void {
  // First: the others leave their tables behind on a server database.
  test("inspector: the Inspector through runSync", () => {
    expect(runExample("inspector", url())).toEqual(["[]", "[ 'inspected' ]"]);
  });

  test("core-engine: drop/create through runSync, executemany, a buffered select", () => {
    expect(runExample("core-engine", url())).toEqual(["[ (1, 'some name 1') ]"]);
  });

  test("core-streaming: a server-side cursor read with for await", () => {
    expect(runExample("core-streaming", url())).toEqual(["(1, 'some name 1')", "(2, 'some name 2')"]);
  });

  test("core-events: the connect handler queries through the adapted cursor, then beforeExecute", () => {
    expect(runExample("core-events", url())).toEqual([
      `New DBAPI connection: <AdaptedConnection <postgresql+${driver} connection>>`,
      "execute from event",
      "before execute!",
    ]);
  });

  test("run-async: a connect handler reaches the driver's own API", () => {
    expect(runExample("run-async", url())).toEqual(["athanor-example"]);
  });

  test("null-pool: an engine made at module load serves later tasks without pooling", () => {
    expect(runExample("null-pool", url())).toEqual(["pool: NullPool", "[ 10, 20 ]", "checked out after: 0"]);
  });
}

describe("pglite", () => {
  defineExamples(() => "postgresql+pglite://", "pglite");
});

describe.runIf(databaseTargets().includes("postgres"))("postgres", () => {
  for (const driver of ["pg", "postgresjs"]) {
    describe(driver, () => {
      const db: TestDatabase = useDatabase("postgres");
      defineExamples(() => db.url.replace(/^postgres(ql)?:/, `postgresql+${driver}:`), driver);
    });
  }
});
