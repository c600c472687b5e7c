import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ArgumentError } from "../errors.ts";
import type { DialectFactory } from "./dialect.ts";
import type { DatabaseUrl } from "./url.ts";

const factories = new Map<string, DialectFactory>();

/**
 * Makes a dialect available to URLs of `drivername` ("postgresql+pg"; a bare "postgresql" is what a
 * URL without a driver gets). A dialect package calls this when it is imported; registering a name
 * again replaces the factory.
 */
export function registerDialect(drivername: string, factory: DialectFactory): void {
  if (!/^[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)?$/.test(drivername)) {
    throw new ArgumentError(
      `invalid dialect name ${JSON.stringify(drivername)}: expected "dialect" or "dialect+driver", lower case`,
    );
  }
  factories.set(drivername, factory);
}

/** Forgets a registration (tests, or a plugin being unloaded). */
export function unregisterDialect(drivername: string): boolean {
  return factories.delete(drivername);
}

/** The factory registered for the URL's drivername, if any. */
export function registeredDialect(url: DatabaseUrl): DialectFactory | undefined {
  return factories.get(url.drivername);
}

/** Where to look for a dialect package that is not registered yet, in order. */
export function dialectPackageNames(url: DatabaseUrl): string[] {
  const dialect = url.dialectName;
  const driver = url.driverName;
  const names: string[] = [];
  // The in-repo packages: PGlite is a package of its own, the server drivers share one.
  if (dialect === "postgresql" && driver === "pglite") names.push("@athanor/dialect-pglite");
  if (dialect === "postgresql") names.push("@athanor/dialect-postgres");
  // The convention for third parties: athanor-dialect-<dialect>, or one package per driver.
  if (driver !== undefined) names.push(`athanor-dialect-${dialect}-${driver}`);
  names.push(`athanor-dialect-${dialect}`);
  return names;
}

/**
 * Finds the dialect of a URL: a registered one, else the first package of `dialectPackageNames`
 * that can be imported (from the application's directory) and registers it.
 */
export async function loadDialect(url: DatabaseUrl): Promise<DialectFactory> {
  const known = registeredDialect(url);
  if (known !== undefined) return known;
  const tried: string[] = [];
  for (const name of dialectPackageNames(url)) {
    const imported = await importFromApplication(name);
    if (!imported) continue;
    tried.push(name);
    const factory = registeredDialect(url);
    if (factory !== undefined) return factory;
  }
  throw new NoSuchDialectError(url, dialectPackageNames(url), tried);
}

async function importFromApplication(name: string): Promise<boolean> {
  const resolved = resolveInApplication(name);
  try {
    await import(resolved === undefined ? name : pathToFileURL(resolved).href);
    return true;
  } catch (error) {
    // Resolved means installed: an import error is then the package's own (a missing dependency...).
    if (resolved === undefined && isModuleNotFound(error, name)) return false;
    throw error;
  }
}

/**
 * The entry module of package `name` installed in the application (node_modules of the cwd or a parent),
 * read as an ESM import would: the "." export under the "import" / "node" / "default" conditions, else "main".
 */
function resolveInApplication(name: string): string | undefined {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const packageDir = join(dir, "node_modules", name);
    const manifestPath = join(packageDir, "package.json");
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
        exports?: unknown;
        main?: unknown;
      };
      const entry =
        manifest.exports !== undefined
          ? exportTarget(manifest.exports)
          : typeof manifest.main === "string"
            ? manifest.main
            : "index.js";
      return entry === undefined ? undefined : join(packageDir, entry);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The target of an "exports" field's "." entry for an ESM import in Node. */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const target = exportTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (exports === null || typeof exports !== "object") return undefined;
  const entries = Object.entries(exports);
  const dot = entries.find(([key]) => key === ".");
  if (dot !== undefined) return exportTarget(dot[1]);
  if (entries.some(([key]) => key.startsWith("."))) return undefined; // subpaths only, no "."
  for (const [condition, value] of entries) {
    if (condition !== "import" && condition !== "node" && condition !== "default") continue;
    const target = exportTarget(value);
    if (target !== undefined) return target;
  }
  return undefined;
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error instanceof Error &&
    error.message.includes(`'${name}'`)
  );
}

/** No dialect is registered for a URL and no package provides one. */
export class NoSuchDialectError extends ArgumentError {
  override name = "NoSuchDialectError";

  constructor(url: DatabaseUrl, candidates: readonly string[], imported: readonly string[]) {
    const registered = [...factories.keys()].sort();
    super(
      `no dialect for "${url.drivername}://": ` +
        (imported.length > 0
          ? `${imported.join(", ")} loaded but registered no "${url.drivername}"`
          : `install and import one of ${candidates.join(", ")}`) +
        ` (registered: ${registered.length === 0 ? "none" : registered.join(", ")})`,
    );
  }
}

/** The names registered so far, for messages and tests. */
export function registeredDialectNames(): string[] {
  return [...factories.keys()].sort();
}
