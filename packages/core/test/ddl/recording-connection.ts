import { defaultDialect, type Executable, type Op, pure, type SqlDialect } from "@athanor/core";
import type { SchemaConnection } from "../../src/schema/ddl-runner.ts";

/**
 * A SchemaConnection without a database, for asserting createAll / dropAll's exact statement
 * sequence. DDL is logged as its SQL; a catalog query is logged as `exists? <kind> <name>` (with
 * `in <schema>` when it names one) and answered from `existing`, which holds `<kind> <name>` or
 * `<kind> <schema>.<name>` entries (kind: table, type, constraint).
 */
export class RecordingConnection implements SchemaConnection {
  readonly dialect: SqlDialect;
  readonly log: string[];
  readonly existing: Set<string>;

  constructor(existing: Iterable<string> = []) {
    this.dialect = defaultDialect();
    this.log = [];
    this.existing = new Set(existing);
  }

  execute(statement: Executable): Op<unknown> {
    this.log.push(statement.compile(this.dialect).sql);
    return pure(undefined);
  }

  scalar(statement: Executable): Op<unknown> {
    const { sql, parameters } = statement.compile(this.dialect);
    const kind = sql.includes('"pg_type"')
      ? "type"
      : sql.includes('"pg_constraint"')
        ? "constraint"
        : "table";
    const name = String(parameters[0]);
    // The schema, when the query names one, is its last parameter.
    const schema = sql.includes('"nspname" = $') ? String(parameters[parameters.length - 1]) : undefined;
    this.log.push(`exists? ${kind} ${name}${schema === undefined ? "" : ` in ${schema}`}`);
    const key = `${kind} ${schema === undefined ? "" : `${schema}.`}${name}`;
    return pure(this.existing.has(key) ? name : undefined);
  }
}
