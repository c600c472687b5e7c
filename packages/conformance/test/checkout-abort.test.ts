import {
  AbortError,
  type AdaptedConnection,
  callAsync,
  type Engine,
  type EngineOptions,
  event,
  QueuePool,
  run,
  text,
} from "@athanor/core";
import { deferred } from "@athanor/core/testing";
import { rejection } from "@athanor/testing";
import { expect, test } from "vitest";
import { type DriverTarget, forEachDriver } from "../src/drivers.ts";

/**
 * Every way out of a checkout gives back what it took: a checkout aborted while its connection is
 * being opened (a first checkout, a reconnect, a connect or checkout handler doing IO), or while the
 * pool hands it a connection, leaves no slot taken and no backend behind; a dispose() while a task
 * waits for a slot leaves no connection in the pool it retired. Checked through the pool's counts,
 * a checkout that must not time out, and, on a server, pg_stat_activity.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let engineNumber = 0;

/** Pool of one with a short timeout: a leaked slot shows up as a TimeoutError at the next checkout. */
function smallEngine(target: DriverTarget, options: EngineOptions = {}): { engine: Engine; name: string } {
  const name = `athanor_checkout_${target.name}_${++engineNumber}`;
  const connectArgs =
    target.name === "pg"
      ? { application_name: name }
      : target.name === "postgresjs"
        ? { connection: { application_name: name } }
        : {};
  const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.5, connectArgs, ...options });
  return { engine, name };
}

forEachDriver((target) => {
  /** Server backends of this engine (none on PGlite, which has no backend of its own per connection). */
  async function backendsOf(name: string): Promise<number> {
    if (target.name === "pglite") return 0;
    const rows = await target.db.query(
      "select pid from pg_stat_activity where datname = current_database() and application_name = $1",
      [name],
    );
    return rows.length;
  }

  /** Nothing is checked out, a new checkout works at once, and dispose() leaves no backend. */
  async function expectNothingLeaked(engine: Engine, name: string): Promise<void> {
    expect(engine.pool.checkedout()).toBe(0);
    const answer = await run(
      engine.connect(function* (conn) {
        return yield* conn.scalar(text("select 41 + 1"));
      }),
    );
    expect(answer).toBe(42);
    expect(engine.pool.checkedout()).toBe(0);
    await run(engine.dispose());
    // A connect cancelled in flight may finish opening after the abort; it is closed as soon as it does.
    for (let attempt = 0; attempt < 300 && (await backendsOf(name)) > 0; attempt++) await sleep(10);
    expect(await backendsOf(name)).toBe(0);
  }

  test("a checkout aborted while its connection is being opened takes no slot", async () => {
    const { engine, name } = smallEngine(target);
    const controller = new AbortController();
    const checkout = rejection(run(engine.connect(), { signal: controller.signal }));
    controller.abort(new Error("no longer needed"));
    expect(await checkout).toBeInstanceOf(AbortError);
    await expectNothingLeaked(engine, name);
  });

  test("a reconnect aborted while its connection is being opened takes no slot", async () => {
    const { engine, name } = smallEngine(target);
    const conn = await run(engine.connect());
    expect(await run(conn.scalar(text("select 1")))).toBe(1);
    await run(conn.invalidate());
    await run(conn.rollback());
    const controller = new AbortController();
    const reconnect = rejection(run(conn.scalar(text("select 2")), { signal: controller.signal }));
    controller.abort(new Error("no longer needed"));
    expect(await reconnect).toBeInstanceOf(AbortError);
    expect(conn.invalidated).toBe(true);
    await run(conn.close());
    await expectNothingLeaked(engine, name);
  });

  for (const eventName of ["connect", "checkout"] as const) {
    test(`a checkout aborted inside a ${eventName} handler doing IO takes no slot`, async () => {
      const { engine, name } = smallEngine(target);
      const gate = deferred<void>();
      const entered = deferred<void>();
      let calls = 0;
      event.listen(engine, eventName, function* (_dbapi: AdaptedConnection) {
        if (++calls > 1) return;
        entered.resolve();
        yield* callAsync(() => gate.promise);
      });
      const controller = new AbortController();
      const checkout = rejection(run(engine.connect(), { signal: controller.signal }));
      await entered.promise;
      controller.abort(new Error("no longer needed"));
      expect(await checkout).toBeInstanceOf(AbortError);
      gate.resolve();
      await expectNothingLeaked(engine, name);
    });
  }

  test("a waiting checkout aborted in the tick the pool hands it a connection gives the connection back", async () => {
    const { engine, name } = smallEngine(target);
    const held = await run(engine.connect());
    // A checkout that ran nothing: returning it needs no IO, so the waiter is handed its connection
    // synchronously, inside the close() below.
    const controller = new AbortController();
    const waiting = rejection(run(engine.connect(), { signal: controller.signal }));
    await sleep(20);
    const closing = run(held.close());
    controller.abort(new Error("no longer needed"));
    await closing;
    expect(await waiting).toBeInstanceOf(AbortError);
    await expectNothingLeaked(engine, name);
  });

  test("dispose() while a task waits for a slot: the waiter is served by the new pool, the old one keeps nothing", async () => {
    const { engine, name } = smallEngine(target, { poolTimeout: 10 });
    const held = await run(engine.connect());
    expect(await run(held.scalar(text("select 1")))).toBe(1);
    const oldPool = engine.pool;
    const waiting = run(engine.connect());
    await sleep(20);
    await run(engine.dispose());
    expect(engine.pool).not.toBe(oldPool);
    await run(held.close());
    const conn = await waiting;
    expect(await run(conn.scalar(text("select 2")))).toBe(2);
    expect(engine.pool.checkedout()).toBe(1);
    expect(oldPool.checkedout()).toBe(0);
    if (oldPool instanceof QueuePool) expect(oldPool.checkedin()).toBe(0);
    await run(conn.close());
    await expectNothingLeaked(engine, name);
  });
});
