/**
 * The README demo: sync-style ops driven by Athanor's runtime against embedded PostgreSQL (PGlite).
 * The ops never touch the database themselves: they yield `Query` requests (plain data) and a small
 * request handler answers them. Later issues replace this with the seed's engine and ORM examples.
 */

import { IORequest, type Op, op, opFn, type RequestHandler, run } from "@athanor/core";
import { PGlite } from "@electric-sql/pglite";

type Row = Record<string, unknown>;

/** "Run this SQL": the only kind of IO these ops ask for. */
class Query<R extends Row = Row> extends IORequest<R[]> {
  declare readonly kind: "query";
  declare readonly sql: string;
  declare readonly params: unknown[];

  constructor(sql: string, params: unknown[] = []) {
    super();
    this.kind = "query";
    this.sql = sql;
    this.params = params;
  }

  perform(): never {
    throw new Error("a Query is answered by the demo's request handler");
  }
}

function query<R extends Row = Row>(sql: string, params?: unknown[]): Query<R> {
  return new Query<R>(sql, params);
}

/** Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws. */
function transaction<T>(body: () => Op<T>): Op<T> {
  return op(function* transaction() {
    yield* query("BEGIN");
    try {
      const result = yield* body();
      yield* query("COMMIT");
      return result;
    } catch (error) {
      yield* query("ROLLBACK");
      throw error;
    }
  });
}

const main = opFn(function* main() {
  const [first] = yield* query<{ answer: number }>("select 1 as answer");
  console.log(`select 1 -> ${first?.answer}`);

  yield* query("create table t1 (id serial primary key, name text not null)");
  yield* transaction(function* () {
    yield* query("insert into t1 (name) values ($1), ($2)", ["some name 1", "some name 2"]);
  });
  try {
    yield* transaction(function* () {
      yield* query("insert into t1 (name) values ($1)", ["rolled back"]);
      yield* query("insert into t1 (name) values (null)"); // violates NOT NULL
    });
  } catch (error) {
    console.log(
      `second transaction failed and rolled back: ${error instanceof Error ? error.message : error}`,
    );
  }
  const rows = yield* query("select id, name from t1 order by id");
  console.log("rows:", rows);
  return rows.length;
});

const db = await PGlite.create();
const handler: RequestHandler = {
  answer(request) {
    if (!(request instanceof Query)) return request.perform();
    console.log(`  request ${request.kind}: ${request.sql}`, request.params.length ? request.params : "");
    return db.query(request.sql, request.params).then((result) => result.rows);
  },
};
try {
  const count = await run(main(), { handler });
  console.log(`done: ${count} rows committed`);
} finally {
  await db.close();
}
