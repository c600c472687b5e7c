import {
  column,
  type DriverCursor,
  event,
  Integer,
  InvalidRequestError,
  insert,
  MetaData,
  OperationalError,
  PendingRollbackError,
  runBlocking,
  String,
  select,
  Table,
  text,
  wrapDriverError,
} from "@athanor/core";
import { rowsResult, scriptedEngine } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
});

describe("connections and transactions send exactly these requests", () => {
  test("autobegin, commit, close; the pooled connection is reused", () => {
    const { engine, driver, log } = scriptedEngine();
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        yield* conn.execute(select(users.c.id));
        yield* conn.commit();
        yield* conn.close();
        const again = yield* engine.connect();
        yield* again.execute(text("select 1"));
        yield* again.close();
      },
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      'execute: select "users"."id" from "users"',
      "commit: COMMIT",
      "begin: BEGIN",
      "execute: select 1",
      "rollback: ROLLBACK",
    ]);
  });

  test("an uncommitted transaction is rolled back when the connection closes", () => {
    const { engine, driver, log } = scriptedEngine();
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        yield* conn.execute(insert(users).values({ id: 1, name: "ed" }));
        expect(conn.inTransaction()).toBe(true);
        yield* conn.close();
        expect(conn.closed).toBe(true);
      },
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      'execute: insert into "users" ("id", "name") values ($1, $2)',
      "rollback: ROLLBACK",
    ]);
  });

  test("savepoints: release on commit, rollback to on rollback, released with the root", () => {
    const { engine, driver, log } = scriptedEngine();
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        const first = yield* conn.beginNested();
        expect(conn.inNestedTransaction()).toBe(true);
        expect(conn.getNestedTransaction()).toBe(first);
        yield* first.commit();
        const second = yield* conn.beginNested();
        yield* second.rollback();
        yield* conn.beginNested();
        yield* conn.commit();
        expect(conn.inTransaction()).toBe(false);
        yield* conn.close();
      },
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      'savepoint: SAVEPOINT "sa_savepoint_1"',
      'releaseSavepoint: RELEASE SAVEPOINT "sa_savepoint_1"',
      'savepoint: SAVEPOINT "sa_savepoint_2"',
      'rollbackToSavepoint: ROLLBACK TO SAVEPOINT "sa_savepoint_2"',
      'savepoint: SAVEPOINT "sa_savepoint_3"',
      "commit: COMMIT",
    ]);
  });

  test("isolation levels: BEGIN ISOLATION LEVEL, and no BEGIN at all for AUTOCOMMIT", () => {
    const { engine, driver, log } = scriptedEngine(undefined, { isolationLevel: "SERIALIZABLE" });
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        yield* conn.execute(text("select 1"));
        yield* conn.commit();
        conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
        yield* conn.execute(text("select 2"));
        yield* conn.commit();
        yield* conn.close();
      },
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN ISOLATION LEVEL SERIALIZABLE",
      "execute: select 1",
      "commit: COMMIT",
      "execute: select 2",
    ]);
  });

  test("engine.begin(body) commits on return and rolls back on throw, rethrowing", () => {
    const { engine, driver, log } = scriptedEngine();
    const value = runBlocking(
      engine.begin(function* (conn) {
        yield* conn.execute(text("select 1"));
        return 42;
      }),
      { handler: driver },
    );
    expect(value).toBe(42);
    const failure = new Error("body failed");
    expect(() =>
      runBlocking(
        engine.begin(function* (conn) {
          yield* conn.execute(text("select 2"));
          throw failure;
        }),
        { handler: driver },
      ),
    ).toThrow(failure);
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      "execute: select 1",
      "commit: COMMIT",
      "begin: BEGIN",
      "execute: select 2",
      "rollback: ROLLBACK",
    ]);
  });

  test("a transaction ended inside its context block: further statements raise SQLAlchemy's error", () => {
    const { engine, driver } = scriptedEngine();
    expect(() =>
      runBlocking(
        engine.begin(function* (conn) {
          yield* conn.commit();
          yield* conn.execute(text("select 1"));
        }),
        { handler: driver },
      ),
    ).toThrow(
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
    );
  });

  test("begin() while a transaction is open raises; commit of an ended transaction raises", () => {
    const { engine, driver } = scriptedEngine();
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        const transaction = yield* conn.begin();
        expect(conn.getTransaction()).toBe(transaction);
        let error: unknown;
        try {
          yield* conn.begin();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as Error).message).toMatch(/already begun/);
        yield* transaction.commit();
        error = undefined;
        try {
          yield* transaction.commit();
        } catch (caught) {
          error = caught;
        }
        expect((error as Error).message).toBe("This transaction is inactive (already committed)");
        yield* conn.close();
      },
      { handler: driver },
    );
  });
});

describe("executemany", () => {
  test("an INSERT from parameters becomes multi-row VALUES batches", () => {
    const { engine, driver, log } = scriptedEngine((request) =>
      request.kind === "execute"
        ? { rows: [], fields: [], returnsRows: false, rowcount: (request.params as unknown[]).length / 2 }
        : undefined,
    );
    const sets = Array.from({ length: 2500 }, (_, i) => ({ id: i, name: `u${i}` }));
    const result = runBlocking(
      engine.begin(function* (conn) {
        return yield* conn.execute(insert(users), sets);
      }),
      { handler: driver },
    );
    expect(result.rowcount).toBe(2500);
    const executes = log().filter((line) => line.startsWith("execute"));
    expect(executes).toHaveLength(3);
    expect(executes[0]).toMatch(
      /^execute: insert into "users" \("id", "name"\) values \(\$1, \$2\), \(\$3, \$4\),/,
    );
    const params = driver.requests
      .filter((request) => request.label === "execute")
      .map((request) => (request as unknown as { params: unknown[] }).params.length);
    expect(params).toEqual([2000, 2000, 1000]);
  });

  test("an UPDATE with parameter sets goes to the driver's executeMany in one request", () => {
    const { engine, driver, log } = scriptedEngine();
    const sets = [
      { target: 1, newName: "a" },
      { target: 2, newName: "b" },
    ];
    const result = runBlocking(
      engine.begin(function* (conn) {
        return yield* conn.execDriverSql(
          "update users set name = $2 where id = $1",
          sets.map((set) => [set.target, set.newName]),
        );
      }),
      { handler: driver },
    );
    expect(result.rowcount).toBe(2);
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      "executeMany: update users set name = $2 where id = $1",
      "commit: COMMIT",
    ]);
  });

  test("an empty list of parameter sets is refused", () => {
    const { engine, driver } = scriptedEngine();
    expect(() =>
      runBlocking(
        engine.begin(function* (conn) {
          yield* conn.execute(insert(users), []);
        }),
        { handler: driver },
      ),
    ).toThrow("executemany: the list of parameter sets is empty; there is nothing to execute");
  });
});

describe("insertedPrimaryKey", () => {
  test("a single-row INSERT without its key asks for it with RETURNING", () => {
    const { engine, driver, log } = scriptedEngine((request) =>
      request.kind === "execute" && request.sql?.includes("returning")
        ? rowsResult(["id"], [[7]])
        : undefined,
    );
    const result = runBlocking(
      engine.begin(function* (conn) {
        return yield* conn.execute(insert(users).values({ name: "ed" }));
      }),
      { handler: driver },
    );
    expect(result.insertedPrimaryKey).toEqual([7]);
    expect(result.returnsRows).toBe(false);
    expect(log()).toContain('execute: insert into "users" ("name") values ($1) returning "users"."id"');
  });

  test("a key given in the values is taken from them; a SELECT has none", () => {
    const { engine, driver } = scriptedEngine();
    runBlocking(
      engine.begin(function* (conn) {
        const inserted = yield* conn.execute(insert(users).values({ id: 3, name: "x" }));
        expect(inserted.insertedPrimaryKey).toEqual([3]);
        const selected = yield* conn.execute(select(users.c.id));
        expect(() => selected.insertedPrimaryKey).toThrow(InvalidRequestError);
      }),
      { handler: driver },
    );
  });
});

describe("disconnects", () => {
  test("a disconnect invalidates the connection; the transaction must be rolled back; then a new connection is made", () => {
    let fail = true;
    const { engine, driver, log, connections } = scriptedEngine((request) => {
      if (request.kind === "execute" && request.sql === "select 1" && fail) {
        fail = false;
        throw wrapDriverError({
          orig: new Error("server closed the connection"),
          disconnect: true,
          connectionInvalidated: true,
        });
      }
      return undefined;
    });
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        let error: unknown;
        try {
          yield* conn.execute(text("select 1"));
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).connectionInvalidated).toBe(true);
        expect(conn.invalidated).toBe(true);
        expect(connections[0]!.invalidated).toBe(true);
        error = undefined;
        try {
          yield* conn.execute(text("select 2"));
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(PendingRollbackError);
        yield* conn.rollback();
        yield* conn.execute(text("select 3"));
        yield* conn.close();
      },
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      "execute: select 1",
      "connect",
      "begin: BEGIN",
      "execute: select 3",
      "rollback: ROLLBACK",
    ]);
  });
});

describe("events in the request sequence", () => {
  test("a generator connect handler does IO on the new connection before anyone uses it", () => {
    const { engine, driver, log } = scriptedEngine((request) =>
      request.sql === "select 'execute from event'"
        ? rowsResult(["?column?"], [["execute from event"]])
        : undefined,
    );
    const seen: string[] = [];
    event.listen(engine, "connect", function* (dbapiConnection) {
      const cursor = dbapiConnection.cursor();
      yield* cursor.execute("select 'execute from event'");
      seen.push(`${cursor.fetchone()?.[0]}`);
    });
    event.listen(engine, "beforeExecute", () => {
      seen.push("before execute!");
    });
    runBlocking(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    expect(seen).toEqual(["execute from event", "before execute!"]);
    expect(log()).toEqual([
      "connect",
      "execute: select 'execute from event'",
      "begin: BEGIN",
      "execute: select 1",
      "rollback: ROLLBACK",
    ]);
  });

  test("pre-ping sends SELECT 1 at each checkout of a pooled connection", () => {
    const { engine, driver, log } = scriptedEngine(undefined, { poolPrePing: true });
    runBlocking(
      function* () {
        yield* (yield* engine.connect()).close();
        yield* (yield* engine.connect()).close();
      },
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "execute: SELECT 1"]);
  });
});

describe("streaming", () => {
  test("stream() opens a cursor, fetches in batches and closes it at the end", () => {
    const cursor: DriverCursor = {
      fields: ["n"],
      fetch: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
    const batches = [[[1], [2]], [[3]]];
    const { engine, driver, log } = scriptedEngine((request) => {
      if (request.kind === "openCursor") return cursor;
      if (request.kind === "fetch") return batches.shift() ?? [];
      return undefined;
    });
    const values = runBlocking(
      engine.connect(function* (conn) {
        const result = yield* conn.stream(text("select n from t"));
        result.yieldPer(2);
        let error: unknown;
        try {
          yield* conn.execute(text("select 1"));
        } catch (caught) {
          error = caught;
        }
        expect((error as Error).message).toMatch(/a streamed result is open on this Connection/);
        const rows = yield* result.all();
        yield* conn.execute(text("select 2"));
        return rows.map((row) => row[0]);
      }),
      { handler: driver },
    );
    expect(values).toEqual([1, 2, 3]);
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      "openCursor: select n from t",
      "fetch",
      "fetch",
      "closeCursor",
      "execute: select 2",
      "rollback: ROLLBACK",
    ]);
  });

  test("execute() with streamResults points to stream()", () => {
    const { engine, driver } = scriptedEngine();
    expect(() =>
      runBlocking(
        engine.connect(function* (conn) {
          yield* conn.execute(text("select 1"), undefined, { executionOptions: { streamResults: true } });
        }),
        { handler: driver },
      ),
    ).toThrow(
      "streamResults / yieldPer read through a server-side cursor: use conn.stream() for such results",
    );
  });
});
