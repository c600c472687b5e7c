import { type Connection, QueuePool, run, StaticPool, TimeoutError, text } from "@athanor/core";
import { rejection } from "@athanor/testing";
import { expect, test } from "vitest";
import { forEachDriver } from "../src/drivers.ts";

/**
 * A pool with no connection to give waits `poolTimeout` seconds for one, then raises TimeoutError;
 * a connection returned meanwhile goes to the waiter. On every driver: the pool is core's, but the
 * checkouts are real connections (PGlite's one instance, or backends of a PostgreSQL server).
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The connection is live: it runs a statement and gets the right answer. */
async function expectWorks(conn: Connection): Promise<void> {
  expect(await run(conn.scalar(text("select sum(g)::integer from generate_series(1, 10) as g")))).toBe(55);
}

/**
 * The lower bound allows for timer granularity; the upper bound only says "about poolTimeout, not
 * some other wait" while leaving room for these shared, noisy machines.
 */
const timeoutSlackMs = { below: 20, above: 1000 } as const;

forEachDriver((target) => {
  // PGlite's dialect pools its one instance with a StaticPool (one connection, one checkout at a
  // time); it honours poolTimeout, and its size is always one.
  const poolName = target.name === "pglite" ? "StaticPool" : "QueuePool";

  test("a second checkout while the only connection is held fails with TimeoutError after poolTimeout", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.2 });
    const held = await run(engine.connect());
    try {
      await expectWorks(held);
      expect(engine.pool).toBeInstanceOf(target.name === "pglite" ? StaticPool : QueuePool);
      const started = performance.now();
      const error = await rejection(run(engine.connect()));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({
        message: `${poolName} limit of size 1 overflow 0 reached, connection timed out, timeout 0.20 seconds`,
      });
      expect(elapsed).toBeGreaterThanOrEqual(200 - timeoutSlackMs.below);
      expect(elapsed).toBeLessThan(200 + timeoutSlackMs.above);
      // The timed-out wait took nothing from the holder, and left the pool consistent.
      await expectWorks(held);
      expect(engine.pool.checkedout()).toBe(1);
    } finally {
      await run(held.close());
    }
    expect(engine.pool.checkedout()).toBe(0);
    const next = await run(engine.connect());
    await expectWorks(next);
    await run(next.close());
  });

  test("returning the held connection unblocks a waiting checkout, which gets that connection", async () => {
    // A timeout long enough that only the return can end the wait.
    const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 10 });
    const held = await run(engine.connect());
    await expectWorks(held);
    const heldDbapi = held.getRawConnection().dbapiConnection;
    let settled = false;
    const started = performance.now();
    const waiting = run(engine.connect()).finally(() => {
      settled = true;
    });
    await sleep(100);
    expect(settled).toBe(false);

    await run(held.close());
    const waiter = await waiting;
    try {
      expect(performance.now() - started).toBeLessThan(5000);
      // The very DBAPI connection that came back, handed over rather than a new one opened.
      expect(waiter.getRawConnection().dbapiConnection).toBe(heldDbapi);
      await expectWorks(waiter);
      expect(engine.pool.checkedout()).toBe(1);
    } finally {
      await run(waiter.close());
    }
    expect(engine.pool.checkedout()).toBe(0);
  });

  // PGlite has one connection, so there is no overflow to make: its StaticPool takes no size or
  // maxOverflow (the two tests above cover its one-at-a-time checkout).
  if (target.name === "pglite") return;

  test("with maxOverflow 1, two checkouts succeed and a third waits, then times out", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 1, poolTimeout: 0.2 });
    const pool = engine.pool;
    if (!(pool instanceof QueuePool)) throw new Error(`expected a QueuePool, got ${pool.constructor.name}`);
    const first = await run(engine.connect());
    const second = await run(engine.connect());
    try {
      await expectWorks(first);
      await expectWorks(second);
      // Two backends: the overflow one is a connection of its own.
      const pids = await Promise.all(
        [first, second].map((conn) => run(conn.scalar(text("select pg_backend_pid()")))),
      );
      expect(new Set(pids).size).toBe(2);
      expect(pool.overflow()).toBe(1);
      expect(pool.checkedout()).toBe(2);

      const started = performance.now();
      const error = await rejection(run(engine.connect()));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({
        message: "QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 0.20 seconds",
      });
      expect(elapsed).toBeGreaterThanOrEqual(200 - timeoutSlackMs.below);
      expect(elapsed).toBeLessThan(200 + timeoutSlackMs.above);
      expect(pool.checkedout()).toBe(2);
    } finally {
      await run(first.close());
      await run(second.close());
    }
    // Back under the limit: a checkout succeeds at once.
    expect(pool.checkedout()).toBe(0);
    const third = await run(engine.connect());
    await expectWorks(third);
    await run(third.close());
  });

  test("with maxOverflow 1, a third checkout waits until one of the two is returned", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 1, poolTimeout: 10 });
    const first = await run(engine.connect());
    const second = await run(engine.connect());
    await expectWorks(first);
    await expectWorks(second);
    let settled = false;
    const waiting = run(engine.connect()).finally(() => {
      settled = true;
    });
    await sleep(100);
    expect(settled).toBe(false);

    const secondDbapi = second.getRawConnection().dbapiConnection;
    await run(second.close());
    const third = await waiting;
    try {
      // A waiter takes the returned connection even when it is an overflow one.
      expect(third.getRawConnection().dbapiConnection).toBe(secondDbapi);
      await expectWorks(third);
      expect(engine.pool.checkedout()).toBe(2);
    } finally {
      await run(first.close());
      await run(third.close());
    }
    expect(engine.pool.checkedout()).toBe(0);
  });
});
