import { type Compiled, compileStatement } from "../compile/compiler.ts";
import type { SqlDialect } from "../dialect/sql-dialect.ts";
import { ArgumentError } from "../errors.ts";
import { inferType } from "../types/infer-type.ts";
import { nullType } from "../types/null-type.ts";
import { resolveType, type SqlType, type TypeArg } from "../types/sql-type.ts";
import { BindParameter, ColumnElement } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";

/**
 * Raw SQL: `text("select * from users where id = :id")`. `:name` marks a bound parameter (its value
 * from `.bindparams()` or the execution params); `::` casts, quoted strings and identifiers are left
 * alone, and `\:` writes a literal colon. A parameter without a type takes only values with a SQL
 * meaning (strings, numbers, bigints, booleans, valid Dates, bytes, arrays of these, plain objects as
 * JSON: see untypedValueProblem); anything else raises StatementError before the SQL is sent.
 */
export class TextClause<T = unknown> extends ColumnElement<T> {
  declare readonly kind: "text";
  /** The SQL around the parameters: fragments.length === binds.length + 1. */
  declare readonly fragments: readonly string[];
  declare readonly binds: readonly BindParameter<unknown>[];
  declare readonly type: SqlType<unknown>;
  /** The original text, for shape keys and display. */
  declare readonly source: string;

  constructor(
    source: string,
    fragments: readonly string[],
    binds: readonly BindParameter<unknown>[],
    type: SqlType<unknown>,
  ) {
    super();
    this.kind = "text";
    this.source = source;
    this.fragments = fragments;
    this.binds = binds;
    this.type = type;
  }

  /** Raw SQL returns whatever rows it returns: no result columns are known in advance. */
  get resultColumns(): readonly [] {
    return [];
  }

  compile(dialect?: SqlDialect, params?: Readonly<Record<string, unknown>>): Compiled {
    return compileStatement(this, dialect, params);
  }

  override toString(): string {
    return this.source;
  }

  /** Gives values (and so types) to the named parameters. */
  bindparams(values: Readonly<Record<string, unknown>>): TextClause<T> {
    for (const name of Object.keys(values)) {
      if (!this.binds.some((bind) => bind.key === name)) {
        throw new ArgumentError(`text() has no parameter ":${name}"`);
      }
    }
    const binds = this.binds.map((bind) =>
      bind.key !== undefined && Object.hasOwn(values, bind.key)
        ? new BindParameter(bind.key, values[bind.key], inferType(values[bind.key]))
        : bind,
    );
    return new TextClause<T>(this.source, this.fragments, binds, this.type);
  }

  shape(context: ShapeContext): void {
    context.add("text(");
    context.add(this.source);
    for (const bind of this.binds) bind.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return this.binds;
  }
}

export function text(sql: string): TextClause {
  const { fragments, names } = splitParameters(sql);
  const binds = names.map((name) => new BindParameter(name, undefined, nullType, undefined, false));
  return new TextClause(sql, fragments, binds, nullType);
}

/** A raw SQL expression used as a column: `literalColumn("count(*)")`, written as is. */
export function literalColumn<T = unknown>(sql: string, type?: TypeArg<T>): TextClause<T> {
  return new TextClause<T>(
    sql,
    [sql.replaceAll("\\:", ":")],
    [],
    type === undefined ? nullType : resolveType(type),
  );
}

/**
 * Splits SQL at `:name` parameters, leaving alone what PostgreSQL reads as something else: quoted
 * strings and identifiers, E'' strings (backslash escapes), $tag$ dollar-quoted strings, -- and
 * nested block comments, and `::` casts.
 */
function splitParameters(sql: string): { fragments: string[]; names: string[] } {
  const fragments: string[] = [];
  const names: string[] = [];
  let current = "";
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    let end: number;
    if (char === "'" || char === '"') {
      const escapes = char === "'" && /[Ee]/.test(sql[i - 1] ?? "") && !/[\w$]/.test(sql[i - 2] ?? "");
      end = closingQuote(sql, i, char, escapes);
    } else if (char === "-" && next === "-") {
      const newline = sql.slice(i).search(/[\r\n]/);
      end = newline === -1 ? sql.length : i + newline;
    } else if (char === "/" && next === "*") {
      end = closingComment(sql, i);
    } else if (char === "$" && /[A-Za-z_$]/.test(next ?? "") && !/[\w$]/.test(sql[i - 1] ?? "")) {
      end = closingDollarQuote(sql, i);
    } else if (char === "\\" && next === ":") {
      current += ":";
      i += 2;
      continue;
    } else if (char === ":" && next === ":") {
      end = i + 2;
    } else if (char === ":" && /[A-Za-z_]/.test(next ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      fragments.push(current);
      names.push(name);
      current = "";
      i += 1 + name.length;
      continue;
    } else {
      end = i + 1;
    }
    current += sql.slice(i, end);
    i = end;
  }
  fragments.push(current);
  return { fragments, names };
}

/** The end of a block comment starting at `start`; PostgreSQL's block comments nest. */
function closingComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw new ArgumentError(`text(): unterminated /* comment in ${JSON.stringify(sql)}`);
}

/** The end of a $tag$...$tag$ string starting at `start` (or `start + 1` when it is no tag). */
function closingDollarQuote(sql: string, start: number): number {
  const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start));
  if (tag === null) return start + 1;
  const close = sql.indexOf(tag[0], start + tag[0].length);
  if (close === -1)
    throw new ArgumentError(`text(): unterminated ${tag[0]} string in ${JSON.stringify(sql)}`);
  return close + tag[0].length;
}

function closingQuote(sql: string, start: number, quote: string, backslashEscapes = false): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === "\\") i += 2;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  throw new ArgumentError(
    `text(): unterminated ${quote === "'" ? "string" : "quoted identifier"} in ${JSON.stringify(sql)}`,
  );
}
