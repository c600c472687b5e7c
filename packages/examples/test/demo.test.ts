import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

test("the demo runs to the end on PGlite, prints its results and lets the process exit", () => {
  const demo = spawnSync(process.execPath, ["--import", "tsx", "packages/examples/src/demo.ts"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(demo.stderr).toBe("");
  expect(demo.status).toBe(0);
  const lines = demo.stdout.split("\n").filter((line) => !line.startsWith("INFO "));
  expect(lines).toEqual([
    "connected: PostgreSQL 18.6 (PGlite 0.5.16)",
    'rolled back: IntegrityError 23503: insert or update on table "addresses" violates foreign key constraint "addresses_user_id_fkey"',
    "patrick: 0 address(es)",
    "sandy: 2 address(es)",
    "spongebob: 1 address(es)",
    "partition: [ 1, 2 ]",
    "partition: [ 3, 4 ]",
    "partition: [ 5 ]",
    "",
  ]);
  expect(demo.stdout).toContain("INFO athanor.engine.Engine COMMIT");
});
