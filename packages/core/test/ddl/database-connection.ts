import { callAsync, defaultDialect, type Executable, type Op, op, type SqlDialect } from "@athanor/core";
import type { TestDatabase } from "@athanor/testing";
import type { SchemaConnection } from "../../src/schema/ddl-runner.ts";

/**
 * A SchemaConnection on a test database, standing in for the Connection of a later issue: each
 * statement is compiled when its op runs and sent through one callAsync request. It keeps the SQL it
 * sent, so a test can tell "nothing was sent" from "something failed".
 */
export class DatabaseConnection implements SchemaConnection {
  readonly dialect: SqlDialect;
  readonly sent: string[];
  private readonly db: TestDatabase;

  constructor(db: TestDatabase) {
    this.dialect = defaultDialect();
    this.sent = [];
    this.db = db;
  }

  execute(statement: Executable): Op<unknown> {
    return this.rows(statement);
  }

  scalar(statement: Executable): Op<unknown> {
    const rows = this.rows(statement);
    return op(function* scalar() {
      const [first] = yield* rows;
      return first === undefined ? undefined : Object.values(first)[0];
    });
  }

  private rows(statement: Executable): Op<Record<string, unknown>[]> {
    const { db, dialect, sent } = this;
    return op(function* query() {
      const compiled = statement.compile(dialect);
      sent.push(compiled.sql);
      return yield* callAsync(function query() {
        return db.query(compiled.sql, [...compiled.parameters]);
      });
    });
  }
}
