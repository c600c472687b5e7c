import { type Compiled, compileStatement } from "../compile/compiler.ts";
import type { SqlDialect } from "../dialect/sql-dialect.ts";
import { ArgumentError } from "../errors.ts";
import { inferType } from "../types/infer-type.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType } from "../types/sql-type.ts";
import { BindParameter, ColumnElement } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";

/**
 * Raw SQL: `text("select * from users where id = :id")`. `:name` marks a bound parameter (its value
 * from `.bindparams()` or the execution params); `::` casts, quoted strings and identifiers are left
 * alone, and `\:` writes a literal colon.
 */
export class TextClause extends ColumnElement<unknown> {
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
  bindparams(values: Readonly<Record<string, unknown>>): TextClause {
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
    return new TextClause(this.source, this.fragments, binds, this.type);
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
export function literalColumn<T = unknown>(sql: string, type?: SqlType<T>): TextClause {
  return new TextClause(sql, [sql.replaceAll("\\:", ":")], [], type ?? nullType);
}

/** Splits SQL at `:name` parameters, skipping quoted text, comments and `::` casts. */
function splitParameters(sql: string): { fragments: string[]; names: string[] } {
  const fragments: string[] = [];
  const names: string[] = [];
  let current = "";
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    if (char === "'" || char === '"') {
      const end = closingQuote(sql, i, char);
      current += sql.slice(i, end);
      i = end;
    } else if (char === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      current += sql.slice(i, stop);
      i = stop;
    } else if (char === "\\" && sql[i + 1] === ":") {
      current += ":";
      i += 2;
    } else if (char === ":" && sql[i + 1] === ":") {
      current += "::";
      i += 2;
    } else if (char === ":" && /[A-Za-z_]/.test(sql[i + 1] ?? "") && sql[i - 1] !== ":") {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      fragments.push(current);
      names.push(match[0]);
      current = "";
      i += 1 + match[0].length;
    } else {
      current += char;
      i += 1;
    }
  }
  fragments.push(current);
  return { fragments, names };
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  throw new ArgumentError(
    `text(): unterminated ${quote === "'" ? "string" : "quoted identifier"} in ${JSON.stringify(sql)}`,
  );
}
