import { createRequire } from "node:module";
import { join } from "node:path";
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
  let resolved: string | undefined;
  try {
    resolved = createRequire(join(process.cwd(), "package.json")).resolve(name);
  } catch {
    resolved = undefined;
  }
  try {
    await import(resolved === undefined ? name : pathToFileURL(resolved).href);
    return true;
  } catch (error) {
    if (isModuleNotFound(error, name)) return false;
    throw error;
  }
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error instanceof Error &&
    error.message.includes(name)
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
