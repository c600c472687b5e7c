import { DBAPIError, type DriverCursor, run } from "@athanor/core";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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

afterEach(async () => {
  if (db.adapted.inTransaction) await run(db.adapted.rollback());
});

function open(sql: string, params: readonly unknown[] = []): Promise<DriverCursor> {
  return run(db.adapted.openCursor(sql, params));
}

function fetch(cursor: DriverCursor, count: number) {
  return run(db.adapted.fetch(cursor, count));
}

/** Cursors open in the session (the unnamed portal is the query asking). */
function openCursorNames(): Promise<unknown[]> {
  return db
    .execute("SELECT name FROM pg_catalog.pg_cursors WHERE name <> ''")
    .then((result) => result.rows.map((row) => row[0]));
}

describe("server-side cursors", () => {
  it("fetches 10k rows in batches, with parameters", async () => {
    await run(db.adapted.begin());
    const cursor = await open(
      "SELECT g, $1::text AS label, g::int8 * $2 AS big FROM generate_series(1, $3::int) g",
      ["row", 1000n, 10_000],
    );
    expect(cursor.fields).toEqual(["g", "label", "big"]);
    const sizes: number[] = [];
    let expected = 1;
    for (;;) {
      const batch = await fetch(cursor, 1500);
      sizes.push(batch.length);
      for (const row of batch) {
        expect(row).toEqual([expected, "row", BigInt(expected) * 1000n]);
        expected++;
      }
      if (batch.length < 1500) break;
    }
    expect(sizes).toEqual([1500, 1500, 1500, 1500, 1500, 1500, 1000]);
    expect(expected).toBe(10_001);
    // Exhausted: further fetches return nothing.
    expect(await fetch(cursor, 10)).toEqual([]);
    await run(db.adapted.closeCursor(cursor));
    expect(await openCursorNames()).toEqual([]);
    await run(db.adapted.commit());
  });

  it("rows are canonical values, learned types included", async () => {
    await db.execute("CREATE TYPE size AS ENUM ('s', 'm')");
    await run(db.adapted.begin());
    const cursor = await open("SELECT 1::int8, '2024-01-31'::date, array['s', null]::size[], $1::jsonb", [
      { a: 1 },
    ]);
    expect(await fetch(cursor, 5)).toEqual([[1n, "2024-01-31", ["s", null], { a: 1 }]]);
    await run(db.adapted.closeCursor(cursor));
  });

  it("two cursors at once, each with its own name", async () => {
    await run(db.adapted.begin());
    const first = await open("SELECT generate_series(1, 3)");
    const second = await open("SELECT generate_series(10, 12)");
    expect(await openCursorNames()).toHaveLength(2);
    expect(await fetch(first, 2)).toEqual([[1], [2]]);
    expect(await fetch(second, 2)).toEqual([[10], [11]]);
    expect(await fetch(first, 2)).toEqual([[3]]);
    await run(db.adapted.closeCursor(first));
    await run(db.adapted.closeCursor(second));
    expect(await openCursorNames()).toEqual([]);
  });

  it("a cursor over no rows has its fields", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT 1 AS a, 'x' AS b WHERE false");
    expect(cursor.fields).toEqual(["a", "b"]);
    expect(await fetch(cursor, 10)).toEqual([]);
  });

  it("fetch(0) returns nothing; a count that is not a whole number is refused", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT generate_series(1, 3)");
    expect(await fetch(cursor, 0)).toEqual([]);
    for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await fetch(cursor, count).catch((caught: unknown) => caught);
      expect(error instanceof DBAPIError && error.orig).toBeInstanceOf(RangeError);
    }
    expect(await fetch(cursor, 5)).toEqual([[1], [2], [3]]);
  });

  it("close is idempotent; fetch after close is refused", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT 1");
    await cursor.close();
    await cursor.close();
    await expect(cursor.fetch(1)).rejects.toThrow(/cursor athanor_cursor_\d+ is closed/);
    expect(await openCursorNames()).toEqual([]);
  });

  it("closing after the transaction ended sends nothing that could fail", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT 1");
    await run(db.adapted.commit());
    await run(db.adapted.begin());
    await cursor.close();
    // The new transaction is unharmed.
    expect(firstRow(await db.execute("SELECT 2"))).toEqual([2]);
    await run(db.adapted.commit());
  });

  it("closing a cursor a ROLLBACK TO SAVEPOINT already closed leaves the transaction healthy", async () => {
    await run(db.adapted.begin());
    await run(db.adapted.savepoint("before_cursor"));
    const cursor = await open("SELECT 1");
    await run(db.adapted.rollbackToSavepoint("before_cursor"));
    await cursor.close();
    expect(firstRow(await db.execute("SELECT 3"))).toEqual([3]);
  });

  it("closing in an aborted transaction resolves (the ROLLBACK takes the cursor)", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT 1");
    await db.execute("SELECT 1/0").catch(() => {});
    await cursor.close();
    await run(db.adapted.rollback());
    expect(await openCursorNames()).toEqual([]);
  });

  it("opening a cursor outside a transaction is the server's error", async () => {
    const error = await open("SELECT 1").catch((caught: unknown) => caught);
    expect(error instanceof DBAPIError && error.code).toBe("25P01");
  });

  it("an error in the cursor's query rejects openCursor with its SQLSTATE", async () => {
    await run(db.adapted.begin());
    const error = await open("SELECT * FROM missing_table").catch((caught: unknown) => caught);
    expect(error instanceof DBAPIError && error.code).toBe("42P01");
  });

  it("an error while fetching rejects the fetch", async () => {
    await run(db.adapted.begin());
    const cursor = await open("SELECT 10 / (3 - g) FROM generate_series(1, 5) g");
    expect(await fetch(cursor, 2)).toEqual([[5], [10]]);
    const error = await fetch(cursor, 2).catch((caught: unknown) => caught);
    expect(error instanceof DBAPIError && error.code).toBe("22012");
  });
});
