import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import {
  AbortError,
  AdaptedConnection,
  ConnectRequest,
  DBAPIError,
  makeUrl,
  OperationalError,
  run,
} from "@athanor/core";
import { forPostgresDatabase, type TestDatabase } from "@athanor/testing";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { PgDialect } from "../src/pg/pg-dialect.ts";

/** Disconnects, terminate, cancel and failed connects of the pg driver, on a real PostgreSQL. */

function onPostgres(name: string, define: (db: TestDatabase) => void): void {
  describe(name, () => forPostgresDatabase(define));
}

/** The pg.Client under an adapted connection. */
function clientOf(conn: AdaptedConnection): pg.Client {
  const client = conn.driverConnection;
  if (!(client instanceof pg.Client)) throw new Error("not a pg.Client");
  return client;
}

/** Resolves when the client's connection has ended (events.once would reject on its "error" first). */
function ended(client: pg.Client): Promise<void> {
  return new Promise((resolve) => client.once("end", () => resolve()));
}

async function backendPid(conn: AdaptedConnection): Promise<number> {
  const result = await run(conn.execute("select pg_backend_pid()"));
  return Number(result.rows[0]?.[0]);
}

/** Waits until `pid` runs a statement containing `text` (as pg_stat_activity shows it). */
async function waitUntilRunning(db: TestDatabase, pid: number, text: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await db.query(
      "select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like $2",
      [pid, `%${text}%`],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend ${pid} never ran ${text}`);
}

/** Waits until backend `pid` is gone. */
async function waitUntilGone(db: TestDatabase, pid: number): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < 500; i++) {
    if ((await db.query("select 1 from pg_stat_activity where pid = $1", [pid])).length === 0)
      return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend ${pid} still there`);
}

onPostgres("pg driver disconnects", (db) => {
  const dialect = new PgDialect({ url: makeUrl("postgresql+pg://localhost/unused") });
  const open: AdaptedConnection[] = [];
  const connect = async (connectArgs: Record<string, unknown> = {}) => {
    const conn = new AdaptedConnection(dialect, await dialect.connect({ url: makeUrl(db.url), connectArgs }));
    open.push(conn);
    return conn;
  };
  afterEach(async () => {
    for (const conn of open.splice(0)) await run(conn.close()).catch(() => {});
  });

  test("backend killed during a statement: it rejects with a disconnect, later calls reject at once", async () => {
    const conn = await connect();
    const driver = conn.driver;
    const pid = await backendPid(conn);
    const sleeping = run(conn.execute("select pg_sleep(30)")).catch((caught: unknown) => caught);
    await waitUntilRunning(db, pid, "pg_sleep");
    await db.query("select pg_terminate_backend($1)", [pid]);
    const error = await sleeping;
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ code: "57P01", connectionInvalidated: true });
    expect(error instanceof DBAPIError && dialect.isDisconnect(error.orig)).toBe(true);
    expect(conn.invalidated).toBe(true);
    // The driver connection itself refuses at once, with pg's message: "closed" when core's
    // invalidation (terminate) came before the socket's end, "encountered a connection error" if after.
    const later = await driver.execute("select 1", []).catch((caught: unknown) => caught);
    expect(later).toMatchObject({
      message: expect.stringMatching(
        /^Client (was closed|has encountered a connection error) and is not queryable$/,
      ),
    });
    expect(dialect.isDisconnect(later)).toBe(true);
  });

  test("backend killed while idle: no crash; the next call rejects with a disconnect", async () => {
    const conn = await connect();
    const client = clientOf(conn);
    const pid = await backendPid(conn);
    const clientEnded = ended(client);
    await db.query("select pg_terminate_backend($1)", [pid]);
    await clientEnded;
    // Straight on the driver: pg's own "not queryable" error, which the dialect calls a disconnect.
    const direct = await conn.driver.execute("select 1", []).catch((caught: unknown) => caught);
    expect(direct).toMatchObject({
      message: "Client has encountered a connection error and is not queryable",
    });
    expect(dialect.isDisconnect(direct)).toBe(true);
    expect(direct).toMatchObject({ cause: { code: "57P01" } });
    // Through core: an OperationalError, and the connection is invalidated.
    const error = await run(conn.execute("select 1")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ connectionInvalidated: true });
    expect(conn.invalidated).toBe(true);
    // Closing a dead driver connection is quiet.
    await expect(conn.driver.close()).resolves.toBeUndefined();
  });

  test("backend killed while a cursor is open in a transaction: fetch and close reject as disconnects", async () => {
    const conn = await connect();
    const pid = await backendPid(conn);
    await run(conn.begin());
    const cursor = await run(conn.openCursor("select generate_series(1, 100000)"));
    expect(await run(conn.fetch(cursor, 2))).toEqual([[1], [2]]);
    const clientEnded = ended(clientOf(conn));
    await db.query("select pg_terminate_backend($1)", [pid]);
    await clientEnded;
    const direct = await cursor.fetch(10).catch((caught: unknown) => caught);
    expect(dialect.isDisconnect(direct)).toBe(true);
    await expect(cursor.close()).rejects.toSatisfy((error: unknown) => dialect.isDisconnect(error));
    await expect(run(conn.fetch(cursor, 10))).rejects.toBeInstanceOf(OperationalError);
  });

  test("terminate() during a running statement does not hang, never throws, and stays dead", async () => {
    const conn = await connect();
    const pid = await backendPid(conn);
    const started = Date.now();
    const sleeping = run(conn.execute("select pg_sleep(30)")).catch((caught: unknown) => caught);
    await waitUntilRunning(db, pid, "pg_sleep");
    conn.driver.terminate();
    conn.driver.terminate();
    const error = await sleeping;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ connectionInvalidated: true });
    expect(error instanceof DBAPIError && dialect.isDisconnect(error.orig)).toBe(true);
    await expect(conn.driver.execute("select 1", [])).rejects.toThrow(
      "Client was closed and is not queryable",
    );
    await conn.driver.close();
    // The server-side statement is not cancelled by a dropped socket; clean it up.
    await db.query("select pg_terminate_backend($1)", [pid]);
  });

  test("terminate() on an idle connection, and after close", async () => {
    const conn = await connect();
    const client = clientOf(conn);
    const clientEnded = ended(client);
    conn.driver.terminate();
    await clientEnded;
    await expect(conn.driver.execute("select 1", [])).rejects.toSatisfy((error: unknown) =>
      dialect.isDisconnect(error),
    );
    const other = await connect();
    await run(other.close());
    expect(() => other.driver.terminate()).not.toThrow();
  });

  test("cancel() stops the statement in flight; the connection stays usable", async () => {
    const conn = await connect();
    const pid = await backendPid(conn);
    const sleeping = run(conn.execute("select pg_sleep(30)")).catch((caught: unknown) => caught);
    await waitUntilRunning(db, pid, "pg_sleep");
    await conn.driver.cancel?.();
    const error = await sleeping;
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ code: "57014", connectionInvalidated: false });
    expect(conn.invalidated).toBe(false);
    expect((await run(conn.execute("select 'still here'"))).rows).toEqual([["still here"]]);
  });

  test("cancel() on a dead connection does nothing", async () => {
    const conn = await connect();
    conn.driver.terminate();
    await expect(conn.driver.cancel?.()).resolves.toBeUndefined();
  });

  test("an aborted run cancels the statement on the server and drops the connection", async () => {
    const conn = await connect();
    const pid = await backendPid(conn);
    const controller = new AbortController();
    const sleeping = run(conn.execute("select pg_sleep(30)"), { signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    await waitUntilRunning(db, pid, "pg_sleep");
    controller.abort();
    expect(await sleeping).toBeInstanceOf(AbortError);
    expect(conn.invalidated).toBe(true);
    // The cancel request ended the sleep: the backend leaves well before its 30 s.
    expect(await waitUntilGone(db, pid)).toBeLessThan(4000);
  });
});

onPostgres("pg driver connect failures", (db) => {
  const dialect = new PgDialect({ url: makeUrl("postgresql+pg://localhost/unused") });

  test("a port nobody listens on: the driver's ECONNREFUSED, as an OperationalError through core", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    await new Promise((resolve) => server.close(resolve));
    const url = makeUrl(`postgresql+pg://postgres@127.0.0.1:${port}/postgres`);
    const direct = await dialect.connect({ url, connectArgs: {} }).catch((caught: unknown) => caught);
    expect(direct).toMatchObject({ code: "ECONNREFUSED" });
    expect(dialect.isDisconnect(direct)).toBe(true);
    const error = await run(new ConnectRequest(dialect, { url, connectArgs: {} })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ orig: { code: "ECONNREFUSED" } });
  });

  test("an unknown role (the test server trusts every password) and an unknown database: the server's error", async () => {
    const url = makeUrl(db.url);
    const role = await dialect
      .connect({ url: url.set({ username: "nobody_here", password: "wrong" }), connectArgs: {} })
      .catch((caught: unknown) => caught);
    expect(role).toBeInstanceOf(pg.DatabaseError);
    expect(role).toMatchObject({ code: "28000", message: 'role "nobody_here" does not exist' });
    const error = await run(
      new ConnectRequest(dialect, { url: url.set({ database: "no_such_db" }), connectArgs: {} }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DBAPIError);
    expect(error).toMatchObject({ name: "ProgrammingError", code: "3D000" });
  });

  test("a wrong password: the server's 28P01, an OperationalError through core", async (context) => {
    // The test server trusts everyone; give one new role password authentication in pg_hba.conf.
    const hbaFile = (await db.query<{ hba_file: string }>("show hba_file"))[0]?.hba_file ?? "";
    try {
      accessSync(hbaFile, constants.W_OK);
    } catch {
      context.skip("pg_hba.conf of the test server is not writable here");
    }
    const role = `athanor_pw_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const original = readFileSync(hbaFile, "utf8");
    await db.query(`create role ${role} login password 'right-password'`);
    writeFileSync(
      hbaFile,
      `host all ${role} 127.0.0.1/32 scram-sha-256\nhost all ${role} ::1/128 scram-sha-256\n${original}`,
    );
    await db.query("select pg_reload_conf()");
    try {
      const url = makeUrl(db.url).set({ username: role, password: "wrong-password" });
      let direct: unknown;
      // The postmaster rereads the file asynchronously after the reload signal.
      for (let i = 0; i < 100; i++) {
        direct = await dialect.connect({ url, connectArgs: {} }).then(
          (connection) => connection.close(),
          (caught: unknown) => caught,
        );
        if (direct !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(direct).toBeInstanceOf(pg.DatabaseError);
      expect(direct).toMatchObject({
        code: "28P01",
        message: `password authentication failed for user "${role}"`,
      });
      const error = await run(new ConnectRequest(dialect, { url, connectArgs: {} })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OperationalError);
      expect(error).toMatchObject({ code: "28P01" });
      const right = await dialect.connect({ url: url.set({ password: "right-password" }), connectArgs: {} });
      expect(await right.execute("select current_user", [])).toMatchObject({ rows: [[role]] });
      await right.close();
    } finally {
      writeFileSync(hbaFile, original);
      await db.query("select pg_reload_conf()");
      await db.query(`drop role ${role}`);
    }
  });

  test("a connect timeout is the driver's 'timeout expired', a disconnect", async () => {
    // A server that accepts and never answers.
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const url = makeUrl(`postgresql+pg://postgres@127.0.0.1:${port}/postgres?connect_timeout=1`);
      const error = await dialect.connect({ url, connectArgs: {} }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ message: "timeout expired" });
      expect(dialect.isDisconnect(error)).toBe(true);
    } finally {
      server.close();
    }
  });
});
