import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { checkPackage } from "../bin/check-imports.ts";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a throwaway package (name, dependencies, files by relative path) and returns its dir. */
function fakePackage(name: string, files: Record<string, string>, dependencies: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "athanor-imports-"));
  made.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, dependencies }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const details = (dir: string) => checkPackage(dir).map((violation) => violation.detail);

test("a package importing only downward passes", () => {
  const dir = fakePackage(
    "@athanor/orm",
    {
      "src/index.ts": 'import { op } from "@athanor/core";\nimport { x } from "./x.ts";\nimport "node:fs";\n',
      "src/x.ts": "export const x = 1;\n",
      "test/a.test.ts":
        'import { test } from "vitest";\nimport { forEachDatabase } from "@athanor/testing";\n',
    },
    { "@athanor/core": "workspace:*" },
  );
  expect(details(dir)).toEqual([]);
});

test("an upward import from core to orm fails, static or dynamic", () => {
  const dir = fakePackage("@athanor/core", {
    "src/a.ts": 'import { Session } from "@athanor/orm";\n',
    "src/b.ts": 'export async function f() { return import("@athanor/asyncio"); }\n',
  });
  expect(details(dir)).toEqual([
    'imports "@athanor/orm", which @athanor/core may not use here',
    'imports "@athanor/asyncio", which @athanor/core may not use here',
  ]);
});

test("a dialect may not import the ORM, nor core a driver", () => {
  expect(
    details(fakePackage("@athanor/dialect-pglite", { "src/a.ts": 'export * from "@athanor/orm";\n' })),
  ).toEqual(['imports "@athanor/orm", which @athanor/dialect-pglite may not use here']);
  expect(details(fakePackage("@athanor/core", { "src/a.ts": 'import pg from "pg";\n' }))).toEqual([
    'imports "pg", which @athanor/core may not use here',
  ]);
});

test("builtins need the node: prefix, relative paths stay inside the package, tools stay in tests", () => {
  const dir = fakePackage("@athanor/core", {
    "src/a.ts":
      'import fs from "fs";\nimport { y } from "../../elsewhere/y.ts";\nimport { test } from "vitest";\n',
  });
  expect(details(dir)).toEqual([
    'imports "fs", which @athanor/core may not use here',
    '"../../elsewhere/y.ts" reaches outside @athanor/core',
    'imports "vitest", which @athanor/core may not use here',
  ]);
});

test("declared dependencies obey the same table", () => {
  const dir = fakePackage(
    "@athanor/orm",
    {},
    { "@athanor/core": "workspace:*", "@athanor/asyncio": "workspace:*" },
  );
  expect(details(dir)).toEqual(['dependency "@athanor/asyncio" is not allowed for @athanor/orm']);
});

test("test infrastructure may not depend on the layered packages", () => {
  const dir = fakePackage("@athanor/testing", { "src/a.ts": 'import { run } from "@athanor/core";\n' });
  expect(details(dir)).toEqual(['imports "@athanor/core", which @athanor/testing may not use here']);
});
