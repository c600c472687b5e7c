import { AdaptedConnection, DBAPIError, makeUrl, registeredDialect, run } from "@athanor/core";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PgliteConnectionClosedError, PgliteDialect } from "../src/index.ts";
import {
  asPgliteConnection,
  connectGiven,
  firstRow,
  newDialect,
  openTemplateCopy,
  templateTarball,
} from "./helpers.ts";

let pglite: PGlite;

beforeAll(async () => {
  pglite = await openTemplateCopy();
});

afterAll(async () => {
  await pglite.close();
});

/** A connection over an instance the dialect creates itself (from the template tarball) and owns. */
async function connectOwned(dialect = newDialect()) {
  return asPgliteConnection(
    await dialect.connect({
      url: makeUrl("postgresql+pglite://"),
      connectArgs: { loadDataDir: templateTarball() },
    }),
  );
}

describe("the dialect", () => {
  it("is registered for postgresql+pglite:// by importing the package", () => {
    const factory = registeredDialect(makeUrl("postgresql+pglite://"));
    expect(factory?.({ url: makeUrl("postgresql+pglite://") })).toBeInstanceOf(PgliteDialect);
  });

  it("describes PGlite: one static connection, cursors, RETURNING, multi-row VALUES executemany", () => {
    const dialect = newDialect();
    expect(dialect.name).toBe("postgresql");
    expect(dialect.driver).toBe("pglite");
    expect(dialect.isAsync).toBe(true);
    expect(dialect.defaultPoolClass).toBe("static");
    expect(dialect.capabilities).toEqual({
      serverSideCursors: true,
      returning: true,
      executemany: "values",
      maxParameters: 65535,
    });
  });

  it("initialize reads the server version (PGlite 0.5 is PostgreSQL 18)", async () => {
    const dialect = newDialect();
    const adapted = new AdaptedConnection(dialect, await connectGiven(pglite, dialect));
    await run(dialect.initialize(adapted));
    expect(dialect.serverVersionInfo?.[0]).toBe(18);
    expect(dialect.serverVersionInfo).toHaveLength(2);
  });
});

describe("a given instance", () => {
  it("is not closed by close(); the connection refuses calls afterwards, as a disconnect", async () => {
    const dialect = newDialect();
    const connection = await connectGiven(pglite, dialect);
    expect(connection.owned).toBe(false);
    expect(connection.driverConnection).toBe(pglite);
    await connection.close();
    await connection.close();
    expect(connection.closed).toBe(true);
    expect(pglite.closed).toBe(false);
    expect((await pglite.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);

    for (const call of [
      () => connection.execute("SELECT 1", []),
      () => connection.executeMany("SELECT 1", [[]]),
      () => connection.openCursor("SELECT 1", []),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PgliteConnectionClosedError);
      expect(dialect.isDisconnect(error)).toBe(true);
    }
  });

  it("is not closed by terminate()", async () => {
    const connection = await connectGiven(pglite);
    connection.terminate();
    connection.terminate();
    await expect(connection.execute("SELECT 1", [])).rejects.toBeInstanceOf(PgliteConnectionClosedError);
    expect(pglite.closed).toBe(false);
  });

  it("closed by its owner underneath: PGlite's error is a disconnect and core invalidates the connection", async () => {
    const other = await openTemplateCopy();
    const dialect = newDialect();
    const adapted = new AdaptedConnection(dialect, await connectGiven(other, dialect));
    const bystander = await connectGiven(other);
    await other.close();
    // Closing a cursor on the dead instance has nothing to do (its cursors went with it).
    await expect(bystander.closeCursor("athanor_cursor_1")).resolves.toBeUndefined();
    const error = await run(adapted.execute("SELECT 1")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DBAPIError);
    if (!(error instanceof DBAPIError)) return;
    expect(error.connectionInvalidated).toBe(true);
    expect(error.orig).toBeInstanceOf(Error);
    expect(error.orig instanceof Error && error.orig.message).toBe("PGlite is closed");
    expect(adapted.invalidated).toBe(true);
    // Invalidation terminated the driver connection; the instance was not ours to close anyway.
    expect(asPgliteConnection(adapted.driver).closed).toBe(true);
  });

  it("two connections may share one instance deliberately: one session, cursors named apart", async () => {
    const first = await connectGiven(pglite);
    const second = await connectGiven(pglite);
    await first.execute("BEGIN", []);
    const a = await first.openCursor("SELECT 1", []);
    const b = await second.openCursor("SELECT 2", []);
    expect(await a.fetch(1)).toEqual([[1]]);
    expect(await b.fetch(1)).toEqual([[2]]);
    await second.execute("COMMIT", []);
    await first.close();
    await second.close();
  });
});

describe("an instance the dialect created", () => {
  it("is closed by close(), and calls afterwards are disconnects", async () => {
    const dialect = newDialect();
    const connection = await connectOwned(dialect);
    expect(connection.owned).toBe(true);
    expect(firstRow(await connection.execute("SELECT 1::int8", []))).toEqual([1n]);
    await connection.close();
    expect(connection.driverConnection.closed).toBe(true);
    const error = await connection.execute("SELECT 1", []).catch((caught: unknown) => caught);
    expect(dialect.isDisconnect(error)).toBe(true);
    // Once closed, a second close() has nothing left to do.
    await connection.close();
  });

  it("is closed by terminate(), which never throws and returns at once", async () => {
    const connection = await connectOwned();
    const instance = connection.driverConnection;
    connection.terminate();
    connection.terminate();
    await vi.waitFor(() => expect(instance.closed).toBe(true));
    await expect(connection.execute("SELECT 1", [])).rejects.toBeInstanceOf(PgliteConnectionClosedError);
  });

  it("terminate() while a statement runs: the statement settles, the instance closes", async () => {
    const connection = await connectOwned();
    const instance = connection.driverConnection;
    const running = connection.execute("SELECT pg_sleep(0.05), 1", []).then(
      () => "done",
      () => "failed",
    );
    connection.terminate();
    expect(["done", "failed"]).toContain(await running);
    await vi.waitFor(() => expect(instance.closed).toBe(true));
  });

  it("core's AdaptedConnection.close() closes it", async () => {
    const dialect = newDialect();
    const connection = await connectOwned(dialect);
    const adapted = new AdaptedConnection(dialect, connection);
    await run(adapted.close());
    expect(connection.driverConnection.closed).toBe(true);
    expect(adapted.closed).toBe(true);
  });
});

describe("isDisconnect", () => {
  const dialect = newDialect();

  it("is false for server errors, other errors and non-errors", async () => {
    const error = await pglite.query("SELECT 1/0").catch((caught: unknown) => caught);
    expect(error).toHaveProperty("code", "22012");
    expect(dialect.isDisconnect(error)).toBe(false);
    expect(dialect.isDisconnect(new Error("something else"))).toBe(false);
    expect(dialect.isDisconnect("PGlite is closed")).toBe(false);
    expect(dialect.isDisconnect(undefined)).toBe(false);
  });

  it("is true for a trapped WASM instance (WebAssembly.RuntimeError) and for connection-exception SQLSTATEs", () => {
    class RuntimeError extends Error {
      override name = "RuntimeError";
    }
    expect(dialect.isDisconnect(new RuntimeError("unreachable"))).toBe(true);
    expect(dialect.isDisconnect(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(
      true,
    );
  });
});
