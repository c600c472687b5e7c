import { AsyncEngine } from "@athanor/asyncio";
import {
  AbortError,
  createEngine,
  type Engine,
  OperationalError,
  op,
  PendingRollbackError,
  run,
  text,
} from "@athanor/core";
import { PgliteDatabaseLostError } from "@athanor/dialect-pglite";
import { forPgliteDatabase, rejection } from "@athanor/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * An in-memory PGlite database lives in its one connection: dropping that connection drops the
 * database. An aborted statement must therefore not drop it: the statement (which runs to its end in
 * WebAssembly) finishes, its transaction is rolled back, and the data stays. Where the connection
 * really is lost, every later checkout fails loudly instead of opening a new, empty database.
 */

describe("pglite, an in-memory database of the engine's own", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = createEngine("postgresql+pglite://");
    await run(
      engine.begin(function* (conn) {
        yield* conn.execute(text("create table kept (id integer primary key)"));
        yield* conn.execute(text("insert into kept values (1), (2), (3)"));
      }),
    );
  });
  afterAll(() => run(engine.dispose()));

  async function keptIds(): Promise<unknown[]> {
    const rows = await run(
      engine.connect(function* (conn) {
        return yield* conn.execute(text("select id from kept order by id"));
      }),
    );
    return rows.scalars().all();
  }

  test("an aborted statement keeps the database; its transaction must be rolled back and writes nothing", async () => {
    const conn = await run(engine.connect());
    await run(conn.execute(text("insert into kept values (10)")));
    const controller = new AbortController();
    const aborted = rejection(
      run(conn.execute(text("insert into kept values (11)")), { signal: controller.signal }),
    );
    controller.abort(new Error("stop"));
    expect(await aborted).toBeInstanceOf(AbortError);
    expect(conn.invalidated).toBe(false);
    expect(await rejection(run(conn.commit()))).toBeInstanceOf(PendingRollbackError);
    expect(await rejection(run(conn.scalar(text("select 1"))))).toBeInstanceOf(PendingRollbackError);
    await run(conn.rollback());
    expect(await run(conn.scalar(text("select count(*)::integer from kept")))).toBe(3);
    await run(conn.close());
    expect(await keptIds()).toEqual([1, 2, 3]);
  });

  test("an abort during a run of many statements takes effect between two of them; none is kept", async () => {
    const controller = new AbortController();
    const many = op(function* insertMany() {
      const conn = yield* engine.connect();
      try {
        for (let id = 100; id < 400; id++) yield* conn.execute(text(`insert into kept values (${id})`));
        yield* conn.commit();
      } finally {
        yield* conn.close();
      }
    });
    const aborted = rejection(run(many, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("stop")), 0);
    expect(await aborted).toBeInstanceOf(AbortError);
    expect(await keptIds()).toEqual([1, 2, 3]);
    expect(engine.pool.checkedout()).toBe(0);
  });

  test("a streamed read aborted mid-fetch keeps the database; the stream closes and the connection goes on", async () => {
    const conn = await run(engine.connect());
    const stream = (await run(conn.stream(text("select g from generate_series(1, 5000) as g")))).yieldPer(
      100,
    );
    expect(await run(stream.scalars().fetchmany(100))).toHaveLength(100);
    const controller = new AbortController();
    const aborted = rejection(run(stream.scalars().fetchmany(100), { signal: controller.signal }));
    controller.abort(new Error("stop"));
    expect(await aborted).toBeInstanceOf(AbortError);
    await run(stream.close());
    await run(conn.rollback());
    expect(await run(conn.scalar(text("select count(*)::integer from kept")))).toBe(3);
    await run(conn.close());
    expect(engine.pool.checkedout()).toBe(0);
  });

  test("through the asyncio facade: an aborted execute keeps the database", async () => {
    const asyncEngine = AsyncEngine.of(engine);
    const conn = await asyncEngine.connect();
    const controller = new AbortController();
    const aborted = rejection(
      conn.execute(text("insert into kept values (12)"), undefined, { signal: controller.signal }),
    );
    controller.abort(new Error("stop"));
    expect(await aborted).toBeInstanceOf(AbortError);
    await conn.rollback();
    expect(await conn.scalar(text("select count(*)::integer from kept"))).toBe(3);
    await conn.close();
  });
});

describe("pglite, an interrupted connection returned to a disposed engine", () => {
  test("it is closed once the aborted statement ends, and the engine lets go of it", async () => {
    const engine = createEngine("postgresql+pglite://");
    const conn = await run(engine.connect());
    await run(conn.execute(text("select 1")));
    const controller = new AbortController();
    const aborted = rejection(run(conn.execute(text("select 2")), { signal: controller.signal }));
    controller.abort(new Error("stop"));
    expect(await aborted).toBeInstanceOf(AbortError);
    const pool = engine.pool;
    await run(engine.dispose());
    // Returned to the retired pool: closed (after the aborted statement), not reset and kept.
    await run(conn.close());
    expect(pool.checkedout()).toBe(0);
    await run(engine.dispose());
  });
});

describe("pglite, an in-memory database whose connection is lost", () => {
  test("every later checkout fails loudly; no empty database is swapped in", async () => {
    const engine = createEngine("postgresql+pglite://");
    try {
      const conn = await run(engine.connect());
      await run(conn.execute(text("create table soon_gone (id integer)")));
      await run(conn.commit());
      await run(conn.invalidate(new Error("dropped on purpose")));
      await run(conn.rollback());
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await rejection(run(conn.scalar(text("select count(*) from soon_gone"))));
        expect(error).toBeInstanceOf(OperationalError);
        expect(error).toMatchObject({
          orig: expect.any(PgliteDatabaseLostError),
          message: expect.stringContaining("in-memory PGlite database"),
        });
      }
      await run(conn.close());
      const fresh = await rejection(run(engine.connect()));
      expect(fresh).toMatchObject({ orig: expect.any(PgliteDatabaseLostError) });
    } finally {
      await run(engine.dispose());
    }
  });
});

forPgliteDatabase((db) => {
  test("a connection invalidated on a given instance leaves no open transaction in its shared session", async () => {
    await db.query("create table shared_session (id integer primary key)");
    const engine = createEngine("postgresql+pglite://", { connectArgs: { pglite: db.pglite } });
    try {
      const conn = await run(engine.connect());
      await run(conn.execute(text("insert into shared_session values (1)")));
      await run(conn.invalidate(new Error("dropped on purpose")));
      await run(conn.rollback());
      // The next connection on the instance starts clean: its COMMIT writes its own row only.
      await run(conn.execute(text("insert into shared_session values (2)")));
      await run(conn.commit());
      await run(conn.close());
      expect(db.pglite.isInTransaction()).toBe(false);
      expect(await db.query("select id from shared_session order by id")).toEqual([{ id: 2 }]);
    } finally {
      await run(engine.dispose());
    }
  });
});
