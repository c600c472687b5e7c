import { NullPool, type QueuePool, run, StaticPool, TimeoutError, text } from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("queue pool", () => {
  test("exhaustion raises TimeoutError after poolTimeout, naming the limits", async () => {
    const { engine, driver } = scriptedEngine(undefined, { poolSize: 1, maxOverflow: 0, poolTimeout: 0.05 });
    const held = await run(engine.connect(), { handler: driver });
    const started = Date.now();
    const error = await run(engine.connect(), { handler: driver }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.05 seconds",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await run(held.close(), { handler: driver });
  });

  test("returning a connection unblocks the first waiter, which gets that same DBAPI connection", async () => {
    const { engine, driver, connections } = scriptedEngine(undefined, {
      poolSize: 1,
      maxOverflow: 0,
      poolTimeout: 5,
    });
    const held = await run(engine.connect(), { handler: driver });
    const order: string[] = [];
    const first = run(engine.connect(), { handler: driver }).then((conn) => {
      order.push("first");
      return conn;
    });
    const second = run(engine.connect(), { handler: driver }).then((conn) => {
      order.push("second");
      return conn;
    });
    await sleep(10);
    expect(order).toEqual([]);
    await run(held.close(), { handler: driver });
    const firstConn = await first;
    expect(order).toEqual(["first"]);
    expect(firstConn.getRawConnection().dbapiConnection).toBe(connections[0]);
    await run(firstConn.close(), { handler: driver });
    const secondConn = await second;
    expect(order).toEqual(["first", "second"]);
    await run(secondConn.close(), { handler: driver });
    expect(connections).toHaveLength(1);
  });

  test("overflow connections are made beyond size and closed when returned", async () => {
    const { engine, driver, log } = scriptedEngine(undefined, { poolSize: 1, maxOverflow: 1 });
    const pool = engine.pool as QueuePool;
    const a = await run(engine.connect(), { handler: driver });
    const b = await run(engine.connect(), { handler: driver });
    expect(pool.overflow()).toBe(1);
    expect(pool.checkedout()).toBe(2);
    await run(a.close(), { handler: driver });
    await run(b.close(), { handler: driver });
    expect(pool.checkedin()).toBe(1);
    expect(pool.overflow()).toBe(0);
    expect(log()).toEqual(["connect", "connect", "close"]);
    expect(pool.status()).toBe(
      "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0",
    );
  });

  test("a cancelled waiter leaves the queue; the connection goes to the next one", async () => {
    const { engine, driver } = scriptedEngine(undefined, { poolSize: 1, maxOverflow: 0, poolTimeout: 5 });
    const held = await run(engine.connect(), { handler: driver });
    const controller = new AbortController();
    const cancelled = run(engine.connect(), { handler: driver, signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    const next = run(engine.connect(), { handler: driver });
    await sleep(5);
    controller.abort(new Error("gave up"));
    expect(((await cancelled) as Error).name).toBe("AbortError");
    await run(held.close(), { handler: driver });
    const conn = await next;
    expect((engine.pool as QueuePool).checkedout()).toBe(1);
    await run(conn.close(), { handler: driver });
  });

  test("recycle replaces a connection older than poolRecycle seconds at checkout", async () => {
    const { engine, driver, log } = scriptedEngine(undefined, { poolRecycle: 0 });
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    await sleep(5);
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "close", "connect"]);
  });

  test("dispose closes idle connections and starts a new pool; the engine still works", async () => {
    const { engine, driver, log } = scriptedEngine();
    const before = engine.pool;
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    await run(engine.dispose(), { handler: driver });
    expect(engine.pool).not.toBe(before);
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "close", "connect"]);
  });

  test("invalidate() on a connection drops its DBAPI connection; the next checkout reconnects", async () => {
    const { engine, driver, log, connections } = scriptedEngine();
    await run(
      engine.connect(function* (conn) {
        yield* conn.invalidate();
        expect(conn.invalidated).toBe(true);
      }),
      { handler: driver },
    );
    expect(connections[0]!.invalidated).toBe(true);
    await run(
      engine.connect(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "connect", "begin: BEGIN", "execute: select 1", "rollback: ROLLBACK"]);
    expect(connections).toHaveLength(2);
  });

  test("a connection dropped without being returned is warned about, closed and never reused", async () => {
    const { engine, driver, connections } = scriptedEngine(undefined, {
      poolSize: 1,
      maxOverflow: 0,
      poolTimeout: 5,
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await (async () => {
        await run(engine.connect(), { handler: driver });
      })();
      const waiter = run(engine.connect(), { handler: driver });
      for (let i = 0; i < 20 && warnings.length === 0; i++) {
        globalThis.gc?.();
        await sleep(20);
      }
      const conn = await waiter;
      expect(warnings.map((warning) => (warning as Error & { code?: string }).code)).toEqual([
        "ATHANOR_CONNECTION_NOT_RETURNED",
      ]);
      expect(connections[0]!.invalidated).toBe(true);
      expect(conn.getRawConnection().dbapiConnection).toBe(connections[1]);
      await run(conn.close(), { handler: driver });
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("other pools", () => {
  test("NullPool opens a connection per checkout and closes it on return", async () => {
    const { engine, driver, log } = scriptedEngine(undefined, { poolclass: "null" });
    expect(engine.pool).toBeInstanceOf(NullPool);
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(log()).toEqual(["connect", "close", "connect", "close"]);
  });

  test("StaticPool hands its one connection to one checkout at a time", async () => {
    const { engine, driver, connections } = scriptedEngine(undefined, {
      poolclass: "static",
      poolTimeout: 0.05,
    });
    expect(engine.pool).toBeInstanceOf(StaticPool);
    const held = await run(engine.connect(), { handler: driver });
    await expect(run(engine.connect(), { handler: driver })).rejects.toBeInstanceOf(TimeoutError);
    await run(held.close(), { handler: driver });
    await run(
      engine.connect(function* () {}),
      { handler: driver },
    );
    expect(connections).toHaveLength(1);
  });
});
