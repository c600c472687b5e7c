import { PostgresQueryCompiler } from "kysely";
import { CompiledCache } from "../compile/compiled-cache.ts";
import type { SqlDialect } from "./sql-dialect.ts";

/**
 * PostgreSQL as a SQL flavour: Kysely's PostgreSQL compiler and a compiled cache. Shared by the
 * driver dialects (postgres.js, node-postgres, PGlite), which add connections on top.
 */
export class PostgresDialect implements SqlDialect {
  declare readonly name: "postgresql";
  declare readonly queryCompiler: PostgresQueryCompiler;
  declare readonly compiledCache: CompiledCache;

  constructor(options: { queryCacheSize?: number } = {}) {
    this.name = "postgresql";
    this.queryCompiler = new PostgresQueryCompiler();
    this.compiledCache = new CompiledCache(options.queryCacheSize);
  }
}

let fallback: PostgresDialect | undefined;

/** The dialect `compile()` and `String(statement)` use when none is given. */
export function defaultDialect(): PostgresDialect {
  fallback ??= new PostgresDialect();
  return fallback;
}
