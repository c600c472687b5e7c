import { AbortError, callAsync, type Op, op, opFn, run } from "@athanor/core";
import { forEachDatabase, type TestDatabase } from "@athanor/testing";
import { beforeAll, expect, test } from "vitest";

/** Ops reach the database through the generic request: each statement is one awaited callAsync. */
function sql<Row extends Record<string, unknown>>(
  db: TestDatabase,
  text: string,
  params: unknown[] = [],
): Op<Row[]> {
  return callAsync(function sql() {
    return db.query<Row>(text, params);
  });
}

function transaction<T>(db: TestDatabase, body: () => Op<T>): Op<T> {
  return op(function* transaction() {
    yield* sql(db, "BEGIN");
    try {
      const result = yield* body();
      yield* sql(db, "COMMIT");
      return result;
    } catch (error) {
      yield* sql(db, "ROLLBACK");
      throw error;
    }
  });
}

forEachDatabase((db) => {
  beforeAll(async () => {
    await db.query("create table runtime_items (id integer primary key, name text not null)");
  });

  test("an op runs statements in order and returns their rows", async () => {
    const names = await run(
      op(function* () {
        yield* sql(db, "delete from runtime_items");
        yield* sql(db, "insert into runtime_items values ($1, $2), ($3, $4)", [1, "one", 2, "two"]);
        const rows = yield* sql<{ name: string }>(db, "select name from runtime_items order by id");
        return rows.map((row) => row.name);
      }),
    );
    expect(names).toEqual(["one", "two"]);
  });

  test("a database error is thrown into the op, which rolls back; nothing is committed", async () => {
    await db.query("delete from runtime_items");
    const outcome = await run(
      op(function* () {
        try {
          yield* transaction(db, () =>
            op(function* () {
              yield* sql(db, "insert into runtime_items values (10, 'kept?')");
              yield* sql(db, "insert into runtime_items values (10, 'duplicate key')");
            }),
          );
          return "committed";
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      }),
    );
    expect(outcome).toMatch(/duplicate key value violates unique constraint/);
    expect(await db.query("select * from runtime_items")).toEqual([]);
  });

  test("an uncaught driver error rejects the run as the same error, with the op frames in its stack", async () => {
    const failing = opFn(function* selectFromMissingTable() {
      return yield* sql(db, "select * from no_such_table");
    });
    const outer = opFn(function* loadReport() {
      return yield* failing();
    });
    const error: unknown = await run(outer()).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/no_such_table/);
    const stack = error instanceof Error ? (error.stack ?? "") : "";
    expect(stack).toMatch(/at selectFromMissingTable \(athanor op\)\n\s+at loadReport \(athanor op\)/);
  });

  test("aborting a run waiting on the database rejects with AbortError and runs its finally", async () => {
    const controller = new AbortController();
    const trail: string[] = [];
    const running = run(
      op(function* () {
        try {
          yield* callAsync(function slowQuery() {
            const reply = db.query("select pg_sleep(0.3)");
            queueMicrotask(() => controller.abort(new Error("user gave up")));
            return reply;
          });
          trail.push("not reached");
        } finally {
          trail.push("finally");
        }
      }),
      { signal: controller.signal },
    );
    const error: unknown = await running.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error instanceof AbortError && error.cause instanceof Error ? error.cause.message : "").toBe(
      "user gave up",
    );
    expect(trail).toEqual(["finally"]);
    // The abandoned statement finishes on its own; the database stays usable.
    expect(await db.query("select 2 as two")).toEqual([{ two: 2 }]);
  });
});
