import {
  ArgumentError,
  Connection,
  contains,
  Engine,
  event,
  listen,
  listensFor,
  NullPool,
  Pool,
  remove,
  runBlocking,
  text,
} from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { thrown } from "@athanor/testing";
import { describe, expect, test } from "vitest";

import { beginOnce } from "./event-support.ts";

/**
 * Registering listeners: listen, listensFor, remove, contains, and what listen refuses.
 */

/** listen() as untyped JavaScript may call it: with names and handlers the types refuse. */
const listenUnchecked = listen as unknown as (target: unknown, name: string, handler: unknown) => void;

function expectArgumentError(fn: () => unknown, message: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toHaveProperty("message", message);
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
    beginOnce({ engine, driver });
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
    beginOnce({ engine, driver });
    expect(count).toBe(2);
    remove(engine, "begin", handler);
    expect(contains(engine, "begin", handler)).toBe(true);
    beginOnce({ engine, driver });
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
