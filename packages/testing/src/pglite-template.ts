import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

/**
 * A fresh PGlite runs initdb in WASM (~3-5 s). Instead, one initialised data directory is dumped
 * once and kept on disk (keyed by PGlite's version); each test file loads a copy (~0.5 s).
 */
const cacheDir = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache", "athanor");

function pgliteVersion(): string {
  // The package does not export its package.json: walk up from its entry point.
  let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  const manifest: { version?: unknown } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return String(manifest.version);
}

/** Path of the template data dir tarball, created on first use. */
export async function ensurePgliteTemplate(): Promise<string> {
  const path = join(cacheDir, `pglite-${pgliteVersion()}-template.tar`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir("none");
    // Write then rename, so a concurrent or interrupted run never sees half a template.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await db.close();
  }
  return path;
}

/** A new PGlite instance with its own copy of the template's data. */
export async function openPgliteFromTemplate(templatePath: string): Promise<PGlite> {
  return PGlite.create({ loadDataDir: new Blob([readFileSync(templatePath)]) });
}
