/**
 * Enforces the package layering: dialects -> core; orm -> core; asyncio -> orm, core. Every import
 * in a package's src must be relative within the package, a `node:` builtin, the package itself, or
 * a package it may use; tests, examples and scripts may also use the test tools. Declared
 * dependencies must obey the same table. Exits 1 listing every violation.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** What each layered package's source may import (its own name is always allowed). */
export const allowedImports: Record<string, readonly string[]> = {
  "@athanor/core": ["kysely", "zod"],
  "@athanor/orm": ["@athanor/core"],
  "@athanor/asyncio": ["@athanor/core", "@athanor/orm"],
  "@athanor/dialect-postgres": ["@athanor/core", "postgres", "pg", "pg-cursor"],
  "@athanor/dialect-pglite": ["@athanor/core", "@electric-sql/pglite"],
  // Test infrastructure sits beside the layers and must not depend on them (no workspace cycles).
  "@athanor/testing": ["@electric-sql/pglite", "pg", "vitest", "typescript"],
};
/** Also allowed in test/, examples/ and bin/ of a layered package. */
const testTools = ["vitest", "fast-check", "@athanor/testing"];
const sourceDirs = ["src", "test", "examples", "bin"];

interface Violation {
  file: string;
  detail: string;
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) yield path;
  }
}

export function checkPackage(packageDir: string): Violation[] {
  const manifest: { name: string; dependencies?: Record<string, string> } = JSON.parse(
    readFileSync(join(packageDir, "package.json"), "utf8"),
  );
  const allowed = allowedImports[manifest.name];
  if (allowed === undefined) return []; // examples and bench sit on top and may use anything
  const violations: Violation[] = [];
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    if (!allowed.includes(dependency)) {
      violations.push({
        file: relative(root, join(packageDir, "package.json")),
        detail: `dependency "${dependency}" is not allowed for ${manifest.name}`,
      });
    }
  }
  for (const sub of sourceDirs) {
    const dir = join(packageDir, sub);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    const permitted = new Set([manifest.name, ...allowed, ...(sub === "src" ? [] : testTools)]);
    for (const file of sourceFiles(dir)) {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
      for (const { fileName: specifier } of importedFiles) {
        const detail = judge(specifier, file, packageDir, permitted, manifest.name);
        if (detail !== undefined) violations.push({ file: relative(root, file), detail });
      }
    }
  }
  return violations;
}

function judge(
  specifier: string,
  file: string,
  packageDir: string,
  permitted: ReadonlySet<string>,
  name: string,
): string | undefined {
  if (specifier.startsWith(".")) {
    const target = resolve(dirname(file), specifier);
    return target.startsWith(packageDir + sep) ? undefined : `"${specifier}" reaches outside ${name}`;
  }
  if (specifier.startsWith("node:")) return undefined;
  if (permitted.has(packageOf(specifier))) return undefined;
  return `imports "${specifier}", which ${name} may not use here`;
}

function main(): void {
  const packagesDir = join(root, "packages");
  const violations = readdirSync(packagesDir)
    .map((entry) => join(packagesDir, entry))
    .filter((dir) => statSync(join(dir, "package.json"), { throwIfNoEntry: false })?.isFile())
    .flatMap(checkPackage);
  for (const { file, detail } of violations) console.error(`${file}: ${detail}`);
  if (violations.length > 0) {
    console.error(`import direction: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log("import direction: ok");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
