import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Every TypeScript example in the README runs as written (as SQLAlchemy's documentation examples do).
const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

test("the README has TypeScript examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

test.each(examples.map((code, index) => [index + 1, code] as const))("README example %i runs", (_, code) => {
  // Written inside the examples package so that @athanor/* resolve as they do for its sources.
  const dir = mkdtempSync(join(root, "packages/examples/.readme-"));
  try {
    const file = join(dir, "example.ts");
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
