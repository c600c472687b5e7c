import {
  AdaptedConnection,
  ArgumentError,
  column,
  Integer,
  InvalidRequestError,
  MetaData,
  PoolClosedError,
  type QueuePool,
  run,
  runBlocking,
  select,
  Table,
  text,
} from "@athanor/core";
import { inertDriverConnection, ScriptedDialect, scriptedEngine } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";

const metadata = new MetaData();
const items = new Table("items", metadata, { id: column(Integer, { primaryKey: true }) });

/** The error an op raised when run on a scripted engine. */
function failure(
  body: Parameters<ReturnType<typeof scriptedEngine>["engine"]["connect"]>[0],
  capabilities = {},
): unknown {
  const { engine, driver } = scriptedEngine(undefined, {}, capabilities);
  try {
    runBlocking(engine.connect(body), { handler: driver });
  } catch (error) {
    return error;
  }
  throw new Error("the op did not fail");
}

describe("what execute() refuses", () => {
  test("a SQL string (pointing to execDriverSql and text), and parameters for a Kysely compiled query", () => {
    const text1 = failure(function* (conn) {
      // @ts-expect-error: a string is not a statement; the runtime says what to use
      yield* conn.execute("select 1");
    });
    expect(text1).toBeInstanceOf(ArgumentError);
    expect((text1 as Error).message).toBe(
      'execute() takes a statement (select(), insert(), text(), a Kysely compiled query...), got the string "select 1"; for a SQL string use execDriverSql() or text()',
    );
    const kysely = failure(function* (conn) {
      yield* conn.execute({ sql: "select $1", parameters: [1], query: { kind: "RawNode" } }, { x: 1 });
    });
    expect((kysely as Error).message).toBe(
      "a Kysely compiled query carries its own parameters; pass none to execute()",
    );
  });

  test("execDriverSql without a string", () => {
    const error = failure(function* (conn) {
      // @ts-expect-error: a statement object is not SQL text
      yield* conn.execDriverSql(select(items.c.id));
    });
    expect((error as Error).message).toBe("execDriverSql() takes a SQL string, got object");
  });
});

describe("what stream() refuses", () => {
  test("a list of parameter sets", () => {
    const error = failure(function* (conn) {
      // @ts-expect-error: stream() takes one parameter set
      yield* conn.stream(text("select :n"), [{ n: 1 }]);
    });
    expect((error as Error).message).toBe("stream() takes one parameter set, not a list");
  });

  test("a dialect without server-side cursors", () => {
    const error = failure(
      function* (conn) {
        yield* conn.stream(text("select 1"));
      },
      { serverSideCursors: false },
    );
    expect((error as Error).message).toBe(
      "the scripted+script dialect has no server-side cursors to stream with",
    );
  });
});

describe("transactions used wrongly", () => {
  test("a transaction of another connection, a savepoint no longer open, the isolation level mid-transaction", () => {
    const { engine, driver } = scriptedEngine();
    runBlocking(
      function* () {
        const first = yield* engine.connect();
        const second = yield* engine.connect();
        const transaction = yield* first.begin();
        let error: unknown;
        try {
          yield* second.endTransaction(transaction, "commit");
        } catch (caught) {
          error = caught;
        }
        expect((error as Error).message).toBe("this transaction belongs to another Connection");
        expect(() => first.executionOptions({ isolationLevel: "SERIALIZABLE" })).toThrow(
          "the isolation level can't change while a transaction is in progress; commit or roll back first",
        );
        const outer = yield* first.beginNested();
        const inner = yield* first.beginNested();
        yield* outer.rollback(); // ends the inner savepoint with it
        error = undefined;
        try {
          yield* inner.rollback();
        } catch (caught) {
          error = caught;
        }
        expect((error as Error).message).toBe("This nested transaction is inactive (already rolled back)");
        yield* first.close();
        yield* second.close();
      },
      { handler: driver },
    );
  });
});

describe("closed things", () => {
  test("a pool closed for good refuses checkouts, and rejects those waiting", async () => {
    const { engine, driver } = scriptedEngine(undefined, { poolSize: 1, maxOverflow: 0, poolTimeout: 5 });
    const pool = engine.pool as QueuePool;
    const held = await run(engine.connect(), { handler: driver });
    const waiting = run(engine.connect(), { handler: driver }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await run(pool.close(), { handler: driver });
    const waited = await waiting;
    expect(waited).toBeInstanceOf(PoolClosedError);
    expect((waited as Error).message).toBe("the pool was closed while waiting for a connection");
    await expect(run(pool.connect(), { handler: driver })).rejects.toThrow(
      "this pool was disposed of for good",
    );
    await run(held.close(), { handler: driver });
  });

  test("a DBAPI connection closed politely refuses further calls without reaching the driver", async () => {
    const adapted = new AdaptedConnection(new ScriptedDialect(), inertDriverConnection);
    await run(adapted.close());
    expect(adapted.closed).toBe(true);
    const error = await run(adapted.execute("select 1")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe("this DBAPI connection is closed");
  });
});
