import { listen, type PoolProxiedConnection, QueuePool, runBlocking, text } from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { thrown } from "@athanor/testing";
import { afterEach, describe, expect, test } from "vitest";

import { connectOnce, labeller, removeClassListeners } from "./event-support.ts";

/**
 * PoolEvents, generator handlers doing IO in place, and handlers that throw.
 */

afterEach(removeClassListeners);

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

  test("connect: the new connection is closed (never handed out half set up) and its slot freed; the next checkout connects again", () => {
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
    // Closed politely rather than dropped: the connection itself is fine, and for an in-memory
    // database dropping it would be what loses the data.
    expect(connections[0]?.invalidated).toBe(false);
    fail = false;
    connectOnce({ engine, driver });
    expect(log()).toEqual(["connect", "close", "connect"]);
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
    connectOnce({ engine, driver });
    expect(engine.pool.checkedout()).toBe(0);
    expect(log()[0]).toBe("connect");
  });
});
