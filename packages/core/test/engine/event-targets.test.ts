import {
  type AdaptedConnection,
  Connection,
  type ConnectionRecord,
  Engine,
  listen,
  Pool,
  QueuePool,
  remove,
  runBlocking,
  text,
} from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { afterEach, describe, expect, test } from "vitest";

import { beginOnce, connectOnce, labeller, listenOnClass, removeClassListeners } from "./event-support.ts";

/**
 * Where listeners hear events: class-level and instance-level targets, their order, and engines
 * derived with executionOptions().
 */

afterEach(removeClassListeners);

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
    beginOnce(first);
    beginOnce(second);
    const label = labeller(
      new Map<unknown, string>([
        [first.engine, "first"],
        [second.engine, "second"],
      ]),
    );
    expect(label(committed)).toEqual(["first", "second"]);
    remove(Connection, "commit", handler);
    beginOnce(second);
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
    connectOnce(queued);
    connectOnce(unpooled);
    const label = labeller(
      new Map<unknown, string>([
        [queued.engine.pool, "queued"],
        [unpooled.engine.pool, "unpooled"],
      ]),
    );
    expect(label(pools)).toEqual(["queued", "unpooled"]);
    remove(Pool, "checkout", handler);
    connectOnce(queued);
    expect(pools).toHaveLength(2);
  });

  test("a listener on a Pool subclass fires for pools of that class only", () => {
    const queued = scriptedEngine();
    const unpooled = scriptedEngine(undefined, { poolclass: "null" });
    const pools: Pool[] = [];
    listenOnClass(QueuePool, "checkout", (_dbapi, record) => {
      pools.push(record.pool);
    });
    connectOnce(queued);
    connectOnce(unpooled);
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
    connectOnce(first);
    connectOnce(second);
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
    connectOnce({ engine, driver });
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
    connectOnce({ engine: child, driver: driver });
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
    connectOnce({ engine: child, driver: driver });
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).toBe(child.pool);
  });
});
