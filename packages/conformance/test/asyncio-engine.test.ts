import {
  AsyncConnection,
  AsyncEngine,
  AsyncTransaction,
  asyncEngineFromConfig,
  createAsyncEngine,
} from "@athanor/asyncio";
import {
  type Connection,
  column,
  type DriverConnection,
  event,
  Integer,
  InvalidRequestError,
  insert,
  MetaData,
  PendingRollbackError,
  PostgresDriverDialect,
  QueuePool,
  registerDialect,
  String,
  select,
  Table,
  text,
} from "@athanor/core";
import { beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { forEachDriver, forEachServerDriver } from "../src/drivers.ts";

const metadata = new MetaData();
const notes = new Table("async_notes", metadata, {
  id: column(Integer, { primaryKey: true }),
  body: column(String(40), { nullable: false }),
});

/** A driver that would block: the facade must refuse it (it is never asked to connect). */
class BlockingDialect extends PostgresDriverDialect {
  readonly driver = "blocking";
  override readonly isAsync = false;
  readonly capabilities = {
    serverSideCursors: false,
    returning: true,
    executemany: "values",
    maxParameters: 65535,
  } as const;
  connect(): Promise<DriverConnection> {
    return Promise.reject(new Error("a blocking driver is never connected in this test"));
  }
  protected isDriverDisconnect(): boolean {
    return false;
  }
}

class BlockingOnlyPool extends QueuePool {
  static readonly asyncCapable = false;
}

describe("createAsyncEngine", () => {
  test("refuses a dialect whose driver is not async, and a pool class that cannot serve async use", () => {
    registerDialect("postgresql+blocking", (options) => new BlockingDialect(options));
    expect(() => createAsyncEngine("postgresql+blocking://h/db")).toThrow(
      "The asyncio extension requires an async driver to be used. The loaded 'postgresql+blocking' is not async.",
    );
    expect(() => createAsyncEngine("postgresql+pg://h/db", { poolclass: BlockingOnlyPool })).toThrow(
      "Pool class BlockingOnlyPool cannot be used with asyncio engine",
    );
  });

  test("makes one proxy per sync engine, with the engine's members", () => {
    const engine = createAsyncEngine("postgresql+postgresjs://scott:tiger@localhost/test", { echo: true });
    expect(AsyncEngine.of(engine.syncEngine)).toBe(engine);
    expect(engine.equals(AsyncEngine.of(engine.syncEngine))).toBe(true);
    expect(engine.equals(createAsyncEngine("postgresql+postgresjs://scott:tiger@localhost/test"))).toBe(
      false,
    );
    expect(`${engine.url}`).toBe("postgresql+postgresjs://scott:***@localhost/test");
    expect([engine.name, engine.driver, engine.echo]).toEqual(["postgresql", "postgresjs", true]);
    expect(engine.dialect).toBe(engine.syncEngine.dialect);
    expect(engine.pool).toBe(engine.syncEngine.pool);
    const child = engine.executionOptions({ isolationLevel: "SERIALIZABLE" });
    expect(child).not.toBe(engine);
    expect(child.getExecutionOptions()).toEqual({ isolationLevel: "SERIALIZABLE" });
    expect(engine.getExecutionOptions()).toEqual({});
  });

  test("updateExecutionOptions changes the engine in place; clearCompiledCache empties the dialect's cache", () => {
    const engine = createAsyncEngine("postgresql+pg://h/db");
    engine.updateExecutionOptions({ loggingToken: "updated" });
    expect(engine.getExecutionOptions()).toEqual({ loggingToken: "updated" });
    select(notes.c.id).compile(engine.dialect);
    expect(engine.dialect.compiledCache.size).toBe(1);
    engine.clearCompiledCache();
    expect(engine.dialect.compiledCache.size).toBe(0);
    expect(`${engine}`).toBe("AsyncEngine(postgresql+pg://h/db)");
  });

  test("asyncEngineFromConfig coerces strings", () => {
    const engine = asyncEngineFromConfig({
      "athanor.url": "postgresql+pg://h/db",
      "athanor.echo": "true",
      "athanor.pool_size": "3",
    });
    expect(engine.echo).toBe(true);
    expect(engine.driver).toBe("pg");
  });

  test("listening on the async proxies is refused with a pointer to the sync targets", () => {
    const engine = createAsyncEngine("postgresql+pg://h/db");
    const message =
      "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncEngine.syncEngine or AsyncConnection.syncConnection attributes.";
    // @ts-expect-error: an AsyncEngine has no events; the call is refused at run time too
    expect(() => event.listen(engine, "connect", () => {})).toThrow(message);
    // @ts-expect-error: likewise an AsyncConnection
    expect(() => event.listen(new AsyncConnection(engine), "beforeExecute", () => {})).toThrow(message);
  });

  test("unstarted connections and transactions say so", async () => {
    const engine = createAsyncEngine("postgresql+pg://h/db");
    const conn = new AsyncConnection(engine);
    expect(() => conn.syncConnection).toThrow(
      "AsyncConnection context has not been started and object has not been awaited.",
    );
    await expect(conn.execute(text("select 1"))).rejects.toThrow(InvalidRequestError);
    expect(() => new AsyncTransaction(conn).syncTransaction).toThrow(
      "AsyncTransaction context has not been started and object has not been awaited.",
    );
    expect(() => conn.connection).toThrow(
      "AsyncConnection.connection accessor is not implemented as the attribute may need to reconnect on an invalidated connection.  Use the getRawConnection() method.",
    );
  });
});

forEachDriver((target) => {
  const asyncEngine = () => AsyncEngine.of(target.engine());
  const count = async (engine: AsyncEngine): Promise<number> =>
    engine.connect(async (conn) => Number(await conn.scalar(text("select count(*) from async_notes"))));

  beforeAll(async () => {
    await asyncEngine().begin(async (conn) => {
      await conn.runSync(metadata.dropAll);
      await conn.runSync(metadata.createAll);
    });
  });

  test("begin(callback) commits and returns the value; a throwing callback rolls back", async () => {
    const engine = asyncEngine();
    const before = await count(engine);
    const id = await engine.begin(async (conn) => {
      const result = await conn.execute(insert(notes).values({ body: "kept" }));
      return result.insertedPrimaryKey[0];
    });
    expect(typeof id).toBe("number");
    await expect(
      engine.begin(async (conn) => {
        await conn.execute(insert(notes).values({ body: "lost" }));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await count(engine)).toBe(before + 1);
  });

  test("connection members: engine, dialect, raw connection, info, invalidate, closed", async () => {
    const engine = asyncEngine();
    const conn = await engine.connect();
    expect(conn.engine).toBe(engine);
    expect(conn.syncEngine).toBe(engine.syncEngine);
    expect(conn.dialect).toBe(engine.dialect);
    const raw = await conn.getRawConnection();
    expect(raw).toBe(conn.syncConnection.getRawConnection());
    expect(raw.driverConnection).toBe(raw.dbapiConnection.driverConnection);
    conn.info.tag = "mine";
    expect(conn.syncConnection.info.tag).toBe("mine");
    expect(conn.invalidated).toBe(false);
    await conn.invalidate();
    expect(conn.invalidated).toBe(true);
    expect(await conn.scalar(text("select 1"))).toBe(1);
    await conn.close();
    expect(conn.closed).toBe(true);
    const pooled = await engine.rawConnection();
    expect(pooled.isValid).toBe(true);
  });

  test("dispose({ close: false }) starts a new pool and leaves the old connections alone", async () => {
    const engine = asyncEngine();
    const before = engine.pool;
    await using conn = await engine.connect();
    await engine.dispose({ close: false });
    expect(engine.pool).not.toBe(before);
    expect(await conn.scalar(text("select 4"))).toBe(4);
  });

  test("inside begin(callback), a statement after the transaction ended raises SQLAlchemy's error", async () => {
    const engine = asyncEngine();
    await expect(
      engine.begin(async (conn) => {
        await conn.commit();
        await conn.execute(text("select 1"));
      }),
    ).rejects.toThrow(
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
    );
    // Outside the block the connection autobegins again as usual.
    await using conn = await engine.connect();
    await conn.begin(async (trans) => {
      await trans.commit();
    });
    expect(await conn.scalar(text("select 6"))).toBe(6);
  });

  test("await using closes the connection and rolls back what was not committed", async () => {
    const engine = asyncEngine();
    const before = await count(engine);
    let kept: AsyncConnection;
    {
      await using conn = await engine.connect();
      kept = conn;
      await conn.execute(insert(notes).values({ body: "uncommitted" }));
      expect(conn.inTransaction()).toBe(true);
    }
    expect(kept.closed).toBe(true);
    expect(await count(engine)).toBe(before);
  });

  test("transactions: proxies are identity-stable, savepoints, commit and rollback", async () => {
    const engine = asyncEngine();
    const before = await count(engine);
    await using conn = await engine.connect();
    const trans = await conn.begin();
    expect(conn.getTransaction()).toBe(trans);
    expect(trans.syncTransaction).toBe(conn.syncConnection.getTransaction());
    expect(AsyncConnection.of(engine, conn.syncConnection)).toBe(conn);
    await conn.execute(insert(notes).values({ body: "outer" }));
    const nested = await conn.beginNested();
    expect(conn.getNestedTransaction()).toBe(nested);
    expect(conn.inNestedTransaction()).toBe(true);
    await conn.execute(insert(notes).values({ body: "inner" }));
    await nested.rollback();
    await trans.commit();
    expect(conn.inTransaction()).toBe(false);
    // Counted on this connection: PGlite's pool has only the one.
    expect(Number(await conn.scalar(text("select count(*) from async_notes")))).toBe(before + 1);
  });

  test("execute is buffered and typed; scalar and scalars; streamResults points to stream()", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    const result = await conn.execute(select(notes.c.id, notes.c.body).where(notes.c.body.eq("kept")));
    const rows = result.all();
    expectTypeOf(rows[0]!.body).toEqualTypeOf<string>();
    expect(rows.map((row) => row.body)).toEqual(["kept"]);
    expect(await conn.scalar(select(notes.c.body).where(notes.c.body.eq("kept")))).toBe("kept");
    expect((await conn.scalars(select(notes.c.body).where(notes.c.body.eq("kept")))).all()).toEqual(["kept"]);
    await expect(
      conn.execute(text("select 1"), undefined, { executionOptions: { streamResults: true } }),
    ).rejects.toThrow(
      "Can't use the AsyncConnection.execute() method with a server-side cursor. Use the AsyncConnection.stream() method for an async streaming result set.",
    );
    expect(conn.executionOptions({ loggingToken: "t" })).toBe(conn);
  });

  test("execute refuses a connection set to stream (yieldPer) unless the call turns it off", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    conn.executionOptions({ yieldPer: 10 });
    await expect(conn.execute(text("select 1"))).rejects.toThrow(
      "Use the AsyncConnection.stream() method for an async streaming result set.",
    );
    conn.executionOptions({ yieldPer: undefined, streamResults: true });
    const own = { executionOptions: { streamResults: false } };
    expect((await conn.execute(text("select 1 as one"), undefined, own)).scalar()).toBe(1);
  });

  test("listeners on the sync targets fire exactly once per operation", async () => {
    const engine = asyncEngine();
    const seen: string[] = [];
    event.listen(engine.syncEngine, "connect", () => {
      seen.push("connect");
    });
    event.listen(engine.syncEngine, "beforeExecute", () => {
      seen.push("beforeExecute");
    });
    await using conn = await engine.connect();
    event.listen(conn.syncConnection, "commit", () => {
      seen.push("commit");
    });
    await conn.execute(text("select 1"));
    await conn.commit();
    expect(seen).toEqual(["connect", "beforeExecute", "commit"]);
  });

  test("starting twice, and runSync without a function, are refused", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    await expect(conn.start()).rejects.toThrow("this AsyncConnection has already been started");
    const trans = await conn.begin();
    await expect(trans.start()).rejects.toThrow("this AsyncTransaction has already been started");
    // @ts-expect-error: runSync takes a function
    await expect(conn.runSync("select 1")).rejects.toThrow("runSync() takes a function, got string");
    await trans.rollback();
  });

  test("stream and streamScalars read a server-side cursor through the facade", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    const result = (await conn.stream(text("select g from generate_series(1, 250) g"))).yieldPer(100);
    const sizes: number[] = [];
    for await (const part of result.partitions(100)) sizes.push(part.length);
    expect(sizes).toEqual([100, 100, 50]);
    const bodies = await conn.streamScalars(select(notes.c.body).where(notes.c.body.eq("kept")));
    expect(await bodies.all()).toEqual(["kept"]);
    const typed = await conn.stream(select(notes.c.id, notes.c.body));
    for await (const row of typed) {
      expectTypeOf(row.body).toEqualTypeOf<string>();
      expect(row.body).toBe("kept");
      break; // leaving early closes the cursor
    }
    expect(await conn.scalar(text("select 5"))).toBe(5);
  });

  test("runSync drives a generator function, an op-returning function and a plain one on this connection", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    const sum = await conn.runSync(
      function* (sync: Connection, a: number, b: number) {
        const value = yield* sync.scalar(text("select :a::int + :b::int"), { a, b });
        return value as number;
      },
      2,
      3,
    );
    expect(sum).toBe(5);
    const plain = await conn.runSync((sync) => sync.inTransaction());
    expect(plain).toBe(true);
    const array = await conn.runSync(() => [1, 2]);
    expect(array).toEqual([1, 2]);
  });

  test("concurrent calls on one connection run one after another, in order", async () => {
    const engine = asyncEngine();
    await using conn = await engine.connect();
    const order: number[] = [];
    await Promise.all(
      [3, 1, 2].map(async (n) => {
        await conn.execute(text("select pg_sleep(:s)"), { s: n / 100 });
        order.push(n);
      }),
    );
    expect(order).toEqual([3, 1, 2]);
  });
});

// PGlite runs queries as WebAssembly on the main thread: nothing can interrupt one mid-flight.
forEachServerDriver((target) => {
  const asyncEngine = () => AsyncEngine.of(target.engine());
  test("a call aborted mid-query invalidates that connection, not the pool; the next checkout works", async () => {
    const engine = asyncEngine();
    const conn = await engine.connect();
    const controller = new AbortController();
    const slow = conn.execute(text("select pg_sleep(5)"), undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("too slow")), 100);
    await expect(slow).rejects.toMatchObject({ name: "AbortError" });
    expect(conn.invalidated).toBe(true);
    await expect(conn.execute(text("select 1"))).rejects.toBeInstanceOf(PendingRollbackError);
    await conn.rollback();
    expect(await conn.scalar(text("select 2"))).toBe(2);
    await conn.close();
    expect(await engine.connect(async (other) => other.scalar(text("select 3")))).toBe(3);
  });
});
