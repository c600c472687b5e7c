import { DBAPIError, IntegrityError, ProgrammingError, run } from "@athanor/core";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Adapted, adaptGiven, firstRow, openTemplateCopy } from "./helpers.ts";

let pglite: PGlite;
let db: Adapted;

beforeAll(async () => {
  pglite = await openTemplateCopy();
  db = await adaptGiven(pglite);
});

afterAll(async () => {
  await pglite.close();
});

beforeEach(async () => {
  await db.execute("DROP TABLE IF EXISTS items");
  await db.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
});

async function count(): Promise<unknown> {
  return firstRow(await db.execute("SELECT count(*)::int4 FROM items"))[0];
}

describe("results", () => {
  it("duplicate column names keep both columns, in order", async () => {
    const result = await db.execute("SELECT 1 AS a, 2 AS a, 'x' AS b");
    expect(result.fields).toEqual(["a", "a", "b"]);
    expect(result.rows).toEqual([[1, 2, "x"]]);
  });

  it("rowcount and returnsRows for each kind of statement", async () => {
    const insert = await db.execute("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    expect(insert).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: 3, command: "INSERT" });

    const select = await db.execute("SELECT id FROM items ORDER BY id");
    expect(select).toEqual({
      rows: [[1], [2], [3]],
      fields: ["id"],
      returnsRows: true,
      rowcount: 3,
      command: "SELECT",
    });

    const none = await db.execute("SELECT id FROM items WHERE id > 10");
    expect(none).toEqual({ rows: [], fields: ["id"], returnsRows: true, rowcount: 0, command: "SELECT" });

    const update = await db.execute("UPDATE items SET name = name || '!' WHERE id >= $1", [2]);
    expect(update).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: 2, command: "UPDATE" });

    const returning = await db.execute("UPDATE items SET name = 'z' WHERE id = 1 RETURNING id, name");
    expect(returning).toEqual({
      rows: [[1, "z"]],
      fields: ["id", "name"],
      returnsRows: true,
      rowcount: 1,
      command: "UPDATE",
    });

    const deleted = await db.execute("DELETE FROM items WHERE id IN (1, 2)");
    expect(deleted).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: 2, command: "DELETE" });

    const deleteNone = await db.execute("DELETE FROM items WHERE id = 99");
    expect(deleteNone.rowcount).toBe(0);

    const ddl = await db.execute("CREATE INDEX items_name ON items (name)");
    expect(ddl).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: undefined, command: "CREATE" });

    const show = await db.execute("SHOW DateStyle");
    expect(show).toEqual({
      rows: [["ISO, MDY"]],
      fields: ["DateStyle"],
      returnsRows: true,
      rowcount: undefined,
      command: "SHOW",
    });

    const empty = await db.execute("");
    expect(empty).toEqual({ rows: [], fields: [], returnsRows: false, rowcount: undefined });
  });

  it("a SELECT of no columns still returns its rows", async () => {
    await db.execute("INSERT INTO items VALUES (1, 'a'), (2, 'b')");
    const result = await db.execute("SELECT FROM items");
    expect(result).toEqual({ rows: [[], []], fields: [], returnsRows: true, rowcount: 2, command: "SELECT" });
  });

  it("transaction statements core sends go through execute", async () => {
    const { adapted } = db;
    await run(adapted.begin());
    expect(pglite.isInTransaction()).toBe(true);
    await db.execute("INSERT INTO items VALUES (1, 'a')");
    await run(adapted.savepoint("sp 1"));
    await db.execute("INSERT INTO items VALUES (2, 'b')");
    await run(adapted.rollbackToSavepoint("sp 1"));
    await run(adapted.commit());
    expect(pglite.isInTransaction()).toBe(false);
    expect(await count()).toBe(1);
  });
});

describe("executeMany", () => {
  it("runs every set and sums the rows affected", async () => {
    const { adapted } = db;
    const result = await run(
      adapted.executeMany("INSERT INTO items VALUES ($1, $2)", [
        [1, "a"],
        [2, "b"],
        [3, "c"],
      ]),
    );
    expect(result).toEqual({ rowcount: 3 });
    const updated = await run(
      adapted.executeMany("UPDATE items SET name = $2 WHERE id >= $1", [
        [2, "x"],
        [3, "y"],
        [9, "none"],
      ]),
    );
    expect(updated).toEqual({ rowcount: 3 });
    expect((await db.execute("SELECT id, name FROM items ORDER BY id")).rows).toEqual([
      [1, "a"],
      [2, "x"],
      [3, "y"],
    ]);
  });

  it("no sets: nothing runs, rowcount 0", async () => {
    expect(await run(db.adapted.executeMany("INSERT INTO items VALUES ($1, $2)", []))).toEqual({
      rowcount: 0,
    });
  });

  it("statements without a count give none", async () => {
    const result = await run(
      db.adapted.executeMany("SELECT set_config('athanor.x', $1, false)", [["a"], ["b"]]),
    );
    // SELECT reports the rows it returned.
    expect(result).toEqual({ rowcount: 2 });
    const ddl = await run(
      db.adapted.executeMany("CREATE TEMP TABLE IF NOT EXISTS scratch (a int)", [[], []]),
    );
    expect(ddl).toEqual({ rowcount: undefined });
  });

  it("stops at the first error and rejects with it", async () => {
    const error = await run(
      db.adapted.executeMany("INSERT INTO items VALUES ($1, $2)", [
        [1, "a"],
        [1, "duplicate"],
        [2, "never sent"],
      ]),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error instanceof DBAPIError && error.code).toBe("23505");
    // Outside a transaction the first set committed; the third never ran.
    expect((await db.execute("SELECT id, name FROM items")).rows).toEqual([[1, "a"]]);
  });
});

describe("errors", () => {
  it("server errors carry their SQLSTATE, on PGlite's own error object", async () => {
    const cases: [string, string][] = [
      ["SELECT 1/0", "22012"],
      ["SELEC 1", "42601"],
      ["SELECT * FROM no_such_table", "42P01"],
      ["INSERT INTO items VALUES (1, NULL)", "23502"],
      ["SELECT 1; SELECT 2", "42601"],
    ];
    for (const [sql, code] of cases) {
      const error = await db.execute(sql).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DBAPIError);
      if (!(error instanceof DBAPIError)) continue;
      expect(error.code).toBe(code);
      expect(error.orig).toBeInstanceOf(Error);
      expect(error.orig).toHaveProperty("code", code);
      expect(error.statement).toBe(sql);
      expect(error.connectionInvalidated).toBe(false);
    }
    // Not disconnects: the connection goes on.
    expect(db.adapted.invalidated).toBe(false);
    expect(firstRow(await db.execute("SELECT 1"))).toEqual([1]);
  });

  it("an error in a transaction aborts it until ROLLBACK", async () => {
    await run(db.adapted.begin());
    await db.execute("SELECT 1/0").catch(() => {});
    const error = await db.execute("SELECT 1").catch((caught: unknown) => caught);
    expect(error instanceof DBAPIError && error.code).toBe("25P02");
    await run(db.adapted.rollback());
    expect(firstRow(await db.execute("SELECT 1"))).toEqual([1]);
  });

  it("a syntax error is a ProgrammingError", async () => {
    await expect(db.execute("SELEC 1")).rejects.toBeInstanceOf(ProgrammingError);
  });
});
