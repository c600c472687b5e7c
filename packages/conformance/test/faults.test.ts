import {
  type Connection,
  createEngine,
  DBAPIError,
  type Engine,
  type EngineOptions,
  OperationalError,
  PendingRollbackError,
  run,
  text,
} from "@athanor/core";
import { range, rejection } from "@athanor/testing";
import { afterAll, beforeAll, beforeEach, expect, test, vi } from "vitest";
import { CuttingProxy } from "../src/cutting-proxy.ts";
import { type DriverTarget, forEachServerDriver } from "../src/drivers.ts";

/**
 * The backend of a connection is killed (pg_terminate_backend) in four situations, through the whole
 * engine stack (pool, Connection, transaction, streaming): the failing call rejects with a disconnect,
 * the process survives, nothing of the broken transaction is committed, the Connection insists on a
 * rollback and then works on a new backend, and the pool neither leaks backends nor serves bad results.
 * Real PostgreSQL only: PGlite has no backend to kill.
 */

// A driver that throws from a socket callback after a kill (postgres.js's nextWrite crash, pg without an
// error listener) shows up here. Vitest reports such errors as well, but apart from the tests; these
// spies fail the test whose kill caused one, at the check after the kill.
const uncaughtException = vi.fn();
const unhandledRejection = vi.fn();
beforeAll(() => {
  process.on("uncaughtException", uncaughtException);
  process.on("unhandledRejection", unhandledRejection);
});
afterAll(() => {
  process.off("uncaughtException", uncaughtException);
  process.off("unhandledRejection", unhandledRejection);
});

/** Time for errors a kill causes late (socket close events, timers) to surface before the checks. */
const lateErrorWindowMs = 200;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The call failed because the backend went away, and core invalidated the connection for it. */
function expectDisconnect(error: unknown): void {
  expect(error).toBeInstanceOf(DBAPIError);
  expect(error).toBeInstanceOf(OperationalError);
  expect(error).toMatchObject({ connectionInvalidated: true });
}

const pendingRollbackMessage =
  "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before proceeding";

function expectNoProcessLevelErrors(): void {
  // mock.calls rather than not.toHaveBeenCalled(): a failure then shows the error itself.
  expect(uncaughtException.mock.calls).toEqual([]);
  expect(unhandledRejection.mock.calls).toEqual([]);
}

async function backendPid(conn: Connection): Promise<number> {
  const pid = await run(conn.scalar(text("select pg_backend_pid()")));
  if (typeof pid !== "number") throw new Error(`pg_backend_pid() returned ${String(pid)}`);
  return pid;
}

/**
 * The engine's connections carry `applicationName`, so pg_stat_activity can tell them from the
 * helper's and from other tests' engines. pg takes libpq's option names as client options; postgres.js
 * sends the startup parameters under `connection`.
 */
function applicationNameArgs(target: DriverTarget, applicationName: string): EngineOptions["connectArgs"] {
  return target.name === "pg"
    ? { application_name: applicationName }
    : { connection: { application_name: applicationName } };
}

// Backend kills need a real server: PGlite has no backend process to terminate.
forEachServerDriver((target) => {
  const table = `fault_rows_${target.name}`;
  let testNumber = 0;

  beforeAll(async () => {
    await target.db.query(`create table ${table} (id integer primary key)`);
  });
  beforeEach(async () => {
    await target.db.query(`delete from ${table}`);
  });

  /** An engine whose one pooled connection's backend was killed while idle in the pool, and that pid. */
  async function idleBackendKilled(named: {
    engine: Engine;
    applicationName: string;
  }): Promise<{ engine: Engine; applicationName: string; pid: number }> {
    const first = await run(named.engine.connect());
    const pid = await backendPid(first);
    await run(first.close());
    await kill(pid);
    expectNoProcessLevelErrors();
    return { ...named, pid };
  }

  /** An engine whose backends carry an application_name of their own, and that name. */
  function namedEngine(options: EngineOptions = {}): { engine: Engine; applicationName: string } {
    const applicationName = `athanor_faults_${target.name}_${++testNumber}`;
    const engine = target.engine({ ...options, connectArgs: applicationNameArgs(target, applicationName) });
    return { engine, applicationName };
  }

  async function rowIds(): Promise<number[]> {
    const rows = await target.db.query<{ id: number }>(`select id from ${table} order by id`);
    return rows.map((row) => row.id);
  }

  /** Waits until backend `pid` runs a statement containing `fragment`. */
  async function waitUntilRunning(pid: number, fragment: string): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const rows = await target.db.query(
        "select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like $2",
        [pid, `%${fragment}%`],
      );
      if (rows.length > 0) return;
      await sleep(10);
    }
    throw new Error(`backend ${pid} never ran ${fragment}`);
  }

  /** pg_terminate_backend(pid) from the helper connection; returns once the backend has exited. */
  async function kill(pid: number): Promise<void> {
    expect(await target.db.query("select pg_terminate_backend($1) as killed", [pid])).toEqual([
      { killed: true },
    ]);
    for (let attempt = 0; attempt < 500; attempt++) {
      if ((await target.db.query("select 1 from pg_stat_activity where pid = $1", [pid])).length === 0) break;
      await sleep(10);
    }
    expect(await target.db.query("select 1 from pg_stat_activity where pid = $1", [pid])).toEqual([]);
    await sleep(lateErrorWindowMs);
  }

  /** The backends of this test's engine, as pg_stat_activity lists them. */
  function sessionsOf(applicationName: string): Promise<{ pid: number; state: string | null }[]> {
    return target.db.query<{ pid: number; state: string | null }>(
      "select pid, state from pg_stat_activity" +
        " where datname = current_database() and pid <> pg_backend_pid() and application_name = $1" +
        " order by pid",
      [applicationName],
    );
  }

  /**
   * No backend of this database (other than the helper's own) is left idle in a transaction, and the
   * engine has exactly the backends its pool holds: `expected` idle connections, none of them the
   * killed one.
   */
  async function expectNoLeakedBackends(
    applicationName: string,
    expected: number,
    killedPid: number,
  ): Promise<void> {
    const stuck = await target.db.query(
      "select pid, application_name, state from pg_stat_activity" +
        " where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'",
    );
    expect(stuck).toEqual([]);
    const sessions = await sessionsOf(applicationName);
    expect(sessions.map((session) => session.state)).toEqual(Array(expected).fill("idle"));
    expect(sessions.map((session) => session.pid)).not.toContain(killedPid);
  }

  /** A new checkout gets a live connection and the right answer. */
  async function expectPoolServes(engine: Engine): Promise<void> {
    const answer = await run(
      engine.connect(function* (conn) {
        return yield* conn.scalar(text("select sum(g)::integer from generate_series(1, 100) as g"));
      }),
    );
    expect(answer).toBe(5050);
  }

  /** Disposing the engine ends every backend it had: nothing outlives the pool. */
  async function expectDisposedClean(engine: Engine, applicationName: string): Promise<void> {
    await run(engine.dispose());
    for (let attempt = 0; attempt < 200 && (await sessionsOf(applicationName)).length > 0; attempt++) {
      await sleep(10);
    }
    expect(await sessionsOf(applicationName)).toEqual([]);
  }

  /**
   * After the disconnect, the Connection refuses to go on with the lost transaction (PendingRollbackError),
   * a rollback clears it, and the same Connection then works on a new backend: a row it inserts and
   * commits is the only one in the table.
   */
  async function expectRollbackThenRecovery(conn: Connection, killedPid: number): Promise<void> {
    const refused = await rejection(run(conn.execute(text(`insert into ${table} values (2)`))));
    expect(refused).toBeInstanceOf(PendingRollbackError);
    expect(refused).toMatchObject({ message: pendingRollbackMessage });
    // A commit of the lost transaction is refused the same way (SQLAlchemy: PendingRollbackError), with
    // the message Connection.endTransaction has for it, and leaves the transaction to be rolled back.
    const commit = await rejection(run(conn.commit()));
    expect(commit).toBeInstanceOf(PendingRollbackError);
    expect(commit).toMatchObject({
      message: "the connection was invalidated; its transaction is lost and can't be committed",
    });
    expect(conn.inTransaction()).toBe(true);
    const stillRefused = await rejection(run(conn.scalar(text("select 1"))));
    expect(stillRefused).toBeInstanceOf(PendingRollbackError);
    expect(stillRefused).toMatchObject({ message: pendingRollbackMessage });

    await run(conn.rollback());
    expect(conn.inTransaction()).toBe(false);
    const newPid = await backendPid(conn);
    expect(newPid).not.toBe(killedPid);
    expect(conn.invalidated).toBe(false);
    await run(conn.execute(text(`insert into ${table} values (3)`)));
    await run(conn.commit());
    expect(await rowIds()).toEqual([3]);
    await run(conn.close());
  }

  /** The call the kill broke: a disconnect error, the connection invalidated, nothing of its transaction kept. */
  async function expectBrokenTransaction(conn: Connection, error: unknown): Promise<void> {
    expectDisconnect(error);
    expect(conn.invalidated).toBe(true);
    await sleep(lateErrorWindowMs);
    expectNoProcessLevelErrors();
    expect(await rowIds()).toEqual([]);
  }

  /** After a kill: the pool serves, no late process-level error, no leaked backend, a clean dispose. */
  async function expectEngineRecovered(engine: Engine, applicationName: string, pid: number): Promise<void> {
    await expectPoolServes(engine);
    await sleep(lateErrorWindowMs);
    expectNoProcessLevelErrors();
    await expectNoLeakedBackends(applicationName, 1, pid);
    await expectDisposedClean(engine, applicationName);
  }

  test("(a) killed while idle in the pool, with poolPrePing: the checkout replaces it silently", async () => {
    const { engine, applicationName, pid } = await idleBackendKilled(namedEngine({ poolPrePing: true }));

    const conn = await run(engine.connect());
    const newPid = await backendPid(conn);
    expect(newPid).not.toBe(pid);
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    await run(conn.commit());
    expect(await rowIds()).toEqual([1]);
    await run(conn.close());

    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(a) killed while idle in the pool, without pre-ping: the first statement fails, the next checkout works", async () => {
    const { engine, applicationName, pid } = await idleBackendKilled(namedEngine());

    const conn = await run(engine.connect());
    const error = await rejection(run(conn.execute(text(`insert into ${table} values (1)`))));
    await expectBrokenTransaction(conn, error);
    // The statement autobegan a transaction that the disconnect broke: as in SQLAlchemy, the
    // Connection does not reconnect behind the caller's back until that transaction is rolled back.
    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(a) killed while idle in the pool, without pre-ping, then an explicit begin(): rollback() first", async () => {
    const { engine, applicationName, pid } = await idleBackendKilled(namedEngine());

    const conn = await run(engine.connect());
    const error = await rejection(run(conn.begin()));
    await expectBrokenTransaction(conn, error);
    expect(conn.inTransaction()).toBe(true);
    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(e) killed before COMMIT: the commit fails with a disconnect and the transaction waits for rollback()", async () => {
    const { engine, applicationName } = namedEngine();
    const conn = await run(engine.connect());
    const pid = await backendPid(conn);
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    await kill(pid);
    expectNoProcessLevelErrors();

    const error = await rejection(run(conn.commit()));
    await expectBrokenTransaction(conn, error);
    // Not a silent reconnect into a new transaction: the failed one stays until rollback().
    expect(conn.inTransaction()).toBe(true);
    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(f) the connection dies while it is being set up: a disconnect error with connectionInvalidated", async () => {
    const server = new URL(target.url);
    const proxy = await CuttingProxy.start({ host: server.hostname, port: Number(server.port) }, "Z");
    try {
      const url = new URL(target.url);
      url.port = String(proxy.port);
      const engine = createEngine(url.toString());
      try {
        const error = await rejection(run(engine.connect()));
        expectDisconnect(error);
        expect(proxy.cuts).toBe(1);
        expect(engine.pool.checkedout()).toBe(0);
        await sleep(lateErrorWindowMs);
        expectNoProcessLevelErrors();
      } finally {
        await run(engine.dispose());
      }
    } finally {
      await proxy.close();
    }
  });

  test("(b) killed mid-statement inside a transaction", async () => {
    const { engine, applicationName } = namedEngine();
    const conn = await run(engine.connect());
    const pid = await backendPid(conn);
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    const started = performance.now();
    const sleeping = rejection(run(conn.execute(text("select pg_sleep(5)"))));
    await waitUntilRunning(pid, "pg_sleep");
    await kill(pid);
    const error = await sleeping;
    // The kill ended the statement, not the sleep running out.
    expect(performance.now() - started).toBeLessThan(5000);
    await expectBrokenTransaction(conn, error);

    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(c) killed between two statements of a transaction", async () => {
    const { engine, applicationName } = namedEngine();
    const conn = await run(engine.connect());
    const pid = await backendPid(conn);
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    await kill(pid);
    expectNoProcessLevelErrors();

    const error = await rejection(run(conn.execute(text(`insert into ${table} values (2)`))));
    // Neither insert reached a database that kept it (postgres.js left alone would have run the second
    // on a new backend, in autocommit).
    await expectBrokenTransaction(conn, error);

    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });

  test("(d) killed during a streamed read, after the first batch", async () => {
    const { engine, applicationName } = namedEngine();
    const conn = await run(engine.connect());
    const pid = await backendPid(conn);
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    const query = text("select g from generate_series(1, 100000) as g");
    const stream = (await run(conn.stream(query))).yieldPer(100);
    const firstBatch = await run(stream.scalars().fetchmany(100));
    expect(firstBatch).toEqual(range(1, 100));
    await kill(pid);
    expectNoProcessLevelErrors();

    const error = await rejection(run(stream.scalars().fetchmany(100)));
    await expectBrokenTransaction(conn, error);

    await expectRollbackThenRecovery(conn, pid);
    await expectEngineRecovered(engine, applicationName, pid);
  });
});
