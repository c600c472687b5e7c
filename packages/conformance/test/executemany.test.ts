import { forEachDriver } from "@athanor/conformance";
import {
  ArgumentError,
  column,
  Integer,
  IntegrityError,
  insert,
  MetaData,
  run,
  String,
  Table,
  text,
} from "@athanor/core";
import { range, rejection } from "@athanor/testing";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";

/**
 * executemany: `conn.execute(statement, [params, ...])` and `conn.execDriverSql(sql, [[...], ...])`
 * run a statement once per parameter set (multi-row VALUES for inserts on the server drivers,
 * pipelined or one by one otherwise). On every driver: the rows, rowcounts, client-side defaults,
 * RETURNING order, errors and transaction behaviour are the same.
 */

/** Calls of the client-side default below, reset by the tests that count them. */
let stampCalls = 0;

const metadata = new MetaData();
const items = new Table("em_items", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { nullable: false }),
  qty: column(Integer, { nullable: false }),
  // A client-side default: a function called once per row.
  stamp: column(Integer, { nullable: false, default: () => ++stampCalls }),
});
const autoRows = new Table("em_auto", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { nullable: false }),
});

const rowCount = 10_000;

forEachDriver((target) => {
  const engine = () => target.engine();

  /** One row of integer aggregates from the helper connection (outside the engine under test). */
  async function aggregates<K extends string>(sql: string): Promise<Record<K, number>> {
    const rows = await target.db.query<Record<K, number>>(sql);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  beforeAll(async () => {
    await run(
      engine().begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
      }),
    );
  });

  describe("insert(t) with a list of parameter sets", () => {
    beforeEach(async () => {
      await target.db.query("delete from em_items");
      stampCalls = 0;
    });

    test("10,000 rows: rowcount 10000, every row stored with its values, the default called once per row in order", async () => {
      const rows = range(1, rowCount).map((id) => ({ id, name: `item-${id}`, qty: id % 100 }));
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execute(insert(items), rows);
        }),
      );
      expect(result.rowcount).toBe(rowCount);
      expect(result.returnsRows).toBe(false);
      expect(stampCalls).toBe(rowCount);
      const stored = await aggregates<
        "n" | "idSum" | "qtySum" | "names" | "namesMatch" | "stampSum" | "stampsMatch" | "minId" | "maxId"
      >(
        `select count(*)::int as "n", sum(id)::int as "idSum", sum(qty)::int as "qtySum",
                count(distinct name)::int as "names",
                count(*) filter (where name = 'item-' || id)::int as "namesMatch",
                sum(stamp)::int as "stampSum",
                count(*) filter (where stamp = id)::int as "stampsMatch",
                min(id)::int as "minId", max(id)::int as "maxId"
           from em_items`,
      );
      expect(stored).toEqual({
        n: 10_000,
        idSum: 50_005_000,
        // Each of 0..99 a hundred times.
        qtySum: 495_000,
        names: 10_000,
        namesMatch: 10_000,
        // The default gave 1..10000, row i getting i: called per row, in parameter order.
        stampSum: 50_005_000,
        stampsMatch: 10_000,
        minId: 1,
        maxId: 10_000,
      });
      const spotCheck = await target.db.query<{ id: number; name: string; qty: number; stamp: number }>(
        "select id, name, qty, stamp from em_items where id in (1, 999, 1000, 1001, 5555, 10000) order by id",
      );
      expect(spotCheck).toEqual([
        { id: 1, name: "item-1", qty: 1, stamp: 1 },
        { id: 999, name: "item-999", qty: 99, stamp: 999 },
        { id: 1000, name: "item-1000", qty: 0, stamp: 1000 },
        { id: 1001, name: "item-1001", qty: 1, stamp: 1001 },
        { id: 5555, name: "item-5555", qty: 55, stamp: 5555 },
        { id: 10000, name: "item-10000", qty: 0, stamp: 10000 },
      ]);
    });

    test("a value given for the defaulted column wins over the default, which is not called for it", async () => {
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execute(insert(items), [
            { id: 1, name: "a", qty: 1 },
            { id: 2, name: "b", qty: 2, stamp: 500 },
            { id: 3, name: "c", qty: 3 },
          ]);
        }),
      );
      expect(result.rowcount).toBe(3);
      const stored = await target.db.query<{ id: number; stamp: number }>(
        "select id, stamp from em_items order by id",
      );
      // Sets naming different keys: the default fills the sets that lack the column.
      expect(stored.map((row) => [row.id, row.stamp])).toEqual([
        [1, 1],
        [2, 500],
        [3, 2],
      ]);
      expect(stampCalls).toBe(2);
    });

    test("RETURNING gives one row per parameter set, in parameter order (ids given out of order, over several batches)", async () => {
      const count = 2_500;
      // A permutation of 20001..22500 (7919 is prime, so coprime with 2500).
      const ids = range(0, count - 1).map((index) => 20_001 + ((index * 7919) % count));
      expect(new Set(ids).size).toBe(count);
      const rows = ids.map((id) => ({ id, name: `ret-${id}`, qty: 1 }));
      const returned = await run(
        engine().begin(function* (conn) {
          const result = yield* conn.execute(
            insert(items).returning(items.c.id, items.c.name, items.c.stamp),
            rows,
          );
          expect(result.returnsRows).toBe(true);
          expect(result.rowcount).toBe(count);
          return result.all().map((row) => [...row]);
        }),
      );
      expect(returned).toEqual(ids.map((id, index) => [id, `ret-${id}`, index + 1]));
      const stored = await aggregates<"n">(
        "select count(*)::int as n from em_items where name = 'ret-' || id and qty = 1",
      );
      expect(stored.n).toBe(count);
    });

    test("a unique violation in a late batch raises IntegrityError, and inside engine.begin(body) nothing is committed", async () => {
      const rows = range(30_001, 30_000 + rowCount).map((id) => ({ id, name: `dup-${id}`, qty: 0 }));
      // The 9,000th set repeats the 5th set's key: it is in a batch after several good ones.
      rows[8_999] = { id: 30_005, name: "the duplicate", qty: 0 };
      let bodyGoesOn = false;
      const error = await rejection(
        run(
          engine().begin(function* (conn) {
            yield* conn.execute(insert(items), rows);
            bodyGoesOn = true;
          }),
        ),
      );
      expect(bodyGoesOn).toBe(false);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ code: "23505", connectionInvalidated: false });
      const stored = await aggregates<"n">("select count(*)::int as n from em_items");
      expect(stored.n).toBe(0);
      // The keys of the failed list are free: the sets around the duplicate go in afterwards.
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execute(insert(items), rows.slice(8_990, 9_010));
        }),
      );
      expect(result.rowcount).toBe(20);
      expect((await aggregates<"n">("select count(*)::int as n from em_items")).n).toBe(20);
    });

    test("an empty list of parameter sets raises ArgumentError, and nothing is sent", async () => {
      const message = "executemany: the list of parameter sets is empty; there is nothing to execute";
      const e = engine();
      const errors = await run(
        e.connect(function* (conn) {
          const caught: unknown[] = [];
          try {
            yield* conn.execute(insert(items), []);
          } catch (error) {
            caught.push(error);
          }
          try {
            yield* conn.execute(text("update em_items set qty = :qty where id = :id"), []);
          } catch (error) {
            caught.push(error);
          }
          // Nothing began: no transaction was opened for the refused calls.
          expect(conn.inTransaction()).toBe(false);
          return caught;
        }),
      );
      expect(errors).toHaveLength(2);
      for (const error of errors) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect(error).toHaveProperty("message", message);
      }
    });
  });

  describe("UPDATE with a list of parameter sets", () => {
    beforeAll(async () => {
      await target.db.query("delete from em_items");
      await target.db.query(
        "insert into em_items (id, name, qty, stamp) select g, 'u-' || g, 0, 0 from generate_series(1, 3000) g",
      );
    });

    test("execDriverSql with [[v, id], ...]: the rowcount is the sum over the sets, and every set applied", async () => {
      const sets: (readonly unknown[])[] = range(1, 1000).map((id) => [id * 2, id]);
      // A set that matches nothing adds nothing to the rowcount.
      sets.push([7, 999_999]);
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execDriverSql("update em_items set qty = $1 where id = $2", sets);
        }),
      );
      expect(result.rowcount).toBe(1000);
      expect(result.returnsRows).toBe(false);
      const stored = await aggregates<"qtySum" | "matching" | "untouched">(
        `select sum(qty) filter (where id <= 1000)::int as "qtySum",
                count(*) filter (where id <= 1000 and qty = id * 2)::int as "matching",
                count(*) filter (where id > 1000 and qty = 0)::int as "untouched"
           from em_items`,
      );
      expect(stored).toEqual({ qtySum: 1_001_000, matching: 1000, untouched: 2000 });
    });

    test("execDriverSql: sets that each touch several rows add up", async () => {
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execDriverSql("update em_items set stamp = $1 where id between $2 and $3", [
            [1, 2001, 2010],
            [2, 2011, 2015],
            [3, 500_000, 500_010],
            [4, 2016, 2016],
          ]);
        }),
      );
      expect(result.rowcount).toBe(16);
      const stored = await target.db.query<{ stamp: number; n: number }>(
        "select stamp, count(*)::int as n from em_items where id between 2001 and 2020 group by stamp order by stamp",
      );
      expect(stored).toEqual([
        { stamp: 0, n: 4 },
        { stamp: 1, n: 10 },
        { stamp: 2, n: 5 },
        { stamp: 4, n: 1 },
      ]);
    });

    test("text() with named binds and a list of dicts: rowcount and values", async () => {
      const sets = range(1001, 2000).map((id) => ({ name: `renamed-${id}`, id }));
      const result = await run(
        engine().begin(function* (conn) {
          return yield* conn.execute(text("update em_items set name = :name where id = :id"), sets);
        }),
      );
      expect(result.rowcount).toBe(1000);
      const stored = await aggregates<"renamed" | "others">(
        `select count(*) filter (where name = 'renamed-' || id)::int as "renamed",
                count(*) filter (where name = 'u-' || id)::int as "others"
           from em_items`,
      );
      expect(stored).toEqual({ renamed: 1000, others: 2000 });
    });

    test("a failing set inside a transaction: IntegrityError, and no set of the list is kept", async () => {
      const before = await target.db.query<{ id: number; name: string }>(
        "select id, name from em_items where id between 2101 and 2105 order by id",
      );
      const error = await rejection(
        run(
          engine().begin(function* (conn) {
            // Set 3 gives id 2103 the key of an existing row.
            yield* conn.execute(text("update em_items set id = :newId, name = :name where id = :id"), [
              { id: 2101, newId: 2101, name: "tx-1" },
              { id: 2102, newId: 2102, name: "tx-2" },
              { id: 2103, newId: 1, name: "tx-3" },
              { id: 2104, newId: 2104, name: "tx-4" },
            ]);
          }),
        ),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ code: "23505" });
      const after = await target.db.query<{ id: number; name: string }>(
        "select id, name from em_items where id between 2101 and 2105 order by id",
      );
      expect(after).toEqual(before);
    });
  });

  describe("AUTOCOMMIT: each set is committed on its own", () => {
    beforeEach(async () => {
      await target.db.query("delete from em_auto");
    });

    async function storedIds(): Promise<number[]> {
      const rows = await target.db.query<{ id: number; name: string }>(
        "select id, name from em_auto order by id",
      );
      return rows.map((row) => row.id);
    }

    test("execDriverSql: a failing set in the middle leaves the earlier sets committed and runs none after it", async () => {
      const e = target.engine({ isolationLevel: "AUTOCOMMIT" });
      const error = await rejection(
        run(
          e.connect(function* (conn) {
            yield* conn.execDriverSql("insert into em_auto (id, name) values ($1, $2)", [
              [1, "a"],
              [2, "b"],
              [3, "c"],
              [2, "duplicate"],
              [5, "e"],
              [6, "f"],
            ]);
          }),
        ),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ code: "23505" });
      // Committed, not rolled back when the connection was closed: no transaction held them.
      expect(await storedIds()).toEqual([1, 2, 3]);
    });

    test("text() with named binds: the same, per connection execution option", async () => {
      const e = engine();
      const error = await rejection(
        run(
          e.connect(function* (conn) {
            conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
            yield* conn.execute(text("insert into em_auto (id, name) values (:id, :name)"), [
              { id: 10, name: "a" },
              { id: 11, name: "b" },
              { id: 10, name: "duplicate" },
              { id: 12, name: "c" },
            ]);
          }),
        ),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(await storedIds()).toEqual([10, 11]);
    });

    test("without AUTOCOMMIT the same list keeps nothing once the connection is closed", async () => {
      const e = engine();
      const error = await rejection(
        run(
          e.connect(function* (conn) {
            yield* conn.execDriverSql("insert into em_auto (id, name) values ($1, $2)", [
              [1, "a"],
              [2, "b"],
              [2, "duplicate"],
              [3, "c"],
            ]);
          }),
        ),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(await storedIds()).toEqual([]);
    });

    test("all sets succeed: every one is committed without a commit() call (text() and insert(t))", async () => {
      const e = target.engine({ isolationLevel: "AUTOCOMMIT" });
      const rowcounts = await run(
        e.connect(function* (conn) {
          const viaText = yield* conn.execute(
            text("insert into em_auto (id, name) values (:id, :name)"),
            range(1, 50).map((id) => ({ id, name: `auto-${id}` })),
          );
          const viaInsert = yield* conn.execute(
            insert(autoRows),
            range(51, 2500).map((id) => ({ id, name: `auto-${id}` })),
          );
          return [viaText.rowcount, viaInsert.rowcount];
        }),
      );
      expect(rowcounts).toEqual([50, 2450]);
      expect(await storedIds()).toEqual(range(1, 2500));
      const names = await target.db.query<{ n: number }>(
        "select count(*)::int as n from em_auto where name = 'auto-' || id",
      );
      expect(names).toEqual([{ n: 2500 }]);
    });
  });
});
