import {
  AbortError,
  type Connection,
  type Engine,
  InvalidRequestError,
  PendingRollbackError,
  run,
  TimeoutError,
  text,
} from "@athanor/core";
import { rejection, thrown } from "@athanor/testing";
import { expect, test } from "vitest";
import { forEachDriver } from "../src/drivers.ts";

/**
 * A Connection whose DBAPI connection was invalidated reconnects on its next statement: it gives its
 * pool slot back and checks out another. When that checkout fails (the pool is exhausted and times
 * out, or the wait is aborted) the slot it gave back may already serve another task. The Connection
 * must then hold nothing: stay invalidated, say so, and never run a statement, a rollback or a commit
 * on the DBAPI connection the other task now holds.
 */

forEachDriver((target) => {
  const table = `reconnect_rows_${target.name}`;

  async function rowIds(): Promise<number[]> {
    const rows = await target.db.query<{ id: number }>(`select id from ${table} order by id`);
    return rows.map((row) => row.id);
  }

  /** An invalidated, rolled-back conn1 and a task 2 queued behind it for the pool's only slot. */
  async function invalidatedWithWaiter(
    engine: Engine,
  ): Promise<{ conn1: Connection; task2: Promise<Connection> }> {
    await target.db.query(`create table if not exists ${table} (id integer primary key)`);
    await target.db.query(`delete from ${table}`);
    const conn1 = await run(engine.connect());
    expect(await run(conn1.scalar(text("select 1")))).toBe(1);
    await run(conn1.invalidate());
    await run(conn1.rollback());
    const task2 = run(engine.connect());
    return { conn1, task2 };
  }

  /**
   * Task 2 works in a transaction of its own while conn1 keeps failing to reconnect: conn1's statements
   * never see task 2's temp table, conn1's rollback leaves task 2's transaction alone, and task 2's
   * commit keeps both its rows.
   */
  async function expectTask2Untouched(conn1: Connection, conn2: Connection, engine: Engine): Promise<void> {
    await run(conn2.execute(text("create temp table task2_only (n integer) on commit drop")));
    await run(conn2.execute(text(`insert into ${table} values (1)`)));

    expect(conn1.invalidated).toBe(true);
    const again = await rejection(run(conn1.scalar(text("select count(*) from task2_only"))));
    expect(again).toBeInstanceOf(TimeoutError);
    expect(conn1.invalidated).toBe(true);
    const raw = thrown(() => conn1.getRawConnection());
    expect(raw).toBeInstanceOf(InvalidRequestError);
    expect(raw).toMatchObject({ message: expect.stringContaining("invalidated") });
    await run(conn1.rollback());
    await run(conn1.commit());

    await run(conn2.execute(text(`insert into ${table} values (2)`)));
    await run(conn2.commit());
    expect(await rowIds()).toEqual([1, 2]);
    await run(conn2.close());

    // With the slot free again, conn1's next statement reconnects and works.
    expect(await run(conn1.scalar(text("select 7")))).toBe(7);
    expect(conn1.invalidated).toBe(false);
    await run(conn1.close());
    expect(engine.pool.checkedout()).toBe(0);
  }

  test("a reconnect that times out leaves the connection invalidated and off the other task's connection", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.3 });
    const { conn1, task2 } = await invalidatedWithWaiter(engine);
    const failed = await rejection(run(conn1.scalar(text("select pg_backend_pid()"))));
    expect(failed).toBeInstanceOf(TimeoutError);
    const conn2 = await task2;
    await expectTask2Untouched(conn1, conn2, engine);
  });

  test("a reconnect whose pool wait is aborted leaves the connection invalidated and off the other task's connection", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.3 });
    const { conn1, task2 } = await invalidatedWithWaiter(engine);
    const controller = new AbortController();
    const reconnecting = rejection(
      run(conn1.scalar(text("select pg_backend_pid()")), { signal: controller.signal }),
    );
    const conn2 = await task2;
    controller.abort(new Error("gave up waiting"));
    expect(await reconnecting).toBeInstanceOf(AbortError);
    await expectTask2Untouched(conn1, conn2, engine);
  });

  test("a failed reconnect refuses getRawConnection with the reason, and close() still returns nothing twice", async () => {
    const engine = target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.3 });
    const { conn1, task2 } = await invalidatedWithWaiter(engine);
    expect(await rejection(run(conn1.scalar(text("select 1"))))).toBeInstanceOf(TimeoutError);
    const conn2 = await task2;
    await run(conn1.close());
    expect(conn1.closed).toBe(true);
    // conn1's close gave nothing back: task 2 still holds the only connection.
    expect(engine.pool.checkedout()).toBe(1);
    expect(await run(conn2.scalar(text("select 3")))).toBe(3);
    await run(conn2.close());
    expect(engine.pool.checkedout()).toBe(0);
  });
});

forEachDriver((target) => {
  const table = `txn_state_rows_${target.name}`;

  test("a COMMIT that fails keeps the transaction: the next statement raises PendingRollbackError until rollback()", async () => {
    await target.db.query(
      `create table if not exists ${table} (id integer primary key deferrable initially deferred)`,
    );
    await target.db.query(`delete from ${table}`);
    await target.db.query(`insert into ${table} values (1)`);
    const engine = target.engine();
    const conn = await run(engine.connect());
    // The duplicate key is found at COMMIT (deferred constraint): the server rolls back.
    await run(conn.execute(text(`insert into ${table} values (1)`)));
    const failed = await rejection(run(conn.commit()));
    expect(failed).toMatchObject({ code: "23505" });
    expect(conn.inTransaction()).toBe(true);
    expect(conn.getTransaction()?.isActive).toBe(false);
    const refused = await rejection(run(conn.execute(text(`insert into ${table} values (5)`))));
    expect(refused).toBeInstanceOf(PendingRollbackError);
    const commitAgain = await rejection(run(conn.commit()));
    expect(commitAgain).toBeInstanceOf(PendingRollbackError);
    await run(conn.rollback());
    expect(conn.inTransaction()).toBe(false);
    await run(conn.execute(text(`insert into ${table} values (6)`)));
    await run(conn.commit());
    await run(conn.close());
    const rows = await target.db.query<{ id: number }>(`select id from ${table} order by id`);
    expect(rows.map((row) => row.id)).toEqual([1, 6]);
  });
});
