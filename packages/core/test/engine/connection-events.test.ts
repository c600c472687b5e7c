import {
  bindparam,
  type ConnectionRecord,
  type ExceptionContext,
  type ExecutionContext,
  IntegrityError,
  insert,
  listen,
  OperationalError,
  Result,
  runBlocking,
  select,
  text,
  wrapDriverError,
} from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { thrown } from "@athanor/testing";
import { afterEach, describe, expect, test } from "vitest";

import { labeller, removeClassListeners, users } from "./event-support.ts";

/** ConnectionEvents with their documented arguments, in order, and handleError. */

afterEach(removeClassListeners);

describe("ConnectionEvents fire with their documented arguments, in order", () => {
  test("execute, savepoints, commit, driver SQL, rollback", () => {
    const { engine, driver, log } = scriptedEngine();
    const timeline: unknown[][] = [];
    /** Each entry: the event, how many requests were sent before it, its arguments. */
    const record = (name: string, args: readonly unknown[]) => {
      timeline.push([name, driver.requests.length, ...args]);
    };
    listen(engine, "beforeExecute", (...args) => record("beforeExecute", args));
    listen(engine, "afterExecute", (...args) => record("afterExecute", args));
    const contexts: ExecutionContext[] = [];
    listen(engine, "beforeCursorExecute", (...args) => {
      contexts.push(args[3]);
      record("beforeCursorExecute", args);
    });
    listen(engine, "afterCursorExecute", (...args) => record("afterCursorExecute", args));
    listen(engine, "begin", (...args) => record("begin", args));
    listen(engine, "commit", (...args) => record("commit", args));
    listen(engine, "rollback", (...args) => record("rollback", args));
    listen(engine, "savepoint", (...args) => record("savepoint", args));
    listen(engine, "releaseSavepoint", (...args) => record("releaseSavepoint", args));
    listen(engine, "rollbackSavepoint", (...args) => record("rollbackSavepoint", args));
    listen(engine, "handleError", (...args) => record("handleError", args));

    const statement = select(users.c.id).where(users.c.id.eq(bindparam("wanted")));
    const params = { wanted: 5 };
    const driverParams = [1];
    const ran = runBlocking(
      function* () {
        const conn = yield* engine.connect();
        const selected = yield* conn.execute(statement, params);
        const first = yield* conn.beginNested();
        yield* first.commit();
        const second = yield* conn.beginNested();
        yield* second.rollback();
        yield* conn.commit();
        const raw = yield* conn.execDriverSql("select $1", driverParams);
        yield* conn.rollback();
        yield* conn.close();
        return { conn, selected, raw };
      },
      { handler: driver },
    );
    const { conn, selected, raw } = ran;
    expect(selected).toBeInstanceOf(Result);
    const options = conn.getExecutionOptions();
    expect(contexts).toHaveLength(2);
    const [selectContext, rawContext] = contexts;
    expect(selectContext?.connection).toBe(conn);
    expect(selectContext?.statement).toBe(statement);
    expect(selectContext?.executionOptions).toBe(options);
    expect(selectContext?.executemany).toBe(false);
    expect(rawContext?.connection).toBe(conn);
    expect(rawContext?.statement).toBe("select $1");
    expect(rawContext?.executionOptions).toBe(options);
    expect(rawContext?.executemany).toBe(false);
    const label = labeller(
      new Map<unknown, string>([
        [conn, "conn"],
        [statement, "statement"],
        [params, "params"],
        [driverParams, "driverParams"],
        [options, "options"],
        [selected, "selected"],
        [raw, "raw"],
        [selectContext, "selectContext"],
        [rawContext, "rawContext"],
      ]),
    );
    const selectSql = 'select "users"."id" from "users" where "users"."id" = $1';
    expect(timeline.map(label)).toEqual([
      ["beforeExecute", 1, "conn", "statement", "params", "options"],
      ["begin", 1, "conn"],
      ["beforeCursorExecute", 2, "conn", selectSql, [5], "selectContext", false],
      ["afterCursorExecute", 3, "conn", selectSql, [5], "selectContext", false],
      ["afterExecute", 3, "conn", "statement", "params", "options", "selected"],
      ["savepoint", 3, "conn", "sa_savepoint_1"],
      ["releaseSavepoint", 4, "conn", "sa_savepoint_1"],
      ["savepoint", 5, "conn", "sa_savepoint_2"],
      ["rollbackSavepoint", 6, "conn", "sa_savepoint_2"],
      ["commit", 7, "conn"],
      ["beforeExecute", 8, "conn", "select $1", "driverParams", "options"],
      ["begin", 8, "conn"],
      ["beforeCursorExecute", 9, "conn", "select $1", "driverParams", "rawContext", false],
      ["afterCursorExecute", 10, "conn", "select $1", "driverParams", "rawContext", false],
      ["afterExecute", 10, "conn", "select $1", "driverParams", "options", "raw"],
      ["rollback", 10, "conn"],
    ]);
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      `execute: ${selectSql}`,
      'savepoint: SAVEPOINT "sa_savepoint_1"',
      'releaseSavepoint: RELEASE SAVEPOINT "sa_savepoint_1"',
      'savepoint: SAVEPOINT "sa_savepoint_2"',
      'rollbackToSavepoint: ROLLBACK TO SAVEPOINT "sa_savepoint_2"',
      "commit: COMMIT",
      "begin: BEGIN",
      "execute: select $1",
      "rollback: ROLLBACK",
    ]);
  });

  test("execution options given to execute() are the ones events see", () => {
    const { engine, driver } = scriptedEngine(undefined, { executionOptions: { loggingToken: "engine" } });
    const seen: unknown[] = [];
    listen(engine, "beforeExecute", (_conn, _statement, _params, options) => {
      seen.push(options);
    });
    listen(engine, "beforeCursorExecute", (_conn, _sql, _parameters, context) => {
      seen.push(context.executionOptions);
    });
    runBlocking(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"), undefined, { executionOptions: { audit: "yes" } });
      }),
      { handler: driver },
    );
    expect(seen).toEqual([
      { loggingToken: "engine", audit: "yes" },
      { loggingToken: "engine", audit: "yes" },
    ]);
  });

  test("a closed connection with an open transaction reports its rollback", () => {
    const { engine, driver, log } = scriptedEngine();
    const seen: string[] = [];
    listen(engine, "rollback", (conn) => {
      seen.push(`rollback, closed: ${conn.closed}`);
    });
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        yield* conn.execute(text("select 1"));
        yield* conn.close();
      },
      { handler: driver },
    );
    expect(seen).toEqual(["rollback, closed: true"]);
    expect(log()).toEqual(["connect", "begin: BEGIN", "execute: select 1", "rollback: ROLLBACK"]);
  });

  test("executemany: the cursor events get every parameter set and executemany = true", () => {
    const { engine, driver, log } = scriptedEngine();
    const seen: unknown[][] = [];
    let beforeContext: ExecutionContext | undefined;
    listen(engine, "beforeCursorExecute", (_conn, sql, parameters, context, executemany) => {
      beforeContext = context;
      seen.push(["before", sql, parameters, context.executemany, executemany]);
    });
    listen(engine, "afterCursorExecute", (_conn, sql, parameters, context, executemany) => {
      expect(context).toBe(beforeContext);
      seen.push(["after", sql, parameters, context.executemany, executemany]);
    });
    runBlocking(
      engine.begin(function* (conn) {
        yield* conn.execDriverSql("update users set name = $2 where id = $1", [
          [1, "a"],
          [2, "b"],
        ]);
        yield* conn.execute(insert(users), [
          { id: 1, name: "a" },
          { id: 2, name: "b" },
        ]);
      }),
      { handler: driver },
    );
    const insertSql = 'insert into "users" ("id", "name") values ($1, $2), ($3, $4)';
    expect(seen).toEqual([
      [
        "before",
        "update users set name = $2 where id = $1",
        [
          [1, "a"],
          [2, "b"],
        ],
        true,
        true,
      ],
      [
        "after",
        "update users set name = $2 where id = $1",
        [
          [1, "a"],
          [2, "b"],
        ],
        true,
        true,
      ],
      ["before", insertSql, [1, "a", 2, "b"], true, true],
      ["after", insertSql, [1, "a", 2, "b"], true, true],
    ]);
    expect(log()).toEqual([
      "connect",
      "begin: BEGIN",
      "executeMany: update users set name = $2 where id = $1",
      `execute: ${insertSql}`,
      "commit: COMMIT",
    ]);
  });
});

describe("handleError", () => {
  const failingSql = "insert into users (id) values ($1)";
  const original = Object.assign(new Error('duplicate key value violates unique constraint "users_pkey"'), {
    code: "23505",
  });

  const lostConnection = new Error("server closed the connection unexpectedly");

  /** An engine whose driver fails `failingSql` as AdaptedConnection would: with the driver's error wrapped. */
  function failingEngine(disconnect = false) {
    return scriptedEngine((request) => {
      if (request.sql === failingSql) {
        throw wrapDriverError({
          orig: disconnect ? lostConnection : original,
          statement: request.sql,
          params: request.params as unknown[],
          disconnect,
          connectionInvalidated: disconnect,
        });
      }
      return undefined;
    });
  }

  test("handlers get an ExceptionContext; the wrapped error is raised", () => {
    const { engine, driver, log } = failingEngine();
    const contexts: ExceptionContext[] = [];
    listen(engine, "handleError", (context) => {
      contexts.push(context);
    });
    const parameters = [1];
    let error: unknown;
    const conn = runBlocking(
      function* () {
        const c = yield* engine.connect();
        try {
          yield* c.execDriverSql(failingSql, parameters);
        } catch (caught) {
          error = caught;
        }
        yield* c.rollback();
        yield* c.close();
        return c;
      },
      { handler: driver },
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(contexts).toHaveLength(1);
    const context = contexts[0]!;
    expect(context.connection).toBe(conn);
    expect(context.engine).toBe(engine);
    expect(context.originalException).toBe(original);
    expect(context.athanorException).toBe(error);
    expect(context.statement).toBe(failingSql);
    expect(context.parameters).toBe(parameters);
    expect(context.isDisconnect).toBe(false);
    expect(log()).toEqual(["connect", "begin: BEGIN", `execute: ${failingSql}`, "rollback: ROLLBACK"]);
  });

  test("a handler that throws replaces the error", () => {
    const { engine, driver } = failingEngine();
    class DuplicateUser extends Error {}
    const replacement = new DuplicateUser("that user exists");
    const seen: unknown[] = [];
    listen(engine, "handleError", (context) => {
      seen.push(context.athanorException);
      throw replacement;
    });
    const error = thrown(() =>
      runBlocking(
        engine.connect(function* (conn) {
          yield* conn.execDriverSql(failingSql, [1]);
        }),
        { handler: driver },
      ),
    );
    expect(error).toBe(replacement);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(IntegrityError);
  });

  test("a disconnect: isDisconnect, and the pool's invalidate event comes first, with the error", () => {
    const { engine, driver, connections, log } = failingEngine(true);
    const timeline: unknown[][] = [];
    listen(engine, "invalidate", (dbapi, record, error) => {
      timeline.push(["invalidate", dbapi, record, error]);
    });
    listen(engine, "handleError", (context) => {
      timeline.push([
        "handleError",
        context.isDisconnect,
        context.athanorException,
        context.connection.invalidated,
      ]);
    });
    let error: unknown;
    let record: ConnectionRecord | undefined;
    runBlocking(
      function* () {
        const conn = yield* engine.connect();
        record = conn.getRawConnection().record;
        try {
          yield* conn.execDriverSql(failingSql, [1]);
        } catch (caught) {
          error = caught;
        }
        yield* conn.rollback();
        yield* conn.close();
      },
      { handler: driver },
    );
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toHaveProperty("orig", lostConnection);
    const label = labeller(
      new Map<unknown, string>([
        [connections[0], "dbapi"],
        [record, "record"],
        [error, "error"],
      ]),
    );
    expect(timeline.map(label)).toEqual([
      ["invalidate", "dbapi", "record", "error"],
      ["handleError", true, "error", true],
    ]);
    // The dead connection is never sent anything again: no ROLLBACK, no close.
    expect(log()).toEqual(["connect", "begin: BEGIN", `execute: ${failingSql}`]);
  });
});
