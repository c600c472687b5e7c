import {
  AdaptedConnection,
  DataError,
  DBAPIError,
  type DriverCursor,
  IntegrityError,
  InterfaceError,
  makeUrl,
  op,
  ProgrammingError,
  run,
} from "@athanor/core";
import { forPostgresDatabase, type TestDatabase } from "@athanor/testing";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { PgDialect } from "../src/pg/pg-dialect.ts";

/** Results, executeMany, cursors and server errors of the pg driver, on a real PostgreSQL. */

function onPostgres(name: string, define: (db: TestDatabase) => void): void {
  describe(name, () => forPostgresDatabase(define));
}

async function openConnection(db: TestDatabase): Promise<AdaptedConnection> {
  const url = makeUrl(db.url);
  const dialect = new PgDialect({ url });
  return new AdaptedConnection(dialect, await dialect.connect({ url, connectArgs: {} }));
}

/** Runs `body` between BEGIN and ROLLBACK (core opens cursors and pipelines only in transactions). */
async function inTransaction<T>(conn: AdaptedConnection, body: () => Promise<T>): Promise<T> {
  await run(conn.begin());
  try {
    return await body();
  } finally {
    await run(conn.rollback());
  }
}

onPostgres("pg driver results", (db) => {
  let conn: AdaptedConnection;
  beforeAll(async () => {
    await db.query("create table items (id int primary key, name text not null)");
    conn = await openConnection(db);
  });
  afterAll(async () => {
    await run(conn.close());
  });
  beforeEach(async () => {
    await db.query("delete from items");
  });

  test("rows are arrays in field order; duplicate column names survive", async () => {
    const result = await run(conn.execute("select 1 as a, 'x' as a, 3 as b"));
    expect(result).toEqual({
      rows: [[1, "x", 3]],
      fields: ["a", "a", "b"],
      returnsRows: true,
      rowcount: 1,
      command: "SELECT",
    });
  });

  test("rowcount and returnsRows for select, insert, update, delete, DDL, SHOW", async () => {
    const insert = await run(
      conn.execute("insert into items values ($1, $2), ($3, $4), (3, 'c')", [1, "a", 2, "b"]),
    );
    expect(insert).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: 3, command: "INSERT" });
    const select = await run(conn.execute("select id from items order by id"));
    expect(select).toMatchObject({ rows: [[1], [2], [3]], returnsRows: true, rowcount: 3 });
    const none = await run(conn.execute("select id, name from items where id > $1", [99]));
    expect(none).toEqual({
      rows: [],
      fields: ["id", "name"],
      returnsRows: true,
      rowcount: 0,
      command: "SELECT",
    });
    expect(await run(conn.execute("update items set name = name || '!' where id < 3"))).toMatchObject({
      returnsRows: false,
      rowcount: 2,
    });
    expect(await run(conn.execute("update items set name = 'z' where id = 3 returning id, name"))).toEqual({
      rows: [[3, "z"]],
      fields: ["id", "name"],
      returnsRows: true,
      rowcount: 1,
      command: "UPDATE",
    });
    expect(await run(conn.execute("delete from items where id = 1"))).toMatchObject({ rowcount: 1 });
    expect(await run(conn.execute("delete from items where id = 1"))).toMatchObject({ rowcount: 0 });
    expect(await run(conn.execute("create table ddl_only (x int)"))).toEqual({
      rows: [],
      fields: [],
      returnsRows: false,
      rowcount: undefined,
      command: "CREATE",
    });
    expect(await run(conn.execute("show DateStyle"))).toEqual({
      rows: [["ISO, MDY"]],
      fields: ["DateStyle"],
      returnsRows: true,
      rowcount: undefined,
      command: "SHOW",
    });
  });

  test("several statements without parameters: the last one's result", async () => {
    expect(await run(conn.execute("select 1 as one; select 2 as two, 3 as three"))).toEqual({
      rows: [[2, 3]],
      fields: ["two", "three"],
      returnsRows: true,
      rowcount: 1,
      command: "SELECT",
    });
  });

  test("a server error carries its SQLSTATE in code and is wrapped by class; orig is pg's error", async () => {
    const error = await run(conn.execute("select 1 / $1::int", [0])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      code: "22012",
      message: "division by zero",
      statement: "select 1 / $1::int",
      params: [0],
    });
    expect(error instanceof DBAPIError && error.orig instanceof pg.DatabaseError).toBe(true);
    expect(error).toMatchObject({ orig: { code: "22012", severity: "ERROR" } });
    await expect(run(conn.execute("selec 1"))).rejects.toMatchObject({
      name: "ProgrammingError",
      code: "42601",
    });
    await expect(run(conn.execute("select * from no_such_table"))).rejects.toBeInstanceOf(ProgrammingError);
    // A statement error is no disconnect: the connection goes on.
    expect(conn.invalidated).toBe(false);
    expect((await run(conn.execute("select 2"))).rows).toEqual([[2]]);
  });

  test("a failed statement in a transaction aborts it; ROLLBACK recovers", async () => {
    await run(conn.begin());
    await run(conn.execute("insert into items values (1, 'a')"));
    await expect(run(conn.execute("insert into items values (1, 'again')"))).rejects.toBeInstanceOf(
      IntegrityError,
    );
    await expect(run(conn.execute("select 1"))).rejects.toMatchObject({
      name: "InternalError",
      code: "25P02",
    });
    await run(conn.rollback());
    expect(await db.query("select count(*)::int as n from items")).toEqual([{ n: 0 }]);
  });
});

onPostgres("pg driver executeMany", (db) => {
  let conn: AdaptedConnection;
  beforeAll(async () => {
    await db.query("create table many (id int primary key, name text)");
    conn = await openConnection(db);
  });
  afterAll(async () => {
    await run(conn.close());
  });
  beforeEach(async () => {
    await db.query("delete from many");
  });
  const ids = async () =>
    (await db.query<{ id: number }>("select id from many order by id")).map((row) => row.id);

  test("inside BEGIN: every set runs, rowcount is the sum", async () => {
    await run(conn.begin());
    const sets = Array.from({ length: 500 }, (_, i) => [i, `name ${i}`]);
    expect(await run(conn.executeMany("insert into many values ($1, $2)", sets))).toEqual({ rowcount: 500 });
    expect(
      await run(
        conn.executeMany("update many set name = $1 where id < $2", [
          ["x", 10],
          ["y", 5],
          ["z", -1],
        ]),
      ),
    ).toEqual({
      rowcount: 15,
    });
    await run(conn.commit());
    expect(await ids()).toHaveLength(500);
    expect(await db.query("select name from many where id = 7")).toEqual([{ name: "x" }]);
  });

  test("inside BEGIN: the first error rejects; the transaction is aborted and rolls back", async () => {
    await run(conn.begin());
    const error = await run(
      conn.executeMany("insert into many values ($1, $2)", [
        [1, "a"],
        [2, "b"],
        [1, "duplicate"],
        [3, "c"],
        [2, "duplicate again"],
      ]),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({
      code: "23505",
      orig: { constraint: "many_pkey", detail: "Key (id)=(1) already exists." },
    });
    await run(conn.rollback());
    expect(await ids()).toEqual([]);
    // The client is back out of pipeline mode: a cursor (which pg refuses in pipeline mode) opens.
    await inTransaction(conn, async () => {
      const cursor = await run(conn.openCursor("select 1"));
      expect(await run(conn.fetch(cursor, 5))).toEqual([[1]]);
      await run(conn.closeCursor(cursor));
    });
  });

  test("outside a transaction: sets run one by one and stop at the first error", async () => {
    await expect(
      run(
        conn.executeMany("insert into many values ($1, $2)", [
          [1, "a"],
          [1, "duplicate"],
          [2, "never sent"],
        ]),
      ),
    ).rejects.toMatchObject({ name: "IntegrityError", code: "23505" });
    expect(await ids()).toEqual([1]);
    expect(await run(conn.executeMany("insert into many values ($1, $2)", [[5, "e"]]))).toEqual({
      rowcount: 1,
    });
  });

  test("no parameter sets: rowcount 0; a set that cannot be sent fails before any is sent", async () => {
    expect(await run(conn.executeMany("insert into many values ($1, $2)", []))).toEqual({ rowcount: 0 });
    await run(conn.begin());
    await expect(
      run(
        conn.executeMany("insert into many values ($1, $2::text)", [
          [1, "a"],
          [2, new Date(Number.NaN)],
        ]),
      ),
    ).rejects.toBeInstanceOf(InterfaceError);
    await run(conn.commit());
    expect(await ids()).toEqual([]);
  });

  test("a statement without a command count gives rowcount undefined", async () => {
    await inTransaction(conn, async () => {
      expect(await run(conn.executeMany("set local work_mem = '64kB'", [[], []]))).toEqual({
        rowcount: undefined,
      });
    });
  });
});

onPostgres("pg driver cursors", (db) => {
  let conn: AdaptedConnection;
  beforeAll(async () => {
    conn = await openConnection(db);
  });
  afterAll(async () => {
    await run(conn.close());
  });

  test("fetches over 10k rows in batches; fewer than asked means exhausted", async () => {
    await inTransaction(conn, async () => {
      const cursor = await run(
        conn.openCursor("select n, n::text as label from generate_series(1, $1::int) n", [10_500]),
      );
      expect(cursor.fields).toEqual(["n", "label"]);
      const sizes: number[] = [];
      let next = 1;
      for (;;) {
        const rows = await run(conn.fetch(cursor, 1000));
        sizes.push(rows.length);
        for (const row of rows) {
          expect(row).toEqual([next, String(next)]);
          next++;
        }
        if (rows.length < 1000) break;
      }
      expect(sizes).toEqual([...Array.from({ length: 10 }, () => 1000), 500]);
      expect(await run(conn.fetch(cursor, 1000))).toEqual([]);
      await run(conn.closeCursor(cursor));
      await run(conn.closeCursor(cursor));
    });
  });

  test("batches of one, an exact last batch, an empty result, a statement with no rows", async () => {
    await inTransaction(conn, async () => {
      const cursor = await run(conn.openCursor("select generate_series(1, 3) as n"));
      expect(await run(conn.fetch(cursor, 1))).toEqual([[1]]);
      expect(await run(conn.fetch(cursor, 2))).toEqual([[2], [3]]);
      expect(await run(conn.fetch(cursor, 2))).toEqual([]);
      await run(conn.closeCursor(cursor));

      const empty = await run(conn.openCursor("select 1 as n where false"));
      expect(empty.fields).toEqual(["n"]);
      expect(await run(conn.fetch(empty, 10))).toEqual([]);
      await run(conn.closeCursor(empty));

      await run(conn.execute("create temp table cursor_target (x int) on commit drop"));
      const noRows = await run(conn.openCursor("insert into cursor_target values (1)"));
      expect(noRows.fields).toEqual([]);
      expect(await run(conn.fetch(noRows, 10))).toEqual([]);
      await run(conn.closeCursor(noRows));
      expect((await run(conn.execute("select x from cursor_target"))).rows).toEqual([[1]]);
    });
  });

  test("closing early frees the connection; close is idempotent; fetch after close fails", async () => {
    await inTransaction(conn, async () => {
      const cursor = await run(conn.openCursor("select generate_series(1, 100000)"));
      expect(await run(conn.fetch(cursor, 3))).toEqual([[1], [2], [3]]);
      await Promise.all([run(conn.closeCursor(cursor)), run(conn.closeCursor(cursor))]);
      await run(conn.closeCursor(cursor));
      await expect(run(conn.fetch(cursor, 1))).rejects.toBeInstanceOf(InterfaceError);
      expect((await run(conn.execute("select 'free'"))).rows).toEqual([["free"]]);
    });
  });

  test("while a cursor holds the connection, other statements are refused instead of waiting forever", async () => {
    await inTransaction(conn, async () => {
      const cursor = await run(conn.openCursor("select generate_series(1, 10)"));
      const error = await run(conn.execute("select 1")).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InterfaceError);
      expect(error).toMatchObject({ message: expect.stringContaining("server-side cursor is open") });
      await expect(run(conn.openCursor("select 2"))).rejects.toBeInstanceOf(InterfaceError);
      await expect(run(conn.executeMany("select $1", [[1]]))).rejects.toBeInstanceOf(InterfaceError);
      expect(conn.invalidated).toBe(false);
      // Read to the end, the cursor lets go by itself.
      expect(await run(conn.fetch(cursor, 100))).toHaveLength(10);
      expect((await run(conn.execute("select 3"))).rows).toEqual([[3]]);
      await run(conn.closeCursor(cursor));
    });
  });

  test("errors: at open (bad SQL), and mid-way (a row fails); the transaction rolls back", async () => {
    await run(conn.begin());
    await expect(run(conn.openCursor("select * from no_such_table"))).rejects.toMatchObject({
      name: "ProgrammingError",
      code: "42P01",
    });
    await run(conn.rollback());
    await run(conn.begin());
    const cursor: DriverCursor = await run(
      conn.openCursor("select 1 / (5 - n) from generate_series(1, 10) n"),
    );
    const error = await run(conn.fetch(cursor, 100)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: "22012" });
    await run(conn.closeCursor(cursor));
    await run(conn.rollback());
    expect((await run(conn.execute("select 'after'"))).rows).toEqual([["after"]]);
  });

  test("values in cursor rows are canonical too", async () => {
    await inTransaction(conn, async () => {
      const cursor = await run(
        conn.openCursor("select $1::int8, '2024-01-31'::date, array[1.5]::numeric[], '{\"a\":1}'::jsonb", [
          "7",
        ]),
      );
      expect(await run(conn.fetch(cursor, 5))).toEqual([[7n, "2024-01-31", ["1.5"], { a: 1 }]]);
      await run(conn.closeCursor(cursor));
    });
  });

  test("an op streams a cursor between other statements", async () => {
    const total = await run(
      op(function* () {
        yield* conn.begin();
        const cursor = yield* conn.openCursor("select n from generate_series(1, 2500) n");
        let sum = 0;
        for (;;) {
          const rows = yield* conn.fetch(cursor, 1000);
          for (const [n] of rows) sum += Number(n);
          if (rows.length < 1000) break;
        }
        yield* conn.closeCursor(cursor);
        yield* conn.rollback();
        return sum;
      }),
    );
    expect(total).toBe((2500 * 2501) / 2);
  });
});
