import { setTimeout as sleep } from "node:timers/promises";
import { DBAPIError, run } from "@athanor/core";
import { rejection } from "@athanor/testing";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { SocketGuard } from "../src/postgresjs/socket-guard.ts";
import { execute, type Opened, onPostgres, openConnection } from "./postgresjs-support.ts";

/**
 * The postgres.js hazards (a silent reconnect that runs the rest of a transaction in autocommit on a
 * new backend; an uncaught TypeError writing to the dead socket), each with the backend killed by
 * pg_terminate_backend from another connection: the next call fails with a disconnect, every later
 * call fails too, nothing reconnects (pg_stat_activity has no backend left for the connection's
 * application_name), rows of the broken transaction are not in the table, and the process survives:
 * an uncaught exception or unhandled rejection (the crash postgres.js has in sql.begin) fails the test
 * it happens in, and each test lets timers and I/O run before it ends so a late one lands inside it.
 */

onPostgres("postgres.js driver faults", (db) => {
  let scenario = 0;
  /** What reached the process's last-resort handlers (vitest's own also fail the run). */
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeAll(async () => {
    await db.query("create table fault_rows (id int, note text)");
    process.on("uncaughtException", record);
    process.on("unhandledRejection", record);
  });
  afterEach(() => {
    expect(uncaught).toEqual([]);
  });
  afterAll(() => {
    process.off("uncaughtException", record);
    process.off("unhandledRejection", record);
  });

  /** A fresh connection with an application_name of its own, and its backend pid. */
  async function open(): Promise<Opened & { readonly name: string; readonly pid: number }> {
    const name = `athanor_fault_${++scenario}`;
    const opened = await openConnection(db.url, { connection: { application_name: name } });
    const pid = opened.driver.backendPid!;
    expect((await execute(opened.adapted, "select pg_backend_pid()")).rows).toEqual([[pid]]);
    return { ...opened, name, pid };
  }

  /** Kills a backend and waits until it has exited (PostgreSQL 14+: the timeout argument). */
  async function kill(pid: number): Promise<void> {
    expect(await db.query("select pg_terminate_backend($1, 10000) as killed", [pid])).toEqual([
      { killed: true },
    ]);
  }

  /** Waits until the backend runs a statement matching `pattern`. */
  async function waitUntilRunning(pid: number, pattern: string): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const rows = await db.query(
        "select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like $2",
        [pid, pattern],
      );
      if (rows.length > 0) return;
      await sleep(10);
    }
    throw new Error(`backend ${pid} never ran ${pattern}`);
  }

  /** The wrapped error core raised, checked to be a disconnect the dialect recognises. */
  function expectDisconnect(opened: Opened, error: unknown): void {
    expect(error).toBeInstanceOf(DBAPIError);
    const wrapped = error as DBAPIError;
    expect(wrapped.connectionInvalidated).toBe(true);
    expect(opened.dialect.isDisconnect(wrapped.orig)).toBe(true);
  }

  /**
   * After the kill: every call at the driver level (under core's AdaptedConnection, which would stop
   * them itself) rejects with a disconnect, the process has run timers and I/O without crashing,
   * no backend is left for the connection, and the table has none of the transaction's rows.
   */
  async function expectDeadAndClean(opened: Opened & { readonly name: string }): Promise<void> {
    const { driver, dialect } = opened;
    const calls: Promise<unknown>[] = [
      driver.execute("insert into fault_rows values (99, 'after the kill')", []),
      driver.execute("select $1::int", [1]),
      driver.executeMany("insert into fault_rows values ($1, 'after the kill')", [[98], [97]]),
      driver.openCursor("select 1", []),
      driver.execute("commit", []),
    ];
    for (const call of calls) {
      const error = await rejection(call);
      expect(dialect.isDisconnect(error)).toBe(true);
    }
    // Nothing to cancel on a dead connection: no request goes out.
    await expect(driver.cancel()).resolves.toBeUndefined();
    // Anything postgres.js scheduled (a reconnect after its backoff, a write) runs now, inside the test.
    await sleep(300);
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      await db.query("select pid from pg_stat_activity where application_name = $1", [opened.name]),
    ).toEqual([]);
    expect(await db.query("select id from fault_rows")).toEqual([]);
    driver.terminate();
    await driver.close();
  }

  test("(a) killed while idle", async () => {
    const opened = await open();
    await kill(opened.pid);
    expectDisconnect(opened, await rejection(execute(opened.adapted, "begin")));
    expectDisconnect(
      opened,
      await rejection(execute(opened.adapted, "insert into fault_rows values (1, 'a')")),
    );
    await expectDeadAndClean(opened);
  });

  test("(b) killed mid-statement inside a transaction", async () => {
    const opened = await open();
    const { adapted, pid } = opened;
    await run(adapted.begin());
    await execute(adapted, "insert into fault_rows values ($1, $2)", [1, "before the kill"]);
    const sleeping = rejection(execute(adapted, "select pg_sleep(30)"));
    await waitUntilRunning(pid, "select pg_sleep%");
    await kill(pid);
    expectDisconnect(opened, await sleeping);
    expect(adapted.invalidated).toBe(true);
    expectDisconnect(opened, await rejection(execute(adapted, "insert into fault_rows values (2, 'after')")));
    expectDisconnect(opened, await rejection(run(adapted.commit())));
    await expectDeadAndClean(opened);
  });

  test("(c) killed between two statements of a transaction", async () => {
    const opened = await open();
    const { adapted, pid } = opened;
    await run(adapted.begin());
    await execute(adapted, "insert into fault_rows values ($1, $2)", [1, "before the kill"]);
    await kill(pid);
    expectDisconnect(
      opened,
      await rejection(execute(adapted, "insert into fault_rows values ($1, $2)", [2, "after"])),
    );
    expectDisconnect(opened, await rejection(run(adapted.commit())));
    await expectDeadAndClean(opened);
  });

  test("(c') killed between two statements, the next one sent without waiting for the close", async () => {
    const opened = await open();
    const { adapted, driver, pid } = opened;
    await run(adapted.begin());
    await execute(adapted, "insert into fault_rows values ($1, $2)", [1, "before the kill"]);
    // Signal only: the statement races the backend's exit and the socket's close.
    await db.query("select pg_terminate_backend($1)", [pid]);
    const raced = await Promise.allSettled([
      driver.execute("insert into fault_rows values ($1, $2)", [2, "raced"]),
      driver.execute("commit", []),
    ]);
    for (const outcome of raced) {
      expect(outcome.status).toBe("rejected");
      if (outcome.status === "rejected") expect(opened.dialect.isDisconnect(outcome.reason)).toBe(true);
    }
    await expectDeadAndClean(opened);
  });

  test("(d) killed during a cursor fetch", async () => {
    const opened = await open();
    const { adapted, pid } = opened;
    await run(adapted.begin());
    await execute(adapted, "insert into fault_rows values ($1, $2)", [1, "before the kill"]);
    const cursor = await run(adapted.openCursor("select i, pg_sleep(0.05) from generate_series(1, 1000) i"));
    expect(await run(adapted.fetch(cursor, 2))).toEqual([
      [1, ""],
      [2, ""],
    ]);
    const fetching = rejection(run(adapted.fetch(cursor, 500)));
    await waitUntilRunning(pid, "FETCH%");
    await kill(pid);
    expectDisconnect(opened, await fetching);
    expectDisconnect(opened, await rejection(run(adapted.fetch(cursor, 1))));
    expectDisconnect(opened, await rejection(run(adapted.commit())));
    // At the driver level too: the cursor's fetch rejects; its close has nothing left to do.
    expect(opened.dialect.isDisconnect(await rejection(cursor.fetch(1)))).toBe(true);
    await cursor.close();
    await expectDeadAndClean(opened);
  });

  test("(e) killed during a pipelined executeMany, with statements still queued in postgres.js", async () => {
    const opened = await open();
    const { adapted, pid } = opened;
    await run(adapted.begin());
    // Big parameters fill the socket, so postgres.js queues the rest: queued queries are what it
    // reconnects for when the connection closes.
    const note = "x".repeat(20_000);
    const sets = Array.from({ length: 3000 }, (_, index) => [index, note]);
    const many = rejection(
      run(adapted.executeMany("insert into fault_rows select $1, $2 from pg_sleep(0.002)", sets)),
    );
    await waitUntilRunning(pid, "insert into fault_rows%");
    await kill(pid);
    expectDisconnect(opened, await many);
    expectDisconnect(opened, await rejection(run(adapted.commit())));
    await expectDeadAndClean(opened);
  });

  test("cancel() then terminate() mid-statement (an aborted run): the call rejects, nothing reconnects", async () => {
    const opened = await open();
    const { adapted, driver, pid } = opened;
    await run(adapted.begin());
    await execute(adapted, "insert into fault_rows values (1, 'terminated')");
    const sleeping = rejection(driver.execute("select pg_sleep(30)", []));
    await waitUntilRunning(pid, "select pg_sleep%");
    // As AdaptedConnection.cancelled does: the cancel request goes out, the socket is dropped at once.
    const cancelled = driver.cancel();
    driver.terminate();
    driver.terminate();
    await cancelled;
    expect(opened.dialect.isDisconnect(await sleeping)).toBe(true);
    // The backend, its statement cancelled, reads the closed socket and exits (rolling back).
    for (let attempt = 0; attempt < 500; attempt++) {
      if ((await db.query("select 1 from pg_stat_activity where pid = $1", [pid])).length === 0) break;
      await sleep(10);
    }
    await expectDeadAndClean(opened);
  });

  test("cancel() stops the running statement with 57014; the connection stays usable", async () => {
    const opened = await open();
    const { adapted, driver, pid } = opened;
    const sleeping = rejection(execute(adapted, "select pg_sleep(30)"));
    await waitUntilRunning(pid, "select pg_sleep%");
    await driver.cancel();
    const error = await sleeping;
    expect(error).toMatchObject({ code: "57014", connectionInvalidated: false });
    expect((await execute(adapted, "select pg_backend_pid()")).rows).toEqual([[pid]]);
    await run(adapted.close());
  });

  test("close() ends the backend politely; later calls reject as disconnects", async () => {
    const opened = await open();
    const { driver, dialect, name } = opened;
    await driver.close();
    await driver.close();
    const error = await rejection(driver.execute("select 1", []));
    expect(error).toMatchObject({ code: "CONNECTION_ENDED" });
    expect(dialect.isDisconnect(error)).toBe(true);
    expect(await db.query("select pid from pg_stat_activity where application_name = $1", [name])).toEqual(
      [],
    );
    driver.terminate();
  });

  test("the socket guard alone stops postgres.js's silent reconnect (the hazard, under the raw driver)", async () => {
    const guard = new SocketGuard(undefined);
    const url = new URL(db.url);
    const sql = postgres({
      host: url.hostname,
      port: Number(url.port),
      database: url.pathname.slice(1),
      username: decodeURIComponent(url.username),
      max: 1,
      fetch_types: false,
      onnotice: () => {},
      connection: { application_name: "athanor_guard_raw" },
      ...{ socket: guard.factory },
    });
    try {
      const [row] = await sql`select pg_backend_pid() as pid`;
      await sql`begin`;
      await kill(Number(row!["pid"]));
      await sleep(100);
      // Unguarded, postgres.js would open a new backend here and run this in autocommit.
      const error = await rejection(sql`select pg_backend_pid() as pid`);
      expect(error).toMatchObject({ name: "ConnectionGoneError", code: "CONNECTION_CLOSED" });
      expect(String((error as Error).message)).toContain("tried to open a second connection");
      expect(
        await db.query("select pid from pg_stat_activity where application_name = 'athanor_guard_raw'"),
      ).toEqual([]);
    } finally {
      await sql.end({ timeout: 0 });
    }
  });
});
