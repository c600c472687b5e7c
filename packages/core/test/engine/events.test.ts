import {
  type AdaptedConnection,
  ArgumentError,
  bindparam,
  Connection,
  type ConnectionRecord,
  column,
  contains,
  Engine,
  type EventHandler,
  type EventName,
  type ExceptionContext,
  type ExecutionContext,
  event,
  Integer,
  IntegrityError,
  insert,
  listen,
  listensFor,
  MetaData,
  NullPool,
  OperationalError,
  Pool,
  type PoolProxiedConnection,
  QueuePool,
  Result,
  remove,
  runBlocking,
  String,
  select,
  Table,
  text,
  wrapDriverError,
} from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { afterEach, describe, expect, test } from "vitest";

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
});

/** Class-level listeners added by a test, removed after it so they don't leak into the next. */
const classListeners: (() => void)[] = [];

function listenOnClass<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
  handler: EventHandler<T, N>,
): void {
  listen(target, name, handler);
  classListeners.push(() => {
    if (contains(target, name, handler)) remove(target, name, handler);
  });
}

afterEach(() => {
  for (const removeListener of classListeners.splice(0)) removeListener();
});

/** listen() as untyped JavaScript may call it: with names and handlers the types refuse. */
const listenUnchecked = listen as unknown as (target: unknown, name: string, handler: unknown) => void;

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, nothing was thrown");
}

function expectArgumentError(fn: () => unknown, message: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toHaveProperty("message", message);
}

/** Replaces the objects a test knows by their names, so event arguments can be compared exactly. */
function labeller(known: ReadonlyMap<unknown, string>): (values: readonly unknown[]) => unknown[] {
  return (values) => values.map((value) => known.get(value) ?? value);
}

const connectionEvents =
  "beforeExecute, afterExecute, beforeCursorExecute, afterCursorExecute, begin, commit, rollback, savepoint, rollbackSavepoint, releaseSavepoint, handleError";
const poolEvents = "connect, firstConnect, checkout, checkin, reset, invalidate";

describe("listen, listensFor, remove, contains", () => {
  test("a listener fires until removed; contains tells whether it is there", () => {
    const { engine, driver } = scriptedEngine();
    const seen: Connection[] = [];
    const handler = (conn: Connection) => {
      seen.push(conn);
    };
    expect(contains(engine, "begin", handler)).toBe(false);
    listen(engine, "begin", handler);
    expect(contains(engine, "begin", handler)).toBe(true);
    expect(contains(engine, "commit", handler)).toBe(false);
    expect(contains(Engine, "begin", handler)).toBe(false);
    const conn = runBlocking(engine.begin(), { handler: driver });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(conn);
    runBlocking(conn.close(), { handler: driver });
    remove(engine, "begin", handler);
    expect(contains(engine, "begin", handler)).toBe(false);
    runBlocking(
      engine.begin(function* () {}),
      { handler: driver },
    );
    expect(seen).toHaveLength(1);
  });

  test("event.* are the same functions", () => {
    expect(event.listen).toBe(listen);
    expect(event.listensFor).toBe(listensFor);
    expect(event.remove).toBe(remove);
    expect(event.contains).toBe(contains);
  });

  test("listensFor returns the handler, registered", () => {
    const { engine, driver } = scriptedEngine();
    const committed: Connection[] = [];
    const handler = listensFor(
      engine,
      "commit",
    )((conn) => {
      committed.push(conn);
    });
    expect(contains(engine, "commit", handler)).toBe(true);
    const conn = runBlocking(
      function* () {
        const c = yield* engine.begin();
        yield* c.commit();
        yield* c.close();
        return c;
      },
      { handler: driver },
    );
    expect(committed).toHaveLength(1);
    expect(committed[0]).toBe(conn);
  });

  test("listensFor checks the name at once, before any handler is given", () => {
    const { engine } = scriptedEngine();
    const listensForUnchecked = listensFor as unknown as (target: unknown, name: string) => unknown;
    expectArgumentError(
      () => listensForUnchecked(engine, "afterCommit"),
      `no event "afterCommit" on Engine; its events are ${connectionEvents}, ${poolEvents}`,
    );
  });

  test("the same handler added twice fires twice; remove takes one registration away", () => {
    const { engine, driver } = scriptedEngine();
    let count = 0;
    const handler = () => {
      count++;
    };
    listen(engine, "begin", handler);
    listen(engine, "begin", handler);
    runBlocking(
      engine.begin(function* () {}),
      { handler: driver },
    );
    expect(count).toBe(2);
    remove(engine, "begin", handler);
    expect(contains(engine, "begin", handler)).toBe(true);
    runBlocking(
      engine.begin(function* () {}),
      { handler: driver },
    );
    expect(count).toBe(3);
    remove(engine, "begin", handler);
    expect(contains(engine, "begin", handler)).toBe(false);
  });

  test("removing a handler that isn't there raises", () => {
    const { engine } = scriptedEngine();
    const handler = () => {};
    expectArgumentError(
      () => remove(engine, "begin", handler),
      'event.remove: no such handler for "begin" on a Engine',
    );
    expectArgumentError(
      () => remove(Engine, "begin", handler),
      'event.remove: no such handler for "begin" on class Engine',
    );
    listen(engine, "begin", handler);
    expectArgumentError(
      () => remove(engine, "commit", handler),
      'event.remove: no such handler for "commit" on a Engine',
    );
  });

  test("a listener added while an event is dispatched hears the next one, not the current one", () => {
    const { engine, driver } = scriptedEngine();
    const seen: string[] = [];
    const late = () => {
      seen.push("late");
    };
    listen(engine, "beforeExecute", () => {
      seen.push("first");
      if (!contains(engine, "beforeExecute", late)) listen(engine, "beforeExecute", late);
    });
    runBlocking(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
        yield* conn.execute(text("select 2"));
      }),
      { handler: driver },
    );
    expect(seen).toEqual(["first", "first", "late"]);
  });
});

describe("listen refuses what it can't attach", () => {
  test("an unknown event name, listing the known ones", () => {
    const { engine, driver } = scriptedEngine();
    const handler = () => {};
    const onEngine = `no event "before_execute" on Engine; its events are ${connectionEvents}, ${poolEvents}`;
    expectArgumentError(() => listenUnchecked(Engine, "before_execute", handler), onEngine);
    expectArgumentError(() => listenUnchecked(engine, "before_execute", handler), onEngine);
    expectArgumentError(
      () => listenUnchecked(Connection, "checkout", handler),
      `no event "checkout" on Connection; its events are ${connectionEvents}`,
    );
    expectArgumentError(
      () => listenUnchecked(Pool, "beforeExecute", handler),
      `no event "beforeExecute" on Pool; its events are ${poolEvents}`,
    );
    expectArgumentError(
      () => listenUnchecked(engine.pool, "beforeExecute", handler),
      `no event "beforeExecute" on Pool; its events are ${poolEvents}`,
    );
    expectArgumentError(
      () => listenUnchecked(NullPool, "commit", handler),
      `no event "commit" on Pool; its events are ${poolEvents}`,
    );
    const conn = runBlocking(engine.connect(), { handler: driver });
    expectArgumentError(
      () => listenUnchecked(conn, "checkin", handler),
      `no event "checkin" on Connection; its events are ${connectionEvents}`,
    );
    runBlocking(conn.close(), { handler: driver });
  });

  test("a handler that is not a function (after the name is checked)", () => {
    const { engine } = scriptedEngine();
    expectArgumentError(
      () => listenUnchecked(engine, "begin", "not a function"),
      'event.listen: the handler for "begin" must be a function, got string',
    );
    expectArgumentError(
      () => listenUnchecked(Engine, "commit", undefined),
      'event.listen: the handler for "commit" must be a function, got undefined',
    );
    expectArgumentError(
      () => listenUnchecked(engine, "nope", 5),
      `no event "nope" on Engine; its events are ${connectionEvents}, ${poolEvents}`,
    );
  });

  test("a target without events", () => {
    const handler = () => {};
    const targets = "(targets: Engine, Pool, Connection, or their instances)";
    expectArgumentError(() => listenUnchecked({}, "begin", handler), `a Object has no events ${targets}`);
    class Other {}
    expectArgumentError(
      () => listenUnchecked(Other, "begin", handler),
      `class Other has no events ${targets}`,
    );
    expectArgumentError(
      () => listenUnchecked(new Other(), "begin", handler),
      `a Other has no events ${targets}`,
    );
    expectArgumentError(
      () => listenUnchecked(null, "begin", handler),
      "event.listen: the target must be an object or class, got null",
    );
    expectArgumentError(
      () => listenUnchecked("engine", "begin", handler),
      "event.listen: the target must be an object or class, got engine",
    );
  });
});

describe("class-level and instance-level listeners", () => {
  test("a listener on Engine fires for every engine, and stops after remove", () => {
    const first = scriptedEngine();
    const second = scriptedEngine();
    const seen: Engine[] = [];
    const handler = (conn: Connection) => {
      seen.push(conn.engine);
    };
    listenOnClass(Engine, "beforeExecute", handler);
    for (const { engine, driver } of [first, second]) {
      runBlocking(
        engine.connect(function* (conn) {
          yield* conn.execute(text("select 1"));
        }),
        { handler: driver },
      );
    }
    // Engines have no public fields: compare them by identity, not toEqual.
    const label = labeller(
      new Map<unknown, string>([
        [first.engine, "first"],
        [second.engine, "second"],
      ]),
    );
    expect(label(seen)).toEqual(["first", "second"]);
    remove(Engine, "beforeExecute", handler);
    runBlocking(
      first.engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: first.driver },
    );
    expect(seen).toHaveLength(2);
  });

  test("a listener on Connection fires for connections of every engine", () => {
    const first = scriptedEngine();
    const second = scriptedEngine();
    const committed: Engine[] = [];
    const handler = (conn: Connection) => {
      committed.push(conn.engine);
    };
    listenOnClass(Connection, "commit", handler);
    runBlocking(
      first.engine.begin(function* () {}),
      { handler: first.driver },
    );
    runBlocking(
      second.engine.begin(function* () {}),
      { handler: second.driver },
    );
    const label = labeller(
      new Map<unknown, string>([
        [first.engine, "first"],
        [second.engine, "second"],
      ]),
    );
    expect(label(committed)).toEqual(["first", "second"]);
    remove(Connection, "commit", handler);
    runBlocking(
      second.engine.begin(function* () {}),
      { handler: second.driver },
    );
    expect(committed).toHaveLength(2);
  });

  test("a listener on Pool fires for every pool, whatever its kind", () => {
    const queued = scriptedEngine();
    const unpooled = scriptedEngine(undefined, { poolclass: "null" });
    const pools: Pool[] = [];
    const handler = (_dbapi: AdaptedConnection, record: ConnectionRecord) => {
      pools.push(record.pool);
    };
    listenOnClass(Pool, "checkout", handler);
    runBlocking(
      queued.engine.connect(function* () {}),
      { handler: queued.driver },
    );
    runBlocking(
      unpooled.engine.connect(function* () {}),
      { handler: unpooled.driver },
    );
    const label = labeller(
      new Map<unknown, string>([
        [queued.engine.pool, "queued"],
        [unpooled.engine.pool, "unpooled"],
      ]),
    );
    expect(label(pools)).toEqual(["queued", "unpooled"]);
    remove(Pool, "checkout", handler);
    runBlocking(
      queued.engine.connect(function* () {}),
      { handler: queued.driver },
    );
    expect(pools).toHaveLength(2);
  });

  test("a listener on a Pool subclass fires for pools of that class only", () => {
    const queued = scriptedEngine();
    const unpooled = scriptedEngine(undefined, { poolclass: "null" });
    const pools: Pool[] = [];
    listenOnClass(QueuePool, "checkout", (_dbapi, record) => {
      pools.push(record.pool);
    });
    runBlocking(
      queued.engine.connect(function* () {}),
      { handler: queued.driver },
    );
    runBlocking(
      unpooled.engine.connect(function* () {}),
      { handler: unpooled.driver },
    );
    const label = labeller(
      new Map<unknown, string>([
        [queued.engine.pool, "queued"],
        [unpooled.engine.pool, "unpooled"],
      ]),
    );
    expect(label(pools)).toEqual(["queued"]);
  });

  test("pool events on Engine (the class) fire for every engine's pool", () => {
    const first = scriptedEngine();
    const second = scriptedEngine();
    const pools: Pool[] = [];
    listenOnClass(Engine, "checkout", (_dbapi, record) => {
      pools.push(record.pool);
    });
    runBlocking(
      first.engine.connect(function* () {}),
      { handler: first.driver },
    );
    runBlocking(
      second.engine.connect(function* () {}),
      { handler: second.driver },
    );
    const label = labeller(
      new Map<unknown, string>([
        [first.engine.pool, "first"],
        [second.engine.pool, "second"],
      ]),
    );
    expect(label(pools)).toEqual(["first", "second"]);
  });

  test("an instance listener fires only for its instance", () => {
    const first = scriptedEngine();
    const second = scriptedEngine();
    const seen: string[] = [];
    listen(first.engine, "beforeExecute", () => {
      seen.push("first engine");
    });
    listen(first.engine.pool, "checkout", () => {
      seen.push("first pool");
    });
    runBlocking(
      second.engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: second.driver },
    );
    expect(seen).toEqual([]);
    runBlocking(
      first.engine.connect(function* (conn) {
        listen(conn, "beforeExecute", () => {
          seen.push("this connection");
        });
        yield* conn.execute(text("select 1"));
      }),
      { handler: first.driver },
    );
    expect(seen).toEqual(["first pool", "this connection", "first engine"]);
    seen.length = 0;
    runBlocking(
      first.engine.connect(function* (conn) {
        yield* conn.execute(text("select 2"));
      }),
      { handler: first.driver },
    );
    expect(seen).toEqual(["first pool", "first engine"]);
  });

  test("order: instances before classes, the most specific first; several on one target in the order added", () => {
    const { engine, driver } = scriptedEngine();
    const child = engine.executionOptions({ loggingToken: "child" });
    const order: string[] = [];
    listenOnClass(Engine, "beforeExecute", () => {
      order.push("Engine class");
    });
    listenOnClass(Connection, "beforeExecute", () => {
      order.push("Connection class");
    });
    listen(engine, "beforeExecute", () => {
      order.push("engine 1");
    });
    listen(engine, "beforeExecute", () => {
      order.push("engine 2");
    });
    listen(child, "beforeExecute", () => {
      order.push("child engine");
    });
    runBlocking(
      child.connect(function* (conn) {
        listen(conn, "beforeExecute", () => {
          order.push("connection");
        });
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    expect(order).toEqual([
      "connection",
      "child engine",
      "engine 1",
      "engine 2",
      "Connection class",
      "Engine class",
    ]);
  });

  test("order of pool events: the pool, its engine, Engine, Pool", () => {
    const { engine, driver } = scriptedEngine();
    const order: string[] = [];
    listenOnClass(Pool, "checkout", () => {
      order.push("Pool class");
    });
    listenOnClass(Engine, "checkout", () => {
      order.push("Engine class");
    });
    listen(engine, "checkout", () => {
      order.push("engine");
    });
    listen(engine.pool, "checkout", () => {
      order.push("pool");
    });
    runBlocking(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(order).toEqual(["pool", "engine", "Engine class", "Pool class"]);
  });
});

describe("engines derived with executionOptions()", () => {
  test("the parent's listeners hear the child's connections, with the child's options; not the other way round", () => {
    const { engine, driver } = scriptedEngine();
    const child = engine.executionOptions({ loggingToken: "child" });
    const heard: unknown[][] = [];
    listen(engine, "beforeExecute", (conn, _statement, _params, options) => {
      heard.push(["parent", conn.engine === child ? "child" : "parent", options.loggingToken]);
    });
    listen(child, "beforeExecute", (conn, _statement, _params, options) => {
      heard.push(["child", conn.engine === child ? "child" : "parent", options.loggingToken]);
    });
    runBlocking(
      child.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    runBlocking(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 2"));
      }),
      { handler: driver },
    );
    expect(heard).toEqual([
      ["child", "child", "child"],
      ["parent", "child", "child"],
      ["parent", "parent", undefined],
    ]);
  });

  test("the parent's pool listeners hear checkouts made through the child (they share the pool)", () => {
    const { engine, driver } = scriptedEngine();
    const child = engine.executionOptions({ loggingToken: "child" });
    const checkouts: Pool[] = [];
    listen(engine, "checkout", (_dbapi, record) => {
      checkouts.push(record.pool);
    });
    runBlocking(
      child.connect(function* () {}),
      { handler: driver },
    );
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).toBe(engine.pool);
  });

  test("pool listeners on the child hear its checkouts", () => {
    const { engine, driver } = scriptedEngine();
    const child = engine.executionOptions({ loggingToken: "child" });
    const checkouts: Pool[] = [];
    listen(child, "checkout", (_dbapi, record) => {
      checkouts.push(record.pool);
    });
    runBlocking(
      child.connect(function* () {}),
      { handler: driver },
    );
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).toBe(child.pool);
  });
});

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

describe("PoolEvents", () => {
  test("connect, firstConnect once, checkout, checkin, reset when a transaction was open, invalidate", () => {
    const { engine, driver, log, connections } = scriptedEngine();
    const timeline: unknown[][] = [];
    const record = (name: string, args: readonly unknown[]) => {
      timeline.push([name, driver.requests.length, ...args]);
    };
    listen(engine, "connect", (...args) => record("connect", args));
    listen(engine, "firstConnect", (...args) => record("firstConnect", args));
    listen(engine, "checkout", (...args) => record("checkout", args));
    listen(engine, "checkin", (...args) => record("checkin", args));
    listen(engine, "reset", (...args) => record("reset", args));
    listen(engine, "invalidate", (...args) => record("invalidate", args));
    const reason = new Error("no longer wanted");
    const proxies: PoolProxiedConnection[] = [];
    runBlocking(
      function* () {
        const a = yield* engine.connect();
        const b = yield* engine.connect();
        proxies.push(a.getRawConnection(), b.getRawConnection());
        yield* a.execute(text("select 1"));
        yield* a.close(); // a transaction is open: reset, then checkin
        yield* b.close(); // none open: checkin only
        const c = yield* engine.connect(); // the first one returned: a's connection
        proxies.push(c.getRawConnection());
        yield* c.invalidate(reason);
        yield* c.close(); // checked in without a DBAPI connection
        const d = yield* engine.connect(); // b's connection, still open
        const e = yield* engine.connect(); // a's record, connected anew: connect again, firstConnect not
        proxies.push(d.getRawConnection(), e.getRawConnection());
        yield* d.close();
        yield* e.close();
      },
      { handler: driver },
    );
    expect(connections).toHaveLength(3);
    const [pa, pb, pc, pd, pe] = proxies;
    const recordA = pa!.record;
    const recordB = pb!.record;
    expect(pc!.record).toBe(recordA);
    expect(pd!.record).toBe(recordB);
    expect(pe!.record).toBe(recordA);
    const label = labeller(
      new Map<unknown, string>([
        [connections[0], "dbapi A"],
        [connections[1], "dbapi B"],
        [connections[2], "dbapi A2"],
        [recordA, "record A"],
        [recordB, "record B"],
        [pa, "proxied a"],
        [pb, "proxied b"],
        [pc, "proxied c"],
        [pd, "proxied d"],
        [pe, "proxied e"],
        [reason, "reason"],
      ]),
    );
    expect(timeline.map(label)).toEqual([
      ["firstConnect", 1, "dbapi A", "record A"],
      ["connect", 1, "dbapi A", "record A"],
      ["checkout", 1, "dbapi A", "record A", "proxied a"],
      ["connect", 2, "dbapi B", "record B"],
      ["checkout", 2, "dbapi B", "record B", "proxied b"],
      ["reset", 5, "dbapi A", "record A"],
      ["checkin", 5, "dbapi A", "record A"],
      ["checkin", 5, "dbapi B", "record B"],
      ["checkout", 5, "dbapi A", "record A", "proxied c"],
      ["invalidate", 5, "dbapi A", "record A", "reason"],
      ["checkin", 5, undefined, "record A"],
      ["checkout", 5, "dbapi B", "record B", "proxied d"],
      ["connect", 6, "dbapi A2", "record A"],
      ["checkout", 6, "dbapi A2", "record A", "proxied e"],
      ["checkin", 6, "dbapi B", "record B"],
      ["checkin", 6, "dbapi A2", "record A"],
    ]);
    expect(log()).toEqual([
      "connect",
      "connect",
      "begin: BEGIN",
      "execute: select 1",
      "rollback: ROLLBACK",
      "connect",
    ]);
    expect(connections[0]?.invalidated).toBe(true);
  });

  test("no reset when resetOnReturn is off (the transaction is left to the next user)", () => {
    const { engine, driver, log } = scriptedEngine(undefined, { poolResetOnReturn: false });
    const seen: string[] = [];
    listen(engine, "reset", () => {
      seen.push("reset");
    });
    listen(engine, "checkin", () => {
      seen.push("checkin");
    });
    runBlocking(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    expect(seen).toEqual(["checkin"]);
    expect(log()).toEqual(["connect", "begin: BEGIN", "execute: select 1"]);
  });
});

describe("generator handlers do IO in place", () => {
  test("checkout, beforeCursorExecute and commit handlers: their requests come where their events are", () => {
    const { engine, driver, log } = scriptedEngine();
    listen(engine, "checkout", function* (dbapi) {
      yield* dbapi.cursor().execute("set application_name = 'events'");
    });
    listen(engine, "beforeCursorExecute", function* (conn, sql) {
      yield* conn.getRawConnection().dbapiConnection.execute(`-- about to run: ${sql}`);
    });
    listen(engine, "commit", function* (conn) {
      yield* conn.getRawConnection().dbapiConnection.execute("insert into audit default values");
    });
    runBlocking(
      engine.begin(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    expect(log()).toEqual([
      "connect",
      "execute: set application_name = 'events'",
      "begin: BEGIN",
      "execute: -- about to run: select 1",
      "execute: select 1",
      "execute: insert into audit default values",
      "commit: COMMIT",
    ]);
  });

  test("a generator handler's results reach it: a cursor on the new connection", () => {
    const { engine, driver } = scriptedEngine((request) =>
      request.sql === "show server_version"
        ? { rows: [["16.2"]], fields: ["server_version"], returnsRows: true, rowcount: 1 }
        : undefined,
    );
    const versions: unknown[] = [];
    listen(engine, "firstConnect", function* (dbapi, record) {
      const cursor = dbapi.cursor();
      yield* cursor.execute("show server_version");
      record.info["version"] = cursor.fetchone()?.[0];
      versions.push(record.info["version"]);
    });
    const conn = runBlocking(engine.connect(), { handler: driver });
    expect(versions).toEqual(["16.2"]);
    expect(conn.info).toEqual({ version: "16.2" });
    runBlocking(conn.close(), { handler: driver });
  });
});

describe("a handler that throws aborts the operation with its error", () => {
  test("beforeExecute: nothing is sent; the connection stays usable", () => {
    const { engine, driver, log } = scriptedEngine();
    const refusal = new Error("not today");
    listen(engine, "beforeExecute", (_conn, statement) => {
      if (statement === "drop table users") throw refusal;
    });
    const outcome = runBlocking(
      engine.connect(function* (conn) {
        let error: unknown;
        try {
          yield* conn.execDriverSql("drop table users");
        } catch (caught) {
          error = caught;
        }
        yield* conn.execDriverSql("select 1");
        return error;
      }),
      { handler: driver },
    );
    expect(outcome).toBe(refusal);
    expect(log()).toEqual(["connect", "begin: BEGIN", "execute: select 1", "rollback: ROLLBACK"]);
  });

  test("a generator handler failing after its IO", () => {
    const { engine, driver, log } = scriptedEngine();
    const refusal = new Error("audit failed");
    listen(engine, "beforeCursorExecute", function* (conn) {
      yield* conn.getRawConnection().dbapiConnection.execute("select audit()");
      throw refusal;
    });
    const error = thrown(() =>
      runBlocking(
        engine.begin(function* (conn) {
          yield* conn.execute(text("select 1"));
        }),
        { handler: driver },
      ),
    );
    expect(error).toBe(refusal);
    expect(log()).toEqual(["connect", "begin: BEGIN", "execute: select audit()", "rollback: ROLLBACK"]);
  });

  test("connect: the new connection is dropped and its slot freed; the next checkout connects again", () => {
    const { engine, driver, log, connections } = scriptedEngine();
    const refusal = new Error("bad session setup");
    let fail = true;
    listen(engine, "connect", () => {
      if (fail) throw refusal;
    });
    expect(thrown(() => runBlocking(engine.connect(), { handler: driver }))).toBe(refusal);
    const pool = engine.pool;
    expect(pool).toBeInstanceOf(QueuePool);
    expect(pool.checkedout()).toBe(0);
    expect(connections[0]?.invalidated).toBe(true);
    fail = false;
    runBlocking(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "connect"]);
    expect(pool.checkedout()).toBe(0);
  });

  test("checkout: connect() raises it and the pool gets its connection back", () => {
    const { engine, driver, log } = scriptedEngine();
    const refusal = new Error("checkout refused");
    let fail = true;
    listen(engine, "checkout", () => {
      if (fail) throw refusal;
    });
    expect(thrown(() => runBlocking(engine.connect(), { handler: driver }))).toBe(refusal);
    expect(engine.pool.checkedout()).toBe(0);
    fail = false;
    runBlocking(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(engine.pool.checkedout()).toBe(0);
    expect(log()[0]).toBe("connect");
  });
});
