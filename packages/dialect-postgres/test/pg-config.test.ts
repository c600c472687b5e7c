import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdaptedConnection, ArgumentError, makeUrl, run } from "@athanor/core";
import { forPostgresDatabase, type TestDatabase } from "@athanor/testing";
import { afterAll, describe, expect, test } from "vitest";
import { parseArray } from "../src/pg/pg-array-parser.ts";
import { clientConfig } from "../src/pg/pg-connect-config.ts";
import { PgDialect } from "../src/pg/pg-dialect.ts";
import { PgTypeParsers, parseBytea } from "../src/pg/pg-type-parsers.ts";

/** URL and connectArgs to pg options; the array and bytea text parsers; the dialect's facts. */

const types = new PgTypeParsers();
const sessionOptions = "-c DateStyle=ISO,MDY -c IntervalStyle=postgres -c client_encoding=UTF8";

describe("pg client options from the URL and connectArgs", () => {
  test("URL parts, libpq query parameters, session options, our type parsers", () => {
    const url = makeUrl(
      "postgresql+pg://me:p%40ss@db.example:6543/app?application_name=athanor&connect_timeout=5&statement_timeout=1500" +
        "&keepalives=0&keepalives_idle=30&options=-c%20search_path%3Dapp",
    );
    expect(clientConfig(url, {}, types)).toEqual({
      host: "db.example",
      port: 6543,
      user: "me",
      password: "p@ss",
      database: "app",
      application_name: "athanor",
      connectionTimeoutMillis: 5000,
      statement_timeout: 1500,
      keepAlive: false,
      keepAliveInitialDelayMillis: 30000,
      options: `-c search_path=app ${sessionOptions}`,
      types,
    });
  });

  test("connectArgs win over the URL; our session options still come last; types are always ours", () => {
    const url = makeUrl("postgresql+pg://me:secret@host/app?application_name=from_url");
    const config = clientConfig(
      url,
      { password: "from_args", application_name: "from_args", options: "-c work_mem=1MB", types: "ignored" },
      types,
    );
    expect(config).toMatchObject({ password: "from_args", application_name: "from_args", user: "me" });
    expect(config.options).toBe(`-c work_mem=1MB ${sessionOptions}`);
    expect(config.types).toBe(types);
  });

  test("a socket directory, a database and a user given as query parameters", () => {
    const url = makeUrl(
      "postgresql+pg:///?host=/var/run/postgresql&port=5433&dbname=app&user=me&password=pw",
    );
    expect(clientConfig(url, {}, types)).toMatchObject({
      host: "/var/run/postgresql",
      port: 5433,
      database: "app",
      user: "me",
      password: "pw",
    });
  });

  test("sslmode as libpq reads it", () => {
    const ssl = (query: string) => clientConfig(makeUrl(`postgresql+pg://h/d?${query}`), {}, types).ssl;
    expect(ssl("sslmode=disable")).toBe(false);
    expect(ssl("sslmode=allow")).toBe(false);
    expect(ssl("sslmode=prefer")).toEqual({ rejectUnauthorized: false });
    expect(ssl("sslmode=require")).toEqual({ rejectUnauthorized: false });
    expect(ssl("sslmode=no-verify")).toEqual({ rejectUnauthorized: false });
    expect(ssl("sslmode=verify-full")).toEqual({});
    expect(ssl("sslmode=verify-ca")).toEqual({ checkServerIdentity: expect.any(Function) });
    expect(ssl("ssl=true")).toEqual({});
    expect(ssl("ssl=0")).toBe(false);
    expect(ssl("application_name=x")).toBeUndefined();
  });

  test("certificate files are read; with a root certificate, require checks the chain", () => {
    const dir = mkdtempSync(join(tmpdir(), "athanor-pg-ssl-"));
    try {
      writeFileSync(join(dir, "root.crt"), "ROOT");
      writeFileSync(join(dir, "client.crt"), "CERT");
      writeFileSync(join(dir, "client.key"), "KEY");
      const files = `sslrootcert=${dir}/root.crt&sslcert=${dir}/client.crt&sslkey=${dir}/client.key`;
      const ssl = (mode: string) =>
        clientConfig(makeUrl(`postgresql+pg://h/d?${files}${mode}`), {}, types).ssl;
      expect(ssl("")).toEqual({ ca: "ROOT", cert: "CERT", key: "KEY" });
      expect(ssl("&sslmode=verify-full")).toEqual({ ca: "ROOT", cert: "CERT", key: "KEY" });
      expect(ssl("&sslmode=require")).toEqual({
        ca: "ROOT",
        cert: "CERT",
        key: "KEY",
        checkServerIdentity: expect.any(Function),
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("unknown parameters, bad numbers, another client_encoding and an unknown sslmode are refused", () => {
    const config = (query: string) => () =>
      clientConfig(makeUrl(`postgresql+pg://u:secret@h/d?${query}`), {}, types);
    expect(config("sslmode=sometimes")).toThrow(ArgumentError);
    expect(config("connect_timeout=soon")).toThrow(
      "connect_timeout=soon in postgresql+pg://u:***@h/d?connect_timeout=soon is not a whole number",
    );
    expect(config("client_encoding=LATIN1")).toThrow("the pg driver always uses UTF8");
    expect(config("client_encoding=utf8")).not.toThrow();
    expect(config("target_session_attrs=any")).toThrow('unknown query parameter "target_session_attrs"');
  });
});

describe("array and bytea text", () => {
  const text = (value: string) => value;
  test("quoted, escaped, NULL, nested, empty, lower bounds, other delimiters", () => {
    expect(parseArray('{a,"b c","d\\"e","f\\\\g",NULL,"NULL",""}', text)).toEqual([
      "a",
      "b c",
      'd"e',
      "f\\g",
      null,
      "NULL",
      "",
    ]);
    expect(parseArray("{{1,2},{3,NULL}}", Number)).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(parseArray("{}", text)).toEqual([]);
    expect(parseArray("[0:1]={x,y}", text)).toEqual(["x", "y"]);
    expect(parseArray("[1:1][-1:0]={{a,b}}", text)).toEqual([["a", "b"]]);
    expect(parseArray("{(1,1),(0,0);(3,3),(2,2)}", text, ";")).toEqual(["(1,1),(0,0)", "(3,3),(2,2)"]);
  });

  test("malformed array text is a SyntaxError", () => {
    for (const bad of ["1,2", "{1,2", '{"a', "{a}b}", "{{1}x}"]) {
      expect(() => parseArray(bad, text), bad).toThrow(SyntaxError);
    }
  });

  test("bytea in hex and escape formats", () => {
    expect(parseBytea("\\x00ff10")).toEqual(Buffer.from([0, 255, 16]));
    expect(parseBytea("ab\\000\\\\\\377")).toEqual(Buffer.from([0x61, 0x62, 0, 0x5c, 255]));
    expect(parseBytea("")).toEqual(Buffer.alloc(0));
  });
});

describe("the pg dialect", () => {
  const dialect = new PgDialect({ url: makeUrl("postgresql+pg://h/d") });

  test("facts: driver, capabilities, default pool", () => {
    expect(dialect.name).toBe("postgresql");
    expect(dialect.driver).toBe("pg");
    expect(dialect.isAsync).toBe(true);
    expect(dialect.capabilities).toEqual({
      serverSideCursors: true,
      returning: true,
      executemany: "values",
      maxParameters: 65535,
    });
    expect(dialect.defaultPoolClass).toBe("queue");
  });

  test("isDisconnect: pg's messages for a dead client, SQLSTATEs and socket codes; not other errors", () => {
    for (const message of [
      "Connection terminated unexpectedly",
      "Connection terminated",
      "Client has encountered a connection error and is not queryable",
      "Client was closed and is not queryable",
      "timeout expired",
      "Query read timeout",
      "Received unexpected dataRow message from backend.",
      "The server does not support SSL connections",
    ]) {
      expect(dialect.isDisconnect(new Error(message)), message).toBe(true);
    }
    expect(dialect.isDisconnect(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(
      true,
    );
    expect(dialect.isDisconnect(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(
      true,
    );
    expect(dialect.isDisconnect(Object.assign(new Error("division by zero"), { code: "22012" }))).toBe(false);
    expect(dialect.isDisconnect(new Error("something else"))).toBe(false);
    expect(dialect.isDisconnect("Connection terminated")).toBe(false);
    expect(dialect.isDisconnect(undefined)).toBe(false);
  });
});

describe("pg connection settings on the server", () => {
  forPostgresDatabase((db: TestDatabase) => {
    const dialect = new PgDialect({ url: makeUrl("postgresql+pg://h/d") });
    const opened: AdaptedConnection[] = [];
    const open = async (query: string, connectArgs: Record<string, unknown> = {}) => {
      const url = makeUrl(`${db.url}${query}`);
      const conn = new AdaptedConnection(dialect, await dialect.connect({ url, connectArgs }));
      opened.push(conn);
      return conn;
    };
    const settings = async (conn: AdaptedConnection, ...names: string[]) =>
      (await run(conn.execute(`select ${names.map((name) => `current_setting('${name}')`).join(", ")}`)))
        .rows[0];
    afterAll(async () => {
      for (const conn of opened) await run(conn.close());
    });

    test("query parameters reach the session; user options cannot undo the canonical ones", async () => {
      const conn = await open(
        "?application_name=from_url&statement_timeout=1500&options=-c%20search_path%3Dpublic%20-c%20DateStyle%3DGerman",
      );
      expect(
        await settings(conn, "application_name", "statement_timeout", "search_path", "DateStyle"),
      ).toEqual(["from_url", "1500ms", "public", "ISO, MDY"]);
    });

    test("connectArgs win over the URL", async () => {
      const conn = await open("?application_name=from_url", { application_name: "from_args" });
      expect(await settings(conn, "application_name")).toEqual(["from_args"]);
    });

    test("sslmode=require against a server without TLS: pg's error, a disconnect", async () => {
      const error = await open("?sslmode=require").catch((caught: unknown) => caught);
      expect(error).toMatchObject({ message: "The server does not support SSL connections" });
      expect(dialect.isDisconnect(error)).toBe(true);
    });

    test("a bad query parameter fails the connect before any socket opens", async () => {
      await expect(open("?no_such_param=1")).rejects.toBeInstanceOf(ArgumentError);
    });
  });
});
