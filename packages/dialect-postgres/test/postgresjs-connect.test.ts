import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { makeUrl, registeredDialect, run } from "@athanor/core";
import { expect, test } from "vitest";
import "../src/index.ts";
import { rejection } from "@athanor/testing";
import { PostgresJsDialect } from "../src/postgresjs/postgresjs-dialect.ts";
import type { ParsedSocketOptions } from "../src/postgresjs/socket-guard.ts";
import { execute, onPostgres, openConnection } from "./postgresjs-support.ts";

/** The dialect's description, and how a connection is opened from a URL and connectArgs. */

test("postgresql+postgresjs:// makes a PostgresJsDialect: async, queue pool, multi-row VALUES executemany", () => {
  const url = makeUrl("postgresql+postgresjs://user@localhost/db");
  const dialect = registeredDialect(url)?.({ url });
  expect(dialect).toBeInstanceOf(PostgresJsDialect);
  expect(dialect).toMatchObject({
    name: "postgresql",
    driver: "postgresjs",
    isAsync: true,
    defaultPoolClass: "queue",
    capabilities: { serverSideCursors: true, returning: true, executemany: "values", maxParameters: 65533 },
  });
});

test("isDisconnect: postgres.js's connection codes and socket errors, not server or usage errors", () => {
  const dialect = new PostgresJsDialect({ url: makeUrl("postgresql+postgresjs://localhost/db") });
  const error = (fields: Record<string, unknown>) => Object.assign(new Error("x"), fields);
  for (const code of ["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]) {
    expect(dialect.isDisconnect(error({ code }))).toBe(true);
  }
  expect(dialect.isDisconnect(error({ code: "ERR_STREAM_DESTROYED" }))).toBe(true);
  expect(dialect.isDisconnect(error({ code: "EHOSTUNREACH", syscall: "connect" }))).toBe(true);
  expect(dialect.isDisconnect(error({ code: "57P01" }))).toBe(true);
  expect(dialect.isDisconnect(error({ code: "08006" }))).toBe(true);
  expect(dialect.isDisconnect(error({ code: "23505" }))).toBe(false);
  expect(dialect.isDisconnect(error({ code: "57014" }))).toBe(false);
  expect(dialect.isDisconnect(error({ code: "MAX_PARAMETERS_EXCEEDED" }))).toBe(false);
  expect(dialect.isDisconnect(error({ code: "UNDEFINED_VALUE" }))).toBe(false);
  expect(dialect.isDisconnect(error({}))).toBe(false);
  expect(dialect.isDisconnect("CONNECTION_CLOSED")).toBe(false);
});

onPostgres("postgres.js connections", (db) => {
  const settings = "select current_database(), current_user, current_setting('application_name')";

  test("URL parts: host, port, database, user; query parameters become startup parameters", async () => {
    const url = new URL(db.url);
    url.searchParams.set("application_name", "from_the_url");
    url.searchParams.set("options", "-c search_path=pg_catalog");
    url.searchParams.set("sslmode", "disable");
    const { adapted } = await openConnection(url.toString());
    expect((await execute(adapted, settings)).rows).toEqual([
      [url.pathname.slice(1), "postgres", "from_the_url"],
    ]);
    expect((await execute(adapted, "show search_path")).rows).toEqual([["pg_catalog"]]);
    await run(adapted.close());
  });

  test("connectArgs win over the URL; the canonical session settings win over connectArgs", async () => {
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    url.pathname = "/no_such_database";
    url.searchParams.set("application_name", "from_the_url");
    const { adapted } = await openConnection(url.toString(), {
      database,
      connection: { application_name: "from_connect_args", DateStyle: "SQL, DMY", IntervalStyle: "iso_8601" },
    });
    expect((await execute(adapted, settings)).rows).toEqual([[database, "postgres", "from_connect_args"]]);
    expect(
      (
        await execute(
          adapted,
          "select current_setting('DateStyle'), current_setting('IntervalStyle'), '2024-01-31'::date",
        )
      ).rows,
    ).toEqual([["ISO, MDY", "postgres", "2024-01-31"]]);
    await run(adapted.close());
  });

  test("a unix socket directory as host (libpq's ?host=/dir), cancel included", async () => {
    const [socketDirectory] = (
      await db.query<{ dirs: string }>("select current_setting('unix_socket_directories') as dirs")
    )[0]!.dirs.split(",");
    const url = new URL(db.url);
    const unixUrl = `postgresql://${url.username}@/${url.pathname.slice(1)}?host=${encodeURIComponent(socketDirectory!.trim())}&port=${url.port}`;
    const { adapted, driver } = await openConnection(unixUrl);
    // No server address: not TCP.
    expect((await execute(adapted, "select inet_server_addr()")).rows).toEqual([[null]]);
    const sleeping = rejection(execute(adapted, "select pg_sleep(30)"));
    for (let attempt = 0; attempt < 500; attempt++) {
      const rows = await db.query(
        "select 1 from pg_stat_activity where pid = $1 and query like 'select pg_sleep%'",
        [driver.backendPid],
      );
      if (rows.length > 0) break;
      await sleep(10);
    }
    await driver.cancel();
    expect(await sleeping).toMatchObject({ code: "57014" });
    await run(adapted.close());
  });

  test("a socket factory in connectArgs makes the one socket; a second is refused before reaching it", async () => {
    const calls: ParsedSocketOptions[] = [];
    const socket = (options: ParsedSocketOptions): net.Socket => {
      calls.push(options);
      return net.connect(options.port[0]!, options.host[0]!);
    };
    const { adapted, driver, dialect } = await openConnection(db.url, { socket });
    expect(calls).toHaveLength(1);
    expect((await execute(adapted, "select 1")).rows).toEqual([[1]]);
    await db.query("select pg_terminate_backend($1, 10000)", [driver.backendPid]);
    expect(dialect.isDisconnect(await rejection(driver.execute("select 1", [])))).toBe(true);
    await sleep(100);
    expect(calls).toHaveLength(1);
    driver.terminate();
  });

  test("connect failures reject with the driver's own error", async () => {
    const refused = await rejection(openConnection(db.url.replace(/:\d+\//, ":1/")));
    expect(refused).toMatchObject({ code: "ECONNREFUSED" });
    const missing = await rejection(openConnection(db.url.replace(/\/[^/?]*$/, "/no_such_database")));
    expect(missing).toMatchObject({ code: "3D000", name: "PostgresError" });
  });
});
