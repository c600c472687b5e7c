import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ArgumentError, type ConnectParams, makeUrl } from "@athanor/core";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgliteDialect } from "../src/index.ts";
import { asPgliteConnection, firstRow, newDialect, openTemplateCopy, templateTarball } from "./helpers.ts";

let tempDir: string;
let pglite: PGlite;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), "athanor-pglite-"));
  pglite = await openTemplateCopy();
});

afterAll(async () => {
  await pglite.close();
  rmSync(tempDir, { recursive: true, force: true });
});

async function connect(url: string, connectArgs: ConnectParams["connectArgs"] = {}) {
  return asPgliteConnection(await newDialect().connect({ url: makeUrl(url), connectArgs }));
}

async function connectError(url: string, connectArgs: ConnectParams["connectArgs"] = {}): Promise<unknown> {
  return newDialect()
    .connect({ url: makeUrl(url), connectArgs })
    .catch((caught: unknown) => caught);
}

describe("URLs", () => {
  it("postgresql+pglite:// opens a fresh database in memory, closed with its connection", async () => {
    const connection = await connect("postgresql+pglite://");
    expect(connection.owned).toBe(true);
    expect(connection.driverConnection.dataDir).toBeUndefined();
    await connection.execute("CREATE TABLE t (a int8)", []);
    await connection.execute("INSERT INTO t VALUES ($1)", [1n]);
    expect((await connection.execute("SELECT a FROM t", [])).rows).toEqual([[1n]]);
    await connection.close();
    expect(connection.driverConnection.closed).toBe(true);
  });

  it("a data directory relative to the cwd (///) or absolute (////) persists across reopening", async () => {
    const dataDir = join(tempDir, "db");
    const relativeUrl = `postgresql+pglite:///${relative(process.cwd(), dataDir)}`;
    const absoluteUrl = `postgresql+pglite:///${dataDir}`;
    expect(makeUrl(absoluteUrl).database).toBe(dataDir);

    const first = await connect(relativeUrl);
    expect(first.driverConnection.dataDir).toBe(dataDir);
    await first.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)", []);
    await first.execute("INSERT INTO kept VALUES ($1, $2)", [1, "persisted"]);

    // PGlite takes no lock: a second instance on the same directory is refused while the first is open.
    const refused = await connectError(absoluteUrl);
    expect(refused).toBeInstanceOf(ArgumentError);
    expect(refused instanceof Error && refused.message).toContain("already open in this process");
    await first.close();

    const reopened = await connect(absoluteUrl);
    try {
      expect(firstRow(await reopened.execute("SELECT note FROM kept WHERE id = $1", [1]))).toEqual([
        "persisted",
      ]);
    } finally {
      await reopened.close();
    }
  });

  it("connectArgs.dataDir names the directory just as well (other PGlite options pass through)", async () => {
    const dataDir = join(tempDir, "by-args");
    // loadDataDir fills the new directory from the template instead of running initdb.
    const connection = await connect("postgresql+pglite://", { dataDir, loadDataDir: templateTarball() });
    expect(connection.driverConnection.dataDir).toBe(dataDir);
    expect(firstRow(await connection.execute("SELECT 1", []))).toEqual([1]);
    await connection.close();
  });

  it("a directory PGlite cannot create fails the connect, and does not stay claimed", async () => {
    const url = `postgresql+pglite:///${join(tempDir, "missing", "parent", "db")}`;
    const first = await connectError(url);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(ArgumentError);
    const second = await connectError(url);
    expect(second).not.toBeInstanceOf(ArgumentError);
    expect(second instanceof Error && second.message).toBe(first instanceof Error && first.message);
  });
});

describe("URLs and connectArgs refused", () => {
  it.each([
    ["postgresql+pglite://data/dir", 'a host ("data")'],
    ["postgresql+pglite://user@/dir", "a user name"],
    ["postgresql+pglite://user:secret@/dir", "a password"],
    ["postgresql+pglite://:5432/dir", "a port"],
    ["postgresql+pglite:///dir?relaxedDurability=true", "query options"],
  ])("%s names %s", async (url, part) => {
    expect(() => new PgliteDialect({ url: makeUrl(url) })).toThrow(ArgumentError);
    expect(() => new PgliteDialect({ url: makeUrl(url) })).toThrow(part);
    // connect() checks the URL it is given too.
    const error = await connectError(url);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error instanceof Error && error.message).toContain(part);
    expect(error instanceof Error && error.message).not.toContain("secret");
  });

  it("connectArgs.pglite must be a PGlite instance", async () => {
    for (const pglite of [{ query: () => undefined }, "memory://", null]) {
      const error = await connectError("postgresql+pglite://", { pglite });
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error instanceof Error && error.message).toBe("connectArgs.pglite must be a PGlite instance");
    }
  });

  it("a given instance takes no data directory and no PGlite options", async () => {
    const withPath = await connectError("postgresql+pglite:///some/dir", { pglite });
    expect(withPath).toBeInstanceOf(ArgumentError);
    expect(withPath instanceof Error && withPath.message).toContain("a database path in the URL");
    const withOptions = await connectError("postgresql+pglite://", { pglite, dataDir: "x", debug: 1 });
    expect(withOptions).toBeInstanceOf(ArgumentError);
    expect(withOptions instanceof Error && withOptions.message).toContain("dataDir, debug cannot apply");
    expect(pglite.closed).toBe(false);
  });

  it("the data directory comes from the URL or connectArgs.dataDir, not both, and is a string", async () => {
    const both = await connectError("postgresql+pglite:///a", { dataDir: "b" });
    expect(both).toBeInstanceOf(ArgumentError);
    expect(both instanceof Error && both.message).toContain("not both");
    const notText = await connectError("postgresql+pglite://", { dataDir: 42 });
    expect(notText).toBeInstanceOf(ArgumentError);
    expect(notText instanceof Error && notText.message).toBe("connectArgs.dataDir must be a string");
  });
});
