import { createQueryId, type RootOperationNode } from "kysely";
import { defaultDialect } from "../dialect/postgres-dialect.ts";
import type { SqlDialect } from "../dialect/sql-dialect.ts";
import { CompileError, StatementError } from "../errors.ts";
import type { BindParameter } from "../sql/column-element.ts";
import { ShapeContext, type SqlElement } from "../sql/element.ts";
import type { ResultColumn } from "../sql/executable.ts";
import { isPlainObject } from "../types/json-types.ts";
import { hasLoneSurrogate } from "../types/text-checks.ts";
import { lowerStatement, ParameterMarker } from "./lower.ts";

/**
 * A compiled statement shape: its SQL and where each parameter's value comes from. Result column
 * types are not part of it: equal SQL can read different types (func.call(..., Text) vs Integer).
 */
export interface CompiledTemplate {
  readonly sql: string;
  /** For each $n, the index of the bind (in shape-traversal order) that supplies it. */
  readonly slots: readonly number[];
  /**
   * The result columns of the statement last compiled from this template. A statement whose
   * columns are equal (names and types) is given this same array, so the layout a Result builds for
   * it is found again (result.ts) instead of being rebuilt for every execution.
   */
  columns: readonly ResultColumn[];
}

/** SQL, its parameters (validated and converted for the driver), and how to read its rows. */
export class Compiled {
  declare readonly sql: string;
  declare readonly parameters: readonly unknown[];
  declare readonly resultColumns: readonly ResultColumn[];
  /** Whether the SQL came from the dialect's compiled cache. */
  declare readonly cached: boolean;

  constructor(
    sql: string,
    parameters: readonly unknown[],
    resultColumns: readonly ResultColumn[],
    cached: boolean,
  ) {
    this.sql = sql;
    this.parameters = parameters;
    this.resultColumns = resultColumns;
    this.cached = cached;
  }

  toString(): string {
    return this.sql;
  }
}

export interface CompilableStatement extends SqlElement {
  readonly resultColumns: readonly ResultColumn[];
  /** Values written into the SQL as literals (DDL); such statements bypass the cache. */
  readonly inlineValues?: boolean;
}

/**
 * Compiles a statement: its shape key finds (or makes) the SQL in the dialect's cache; the binds,
 * collected by the same traversal, give the parameters. Every value is checked against its type
 * first: a bad one raises StatementError and nothing is sent.
 */
export function compileStatement(
  statement: CompilableStatement,
  dialect: SqlDialect = defaultDialect(),
  params?: Readonly<Record<string, unknown>>,
): Compiled {
  const context = new ShapeContext(params);
  statement.shape(context);
  if (statement.inlineValues === true) {
    const { sql } = dialect.queryCompiler.compileQuery(
      lowerStatement(statement, context, true),
      createQueryId(),
    );
    checkSqlText(sql);
    return new Compiled(sql, [], statement.resultColumns, false);
  }
  const cache = dialect.compiledCache;
  let template = cache.get(context);
  const cached = template !== undefined;
  let columns = statement.resultColumns;
  if (template === undefined) {
    template = buildTemplate(statement, context, dialect, columns);
    cache.set(context, template);
  } else if (sameColumns(template.columns, columns)) columns = template.columns;
  else template.columns = columns;
  const values = bindValues(context.binds, params, template.sql);
  const slots = template.slots;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) parameters[i] = values[slots[i]!];
  return new Compiled(template.sql, parameters, columns, cached);
}

function sameColumns(a: readonly ResultColumn[], b: readonly ResultColumn[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.type !== y.type) return false;
  }
  return true;
}

function buildTemplate(
  statement: CompilableStatement,
  context: ShapeContext,
  dialect: SqlDialect,
  columns: readonly ResultColumn[],
): CompiledTemplate {
  const node: RootOperationNode = lowerStatement(statement, context);
  const { sql, parameters } = dialect.queryCompiler.compileQuery(node, createQueryId());
  checkSqlText(sql);
  const slots = parameters.map((parameter) => {
    if (!(parameter instanceof ParameterMarker)) {
      throw new CompileError(`a value reached the SQL without a bind parameter: ${String(parameter)}`);
    }
    return parameter.index;
  });
  return { sql, slots, columns };
}

/**
 * SQL text holding an unpaired UTF-16 surrogate (from raw SQL, a literal written into DDL) has no UTF-8
 * form: every driver would send U+FFFD in its place, so the server would run other SQL than was given.
 */
function checkSqlText(sql: string): void {
  if (hasLoneSurrogate(sql)) {
    throw new CompileError(
      `the SQL text contains an unpaired UTF-16 surrogate, which has no UTF-8 form: ${preview(sql)}`,
    );
  }
}

/** Each bind's value, checked against its type and converted for the driver. */
function bindValues(
  binds: readonly BindParameter<unknown>[],
  params: Readonly<Record<string, unknown>> | undefined,
  sql: string,
): unknown[] {
  const values = new Array<unknown>(binds.length);
  for (let i = 0; i < binds.length; i++) {
    const bind = binds[i]!;
    let value: unknown;
    try {
      value = bind.resolve(params);
    } catch (error) {
      throw new StatementError(error instanceof Error ? error.message : String(error), {
        statement: sql,
        cause: error,
      });
    }
    if (value === null) {
      values[i] = null;
      continue;
    }
    const type = bind.type;
    if (value === undefined || !type.validate(value)) {
      const reason =
        value === undefined ? "undefined is not a SQL value (use null for NULL)" : type.explain(value);
      throw invalidValue(bind, value, reason, sql);
    }
    try {
      values[i] = type.toDriver(value);
    } catch (error) {
      // A value the type let through but cannot convert (an Invalid Date in an array of an unchecked
      // type): the same error as a refused value, still before anything is sent.
      throw invalidValue(bind, value, error instanceof Error ? error.message : String(error), sql, error);
    }
  }
  return values;
}

function invalidValue(
  bind: BindParameter<unknown>,
  value: unknown,
  reason: string,
  sql: string,
  cause?: unknown,
): StatementError {
  const target = bind.target ?? (bind.key === undefined ? "a bound parameter" : `parameter "${bind.key}"`);
  return new StatementError(
    `invalid value for ${target}: ${preview(value)} is not a valid ${bind.type.name} (${reason})`,
    { statement: sql, column: bind.target, value, cause },
  );
}

/** A short display of a value for messages: strings quoted, Dates (valid or not) and kinds shown. */
function preview(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  const text = previewText(value, 0);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

function previewText(value: unknown, depth: number): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value !== "object" || value === null) return String(value);
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "Invalid" : value.toISOString()})`;
  // Element by element, so an Invalid Date shows as one (JSON writes it as null).
  if (Array.isArray(value)) {
    if (depth > 3) return "[...]";
    let text = "[";
    for (let i = 0; i < value.length && text.length <= 60; i++) {
      if (i > 0) text += ",";
      text += previewText(value[i], depth + 1);
    }
    return `${text}]`;
  }
  let json: string;
  try {
    json = JSON.stringify(value) ?? "";
  } catch {
    json = "";
  }
  if (isPlainObject(value)) return json === "" ? "{...}" : json;
  // Class instances, Maps, Sets: JSON alone hides what they are ("{}" for a Map).
  const maker: unknown = Reflect.get(value, "constructor");
  const name = typeof maker === "function" && maker.name !== "" ? maker.name : "object";
  return json === "" || json === "{}" ? name : `${name} ${json}`;
}
