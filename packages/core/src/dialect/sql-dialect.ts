import type { QueryCompiler } from "kysely";
import type { CompiledCache } from "../compile/compiled-cache.ts";

/**
 * What compiling needs to know of a dialect: its Kysely query compiler (which renders the SQL text)
 * and its cache of compiled statements. The execution side of a dialect adds drivers (issue 4).
 */
export interface SqlDialect {
  readonly name: string;
  /** Reused for every compile: Kysely compilers reset their state per query. */
  readonly queryCompiler: QueryCompiler;
  readonly compiledCache: CompiledCache;
}
