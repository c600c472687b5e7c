import { CompiledCache } from "../compile/compiled-cache.ts";
import type { SqlDialect } from "../dialect/sql-dialect.ts";
import { ArgumentError } from "../errors.ts";
import type { Result } from "../result/result.ts";
import { Executable, type ResultColumn } from "../sql/executable.ts";
import type { RowMapping, RowTuple } from "../sql/select.ts";
import { TextClause } from "../sql/text-clause.ts";
import { nullType } from "../types/null-type.ts";

/** A Kysely compiled query (`db.selectFrom("t").selectAll().compile()`): executed as it is. */
export interface KyselyCompiledQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly query: { readonly kind: string };
}

/** What `execute()` accepts. */
export type Statement = Executable | TextClause<unknown> | KyselyCompiledQuery;

/** One parameter set (named values), or a list of them (executemany). */
export type Parameters = Readonly<Record<string, unknown>>;

/** The Result a statement gives: typed rows for select() / returning(), untyped otherwise. */
export type ResultOf<S> = S extends { readonly __items: infer Items extends readonly unknown[] }
  ? Result<RowTuple<Items>, RowMapping<Items>>
  : Result;

/**
 * A statement ready to send (a Compiled is one). `resultColumns` undefined: read the rows by the
 * fields the driver reports.
 */
export interface PreparedStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly resultColumns: readonly ResultColumn[] | undefined;
  readonly cached: boolean;
}

export function isKyselyCompiled(value: unknown): value is KyselyCompiledQuery {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as KyselyCompiledQuery).sql === "string" &&
    Array.isArray((value as KyselyCompiledQuery).parameters) &&
    typeof (value as KyselyCompiledQuery).query === "object"
  );
}

const noCache = new CompiledCache(0);

/** The dialect to compile with when the `compiledCache` execution option overrides the dialect's. */
export function withCache(dialect: SqlDialect, cache: CompiledCache | null | undefined): SqlDialect {
  if (cache === undefined || cache === dialect.compiledCache) return dialect;
  return { name: dialect.name, queryCompiler: dialect.queryCompiler, compiledCache: cache ?? noCache };
}

/** Compiles (or takes as is) a statement for execution. */
export function prepareStatement(
  statement: Statement,
  dialect: SqlDialect,
  params: Parameters | undefined,
): PreparedStatement {
  if (statement instanceof Executable) return statement.compile(dialect, params);
  if (statement instanceof TextClause) {
    const compiled = statement.compile(dialect, params);
    return {
      sql: compiled.sql,
      parameters: compiled.parameters,
      resultColumns: undefined,
      cached: compiled.cached,
    };
  }
  if (isKyselyCompiled(statement)) {
    if (params !== undefined) {
      throw new ArgumentError("a Kysely compiled query carries its own parameters; pass none to execute()");
    }
    return { sql: statement.sql, parameters: statement.parameters, resultColumns: undefined, cached: false };
  }
  throw new ArgumentError(
    `execute() takes a statement (select(), insert(), text(), a Kysely compiled query...), got ${describe(statement)}; ` +
      "for a SQL string use execDriverSql() or text()",
  );
}

let lastFields: readonly string[] = [];
let lastColumns: readonly ResultColumn[] = [];

/**
 * Result columns from the driver's field names, for statements whose columns are not known in
 * advance. Equal fields in a row (a statement executed in a loop) get the same columns array back,
 * so their Results share one layout.
 */
export function fieldColumns(fields: readonly string[]): readonly ResultColumn[] {
  if (!sameNames(fields, lastFields)) {
    lastColumns = fields.map((name) => ({ name, type: nullType }));
    lastFields = [...fields]; // a copy: a driver may reuse its array
  }
  return lastColumns;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (value === null || typeof value !== "object") return String(value);
  return `a ${value.constructor?.name ?? "object"}`;
}
