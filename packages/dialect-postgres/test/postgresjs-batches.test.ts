import { type AdaptedConnection, type DriverCursor, IntegrityError, run } from "@athanor/core";
import { rejection } from "@athanor/testing";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { execute, onPostgres, openConnection } from "./postgresjs-support.ts";

/** executeMany (pipelined) and server-side cursors (DECLARE / FETCH) through the postgres.js driver. */

onPostgres("postgres.js executeMany and cursors", (db) => {
  let conn: AdaptedConnection;
  const count = async (table: string): Promise<number> =>
    Number((await db.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);

  beforeAll(async () => {
    await db.query("create table items (id int primary key, label text, flag bool)");
    await db.query("create type shade as enum ('light', 'dark')");
    conn = (await openConnection(db.url)).adapted;
  });
  afterEach(async () => {
    if (conn.inTransaction) await run(conn.rollback());
    await db.query("truncate items");
  });
  afterAll(async () => {
    await run(conn.close());
  });

  test("executeMany inside a transaction sums the rowcounts", async () => {
    await run(conn.begin());
    const inserted = await run(
      conn.executeMany("insert into items values ($1, $2, $3)", [
        [1, "a", true],
        [2, null, null],
        [3, "c", false],
      ]),
    );
    expect(inserted).toEqual({ rowcount: 3 });
    const updated = await run(
      conn.executeMany("update items set label = $1 where id <= $2", [
        ["x", 2],
        ["y", 3],
      ]),
    );
    expect(updated).toEqual({ rowcount: 5 });
    expect(await run(conn.executeMany("delete from items where id = $1", []))).toEqual({ rowcount: 0 });
    await run(conn.commit());
    expect(await db.query("select id, label, flag from items order by id")).toEqual([
      { id: 1, label: "y", flag: true },
      { id: 2, label: "y", flag: null },
      { id: 3, label: "y", flag: false },
    ]);
  });

  test("executeMany rejects with the first error, and the transaction keeps nothing", async () => {
    await run(conn.begin());
    const error = await rejection(
      run(
        conn.executeMany("insert into items (id, label) values ($1, $2)", [
          [1, "a"],
          [2, "b"],
          [1, "duplicate"],
          [3, "c"],
          ["not a number", "d"],
        ]),
      ),
    );
    // Not 25P02 (the aborted transaction's later errors) and not 22P02 (the last set).
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ code: "23505" });
    await run(conn.rollback());
    expect(await count("items")).toBe(0);
    expect((await execute(conn, "select 1")).rows).toEqual([[1]]);
  });

  test("executeMany with a parameter no value matches sends nothing", async () => {
    await run(conn.begin());
    const error = await rejection(
      run(conn.executeMany("insert into items (id) values ($1)", [[1], [2], [() => 3]])),
    );
    expect(error).toMatchObject({ name: "InterfaceError", orig: expect.any(TypeError) });
    // The transaction is intact and holds nothing.
    expect((await execute(conn, "select count(*)::int from items")).rows).toEqual([[0]]);
  });

  test("executeMany of 10,000 rows in one transaction", async () => {
    await run(conn.begin());
    const sets = Array.from({ length: 10_000 }, (_, index) => [index, `label ${index}`, index % 2 === 0]);
    expect(await run(conn.executeMany("insert into items values ($1, $2, $3)", sets))).toEqual({
      rowcount: 10_000,
    });
    await run(conn.commit());
    expect(await count("items")).toBe(10_000);
    expect(await db.query("select label, flag from items where id = 9999")).toEqual([
      { label: "label 9999", flag: false },
    ]);
  });

  test("executeMany of a statement without a count gives no rowcount", async () => {
    await run(conn.begin());
    expect(await run(conn.executeMany("set local work_mem = '64kB'", [[], []]))).toEqual({
      rowcount: undefined,
    });
  });

  /** Every row of a cursor, checking each batch is full until the last one. */
  const drain = async (cursor: DriverCursor, size: number): Promise<unknown[][]> => {
    const rows: unknown[][] = [];
    for (;;) {
      const batch = await run(conn.fetch(cursor, size));
      rows.push(...batch.map((row) => [...row]));
      if (batch.length < size) return rows;
      expect(batch).toHaveLength(size);
    }
  };

  test("a cursor fetches 10,050 rows in batches, with canonical values", async () => {
    await run(conn.begin());
    const cursor = await run(
      conn.openCursor(
        "select i, i::int8 * $1 as big, array[i, null] as pair, $2::shade as shade from generate_series(1, $3) i",
        [1_000_000_000_000n, "dark", 10_050],
      ),
    );
    expect(cursor.fields).toEqual(["i", "big", "pair", "shade"]);
    const sizes: number[] = [];
    const rows: unknown[][] = [];
    for (;;) {
      const batch = await run(conn.fetch(cursor, 1000));
      sizes.push(batch.length);
      rows.push(...batch.map((row) => [...row]));
      if (batch.length < 1000) break;
    }
    expect(sizes).toEqual([...Array.from({ length: 10 }, () => 1000), 50]);
    expect(rows).toHaveLength(10_050);
    expect(rows[0]).toEqual([1, 1_000_000_000_000n, [1, null], "dark"]);
    expect(rows[10_049]).toEqual([10_050, 10_050_000_000_000_000n, [10_050, null], "dark"]);
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 10_050 }, (_, index) => index + 1));
    expect(await run(conn.fetch(cursor, 10))).toEqual([]);
    await run(conn.closeCursor(cursor));
  });

  test("arrays of a type unknown at connect time are read as arrays in cursor batches", async () => {
    await db.query("create type tone as enum ('soft', 'loud')");
    await run(conn.begin());
    const cursor = await run(
      conn.openCursor("select array['soft', null, 'loud']::tone[] from generate_series(1, 3)"),
    );
    expect(await run(conn.fetch(cursor, 2))).toEqual([[["soft", null, "loud"]], [["soft", null, "loud"]]]);
    expect(await run(conn.fetch(cursor, 2))).toEqual([[["soft", null, "loud"]]]);
    await run(conn.closeCursor(cursor));
  });

  test("statements and other cursors run between fetches", async () => {
    await run(conn.begin());
    const first = await run(conn.openCursor("select i from generate_series(1, 5) i"));
    expect(await run(conn.fetch(first, 2))).toEqual([[1], [2]]);
    await execute(conn, "insert into items (id) values ($1)", [7]);
    const second = await run(conn.openCursor("select id from items"));
    expect(await run(conn.fetch(first, 2))).toEqual([[3], [4]]);
    expect(await drain(second, 10)).toEqual([[7]]);
    expect(await drain(first, 10)).toEqual([[5]]);
    await run(conn.closeCursor(second));
    await run(conn.closeCursor(first));
  });

  test("close is idempotent, a closed cursor cannot fetch, and its name is reused", async () => {
    await run(conn.begin());
    const cursor = await run(conn.openCursor("select 1"));
    await run(conn.closeCursor(cursor));
    await run(conn.closeCursor(cursor));
    await expect(cursor.fetch(1)).rejects.toThrow("fetch() on a closed cursor");
    const next = await run(conn.openCursor("select 2"));
    expect(await run(conn.fetch(next, 5))).toEqual([[2]]);
    expect(await run(conn.fetch(next, 0))).toEqual([]);
    await expect(next.fetch(-1)).rejects.toThrow("count must be a non-negative integer");
    await run(conn.closeCursor(next));
  });

  test("closing a cursor whose transaction ended, or whose transaction failed, resolves", async () => {
    await run(conn.begin());
    const ended = await run(conn.openCursor("select 1"));
    await run(conn.commit());
    await run(conn.closeCursor(ended));
    await run(conn.begin());
    const failed = await run(conn.openCursor("select 1"));
    await rejection(execute(conn, "select 1 / 0"));
    await run(conn.closeCursor(failed));
    await run(conn.rollback());
    expect((await execute(conn, "select 1")).rows).toEqual([[1]]);
  });

  test("a cursor whose query fails rejects with the server's error", async () => {
    await run(conn.begin());
    const error = await rejection(run(conn.openCursor("select 1 / $1::int from missing_table", [0])));
    expect(error).toMatchObject({ code: "42P01" });
    await run(conn.rollback());
    await run(conn.begin());
    const cursor = await run(conn.openCursor("select 1 / (i - 2) from generate_series(1, 3) i"));
    expect(await run(conn.fetch(cursor, 1))).toEqual([[-1]]);
    expect(await rejection(run(conn.fetch(cursor, 1)))).toMatchObject({ code: "22012" });
    await run(conn.closeCursor(cursor));
    await run(conn.rollback());
  });

  test("a cursor outside a transaction is refused by the server", async () => {
    expect(await rejection(run(conn.openCursor("select 1")))).toMatchObject({ code: "25P01" });
  });
});
