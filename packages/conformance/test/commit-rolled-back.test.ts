import { AsyncEngine } from "@athanor/asyncio";
import { InternalError, PendingRollbackError, run, text } from "@athanor/core";
import { rejection } from "@athanor/testing";
import { beforeAll, beforeEach, expect, test } from "vitest";
import { forEachDriver } from "../src/drivers.ts";

/**
 * A statement error caught inside a transaction leaves it aborted; PostgreSQL then answers COMMIT
 * with the command tag ROLLBACK and no error. Nothing was written, so a commit that reports success
 * would lie: Athanor raises instead (as pgjdbc does; SQLAlchemy and the raw drivers stay silent).
 */

const rolledBackMessage = "COMMIT was answered with ROLLBACK";

forEachDriver((target) => {
  const table = `commit_outcome_${target.name}`;

  beforeAll(() => target.db.query(`create table ${table} (id integer primary key)`));
  beforeEach(() => target.db.query(`delete from ${table}`));

  async function rowIds(): Promise<number[]> {
    const rows = await target.db.query<{ id: number }>(`select id from ${table} order by id`);
    return rows.map((row) => row.id);
  }

  function expectRolledBackCommit(error: unknown): void {
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ code: "25P02", message: expect.stringContaining(rolledBackMessage) });
  }

  test("engine.begin(body) whose body swallowed a statement error raises at COMMIT; nothing is written", async () => {
    const engine = target.engine();
    const error = await rejection(
      run(
        engine.begin(function* (conn) {
          yield* conn.execute(text(`insert into ${table} values (1)`));
          try {
            yield* conn.execute(text("select 1 / 0"));
          } catch {
            // swallowed: the transaction is aborted on the server all the same
          }
        }),
      ),
    );
    expectRolledBackCommit(error);
    expect(await rowIds()).toEqual([]);
    expect(engine.pool.checkedout()).toBe(0);
  });

  test("conn.commit() after a swallowed error raises, and the transaction waits for rollback()", async () => {
    const engine = target.engine();
    const conn = await run(engine.connect());
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    await rejection(run(conn.execute(text(`insert into ${table} values (1)`))));
    expectRolledBackCommit(await rejection(run(conn.commit())));
    expect(conn.inTransaction()).toBe(true);
    expect(await rejection(run(conn.scalar(text("select 1"))))).toBeInstanceOf(PendingRollbackError);
    await run(conn.rollback());
    await run(conn.execute(text(`insert into ${table} values (2)`)));
    await run(conn.commit());
    await run(conn.close());
    expect(await rowIds()).toEqual([2]);
  });

  test("the asyncio facade's begin(callback) raises the same way", async () => {
    const engine = AsyncEngine.of(target.engine());
    const error = await rejection(
      engine.begin(async (conn) => {
        await conn.execute(text(`insert into ${table} values (1)`));
        await conn.execute(text("select 1 / 0")).catch(() => {});
      }),
    );
    expectRolledBackCommit(error);
    expect(await rowIds()).toEqual([]);
  });

  test("a block whose transaction was lost (its connection invalidated, the error caught) raises instead of succeeding", async () => {
    const engine = target.engine();
    const error = await rejection(
      run(
        engine.begin(function* (conn) {
          yield* conn.execute(text(`insert into ${table} values (1)`));
          yield* conn.invalidate(new Error("as a caught disconnect would"));
        }),
      ),
    );
    expect(error).toBeInstanceOf(PendingRollbackError);
    expect(error).toMatchObject({ message: expect.stringContaining("nothing of it was written") });
    expect(await rowIds()).toEqual([]);

    const asyncEngine = AsyncEngine.of(engine);
    const facadeError = await rejection(
      asyncEngine.begin(async (conn) => {
        await conn.execute(text(`insert into ${table} values (2)`));
        await conn.invalidate(new Error("as a caught disconnect would"));
      }),
    );
    expect(facadeError).toBeInstanceOf(PendingRollbackError);
    expect(await rowIds()).toEqual([]);
    expect(engine.pool.checkedout()).toBe(0);
  });

  test("a transaction that did not fail still commits, and a savepoint rolled back to keeps it healthy", async () => {
    const engine = target.engine();
    await run(
      engine.begin(function* (conn) {
        yield* conn.execute(text(`insert into ${table} values (1)`));
        try {
          yield* conn.beginNested(function* () {
            yield* conn.execute(text("select 1 / 0"));
          });
        } catch {
          // rolled back to the savepoint: the outer transaction is fine
        }
        yield* conn.execute(text(`insert into ${table} values (2)`));
      }),
    );
    expect(await rowIds()).toEqual([1, 2]);
  });
});
