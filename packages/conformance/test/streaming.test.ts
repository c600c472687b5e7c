import { forEachDriver } from "@athanor/conformance";
import {
  type Connection,
  column,
  type Engine,
  Integer,
  InvalidRequestError,
  MetaData,
  MultipleResultsFound,
  NoResultFound,
  type Op,
  ResourceClosedError,
  run,
  type StreamView,
  String,
  select,
  Table,
  text,
} from "@athanor/core";
import { range, rejection } from "@athanor/testing";
import { beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { heapUsed } from "../src/heap.ts";

/**
 * `conn.stream(statement)` reads through a server-side cursor, `yieldPer` rows per round trip. On
 * every driver: the rows come in order through every reading form, the views (scalars, mappings,
 * unique) work on the stream, the Connection refuses other statements while a stream is open and
 * takes them again once it is exhausted or closed, closed streams raise ResourceClosedError, and
 * rows are not buffered (the heap stays flat while 100,000 rows go by).
 */

const metadata = new MetaData();
const items = new Table("stream_items", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { nullable: false }),
});

const rowCount = 10_000;
const seriesSql = "select g from generate_series(1, 10000) g";
const streamOpenMessage =
  "a streamed result is open on this Connection; read it to the end or close() it before running another statement";
const closedResultMessage = "This result object is closed.";

/** The connection takes statements (and answers them right). */
async function expectUsable(conn: Connection): Promise<void> {
  expect(await run(conn.scalar(text("select 40 + 2")))).toBe(42);
}

/** The engine's next checkout runs a statement (then goes back to the pool). */
async function expectNextCheckoutUsable(engine: Engine): Promise<void> {
  const next = await run(engine.connect());
  try {
    await expectUsable(next);
  } finally {
    await run(next.close());
  }
}

function expectStreamOpenError(error: unknown): void {
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error).not.toBeInstanceOf(ResourceClosedError);
  expect(error).toHaveProperty("message", streamOpenMessage);
}

function expectClosedError(error: unknown): void {
  expect(error).toBeInstanceOf(ResourceClosedError);
  expect(error).toHaveProperty("message", closedResultMessage);
}

const megabyte = 1024 * 1024;

forEachDriver((target) => {
  const engine = () => target.engine();

  beforeAll(async () => {
    await run(
      engine().begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
        yield* conn.execDriverSql(
          "insert into stream_items (id, name) select g, 'name-' || g from generate_series(1, 10000) g",
        );
      }),
    );
    await target.db.query("create sequence stream_rows_made");
  });

  describe("reading every row", () => {
    test("text(): yieldPer(500) and repeated fetchmany() give 1..10000 in order, 500 per call", async () => {
      const { values, sizes, afterEnd } = await run(
        engine().connect(function* (conn) {
          const result = (yield* conn.stream(text(seriesSql))).yieldPer(500);
          expect(result.keys()).toEqual(["g"]);
          const values: unknown[] = [];
          const sizes: number[] = [];
          for (;;) {
            const rows = yield* result.fetchmany();
            if (rows.length === 0) break;
            sizes.push(rows.length);
            for (const row of rows) values.push(row[0]);
          }
          // Past the end: empty, not an error.
          const afterEnd = [yield* result.fetchmany(), yield* result.fetchone()];
          return { values, sizes, afterEnd };
        }),
      );
      expect(values).toEqual(range(1, rowCount));
      expect(sizes).toEqual(Array.from({ length: 20 }, () => 500));
      expect(afterEnd).toEqual([[], null]);
    });

    test("fetchmany(n) with n unrelated to the batch size still gives every row once, in order", async () => {
      const values = await run(
        engine().connect(function* (conn) {
          const result = (yield* conn.stream(text(seriesSql))).yieldPer(500);
          const values: unknown[] = [];
          for (
            let rows = yield* result.fetchmany(333);
            rows.length > 0;
            rows = yield* result.fetchmany(333)
          ) {
            for (const row of rows) values.push(row[0]);
          }
          return values;
        }),
      );
      expect(values).toEqual(range(1, rowCount));
    });

    test("a typed select, yieldPer as an execution option, partition(1000) loops: 10 partitions of 1000", async () => {
      const partitions = await run(
        engine().connect(function* (conn) {
          const result = yield* conn.stream(select(items.c.id, items.c.name).orderBy(items.c.id), undefined, {
            executionOptions: { yieldPer: 500 },
          });
          const partitions: [number, string][][] = [];
          for (
            let part = yield* result.partition(1000);
            part.length > 0;
            part = yield* result.partition(1000)
          ) {
            partitions.push(part.map((row) => [row.id, row.name]));
          }
          return partitions;
        }),
      );
      expect(partitions.map((part) => part.length)).toEqual(Array.from({ length: 10 }, () => 1000));
      expect(partitions.flat()).toEqual(range(1, rowCount).map((id) => [id, `name-${id}`]));
    });

    test("all() gives every row in order", async () => {
      const rows = await run(
        engine().connect(function* (conn) {
          const result = (yield* conn.stream(select(items.c.id, items.c.name).orderBy(items.c.id))).yieldPer(
            500,
          );
          return (yield* result.all()).map((row) => [...row]);
        }),
      );
      expect(rows).toEqual(range(1, rowCount).map((id) => [id, `name-${id}`]));
    });

    test("yieldPer(500) fetches 500 rows per round trip: the server has produced only the rows fetched so far", async () => {
      // nextval() runs as the cursor produces each row, and a sequence is seen outside the transaction:
      // its last value is the number of rows the server has made.
      await target.db.query("select setval('stream_rows_made', 1, false)");
      const made = async (): Promise<number> => {
        const rows = await target.db.query<{ made: number }>(
          "select (case when is_called then last_value else 0 end)::int as made from stream_rows_made",
        );
        return rows[0]!.made;
      };
      const conn = await run(engine().connect());
      try {
        const result = (
          await run(
            conn.stream(
              text("select g, nextval('stream_rows_made')::int as n from generate_series(1, 10000) g"),
            ),
          )
        ).yieldPer(500);
        const first = await run(result.fetchone());
        expect(first === null ? null : [...first]).toEqual([1, 1]);
        expect(await made()).toBe(500);
        const next = await run(result.fetchmany(499));
        expect(next.map((row) => row[0])).toEqual(range(2, 500));
        expect(await made()).toBe(500);
        await run(result.fetchone());
        expect(await made()).toBe(1000);
        await run(result.close());
        expect(await made()).toBe(1000);
        await expectUsable(conn);
      } finally {
        await run(conn.close());
      }
    });
  });

  describe("views", () => {
    test("scalars() gives the first column (or the one at an index), mappings() objects by name", async () => {
      const { ids, names, mapped, rest } = await run(
        engine().connect(function* (conn) {
          const query = select(items.c.id, items.c.name).orderBy(items.c.id);
          const ids = yield* (yield* conn.stream(query)).yieldPer(500).scalars().all();
          const nameStream = (yield* conn.stream(query)).yieldPer(500).scalars(1);
          const names = yield* nameStream.fetchmany(3);
          yield* nameStream.close();
          const byName = (yield* conn.stream(query)).yieldPer(500).mappings();
          const mapped = yield* byName.fetchmany(2);
          const rest = (yield* byName.all()).length;
          return { ids, names, mapped, rest };
        }),
      );
      expect(ids).toEqual(range(1, rowCount));
      expect(names).toEqual(["name-1", "name-2", "name-3"]);
      expect(mapped).toEqual([
        { id: 1, name: "name-1" },
        { id: 2, name: "name-2" },
      ]);
      expect(rest).toBe(rowCount - 2);
    });

    test("unique() on rows and on scalars: each value once, in first-seen order, across batches", async () => {
      const { rows, scalars, byKey } = await run(
        engine().connect(function* (conn) {
          const query = text("select g % 7 as m, g % 2 as odd from generate_series(1, 10000) g");
          const rows = (yield* (yield* conn.stream(query)).yieldPer(500).unique().all()).map((row) => [
            ...row,
          ]);
          const scalars = yield* (yield* conn.stream(query)).yieldPer(500).scalars().unique().all();
          const byKey = (yield* (yield* conn.stream(query))
            .yieldPer(500)
            .unique((row) => row[1])
            .all()).map((row) => [...row]);
          return { rows, scalars, byKey };
        }),
      );
      // (g % 7, g % 2) repeats every 14 rows: 14 distinct rows.
      expect(rows).toEqual(range(1, 14).map((g) => [g % 7, g % 2]));
      expect(scalars).toEqual([1, 2, 3, 4, 5, 6, 0]);
      expect(byKey).toEqual([
        [1, 1],
        [2, 0],
      ]);
    });

    test("typed rows from conn.stream(select(t.c.id, t.c.name))", async () => {
      const first = await run(
        engine().connect(function* (conn) {
          const result = yield* conn.stream(select(items.c.id, items.c.name).orderBy(items.c.id));
          const rows = yield* result.fetchmany(2);
          expectTypeOf(rows[0]!.id).toEqualTypeOf<number>();
          expectTypeOf(rows[0]!.name).toEqualTypeOf<string>();
          expectTypeOf(rows[0]![0]).toEqualTypeOf<number>();
          expectTypeOf(rows[0]![1]).toEqualTypeOf<string>();
          expectTypeOf(result.scalars()).toEqualTypeOf<StreamView<number>>();
          expectTypeOf(result.scalars(1)).toEqualTypeOf<StreamView<string>>();
          const mapping = yield* result.mappings().fetchone();
          expectTypeOf(mapping).toEqualTypeOf<Readonly<{ id: number; name: string }> | null>();
          yield* result.close();
          return { id: rows[0]!.id, name: rows[0]!.name, second: rows[1]!._tuple(), mapping };
        }),
      );
      expect(first).toEqual({
        id: 1,
        name: "name-1",
        second: [2, "name-2"],
        mapping: { id: 3, name: "name-3" },
      });
    });
  });

  describe("first() / one() / oneOrNone() close the stream", () => {
    test("first() on 10,000 rows returns the first, closes the stream, and the connection runs a statement at once", async () => {
      const conn = await run(engine().connect());
      try {
        const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        const row = await run(result.first());
        expect(row === null ? null : [...row]).toEqual([1]);
        expect(result.closed).toBe(true);
        await expectUsable(conn);
        expectClosedError(await rejection(run(result.fetchone())));
      } finally {
        await run(conn.close());
      }
    });

    test("one() and oneOrNone(): the row or null, or NoResultFound / MultipleResultsFound; closed either way", async () => {
      const conn = await run(engine().connect());
      try {
        const byId = (id: number) => conn.stream(select(items.c.id, items.c.name).where(items.c.id.eq(id)));

        const single = await run(byId(7));
        const one = await run(single.one());
        expect([...one]).toEqual([7, "name-7"]);
        expect(single.closed).toBe(true);
        await expectUsable(conn);

        const none = await run(byId(-1));
        expect(await run(none.oneOrNone())).toBeNull();
        expect(none.closed).toBe(true);
        await expectUsable(conn);

        const maybe = await run(byId(8));
        const found = await run(maybe.oneOrNone());
        expect(found === null ? null : [...found]).toEqual([8, "name-8"]);
        await expectUsable(conn);

        const empty = await run(byId(-1));
        expect(await rejection(run(empty.one()))).toBeInstanceOf(NoResultFound);
        expect(empty.closed).toBe(true);
        await expectUsable(conn);

        const many = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        expect(await rejection(run(many.one()))).toBeInstanceOf(MultipleResultsFound);
        expect(many.closed).toBe(true);
        await expectUsable(conn);

        const manyScalars = (await run(conn.stream(text(seriesSql)))).yieldPer(500).scalars();
        expect(await rejection(run(manyScalars.oneOrNone()))).toBeInstanceOf(MultipleResultsFound);
        expect(manyScalars.closed).toBe(true);
        await expectUsable(conn);

        const scalar = await run(conn.stream(text(seriesSql)));
        expect(await run(scalar.scalar())).toBe(1);
        expect(scalar.closed).toBe(true);
        await expectUsable(conn);
      } finally {
        await run(conn.close());
      }
    });
  });

  describe("one stream at a time on a Connection", () => {
    test("a statement while a stream is open raises InvalidRequestError; exhausted or closed, statements work again", async () => {
      const conn = await run(engine().connect());
      try {
        const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        expect((await run(result.fetchmany(10))).map((row) => row[0])).toEqual(range(1, 10));
        expectStreamOpenError(await rejection(run(conn.execute(text("select 1")))));
        expectStreamOpenError(await rejection(run(conn.scalar(select(items.c.id).where(items.c.id.eq(1))))));
        expectStreamOpenError(await rejection(run(conn.execDriverSql("select 1"))));
        expectStreamOpenError(await rejection(run(conn.stream(text("select 1")))));
        expectStreamOpenError(
          await rejection(run(conn.execute(text("select :x::int"), [{ x: 1 }, { x: 2 }]))),
        );
        // The refused statements did not disturb the stream: it goes on where it was.
        expect((await run(result.fetchmany(5))).map((row) => row[0])).toEqual(range(11, 15));
        const rest = await run(result.scalars().all());
        expect(rest).toEqual(range(16, rowCount));
        // Exhausted: the connection is free again, and the transaction still the same one.
        expect(conn.inTransaction()).toBe(true);
        await expectUsable(conn);

        const second = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        expect(await run(second.scalars().fetchmany(3))).toEqual([1, 2, 3]);
        expectStreamOpenError(await rejection(run(conn.execute(text("select 1")))));
        await run(second.close());
        expect(second.closed).toBe(true);
        await expectUsable(conn);
      } finally {
        await run(conn.close());
      }
    });

    test("reading a closed stream raises ResourceClosedError, through every reading form and view", async () => {
      const conn = await run(engine().connect());
      try {
        const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        await run(result.fetchmany(3));
        await run(result.close());
        // close() again does nothing.
        await run(result.close());
        const reads: Op<unknown>[] = [
          result.fetchone(),
          result.fetchmany(2),
          result.all(),
          result.partition(10),
          result.first(),
          result.one(),
          result.scalars().all(),
          result.mappings().fetchone(),
        ];
        for (const read of reads) {
          expectClosedError(await rejection(run(read)));
        }
        await expectUsable(conn);
      } finally {
        await run(conn.close());
      }
    });

    test("closing the Connection with an open stream closes the stream; reads raise ResourceClosedError, and the pool connection is fine", async () => {
      const e = engine();
      const conn = await run(e.connect());
      const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
      expect(await run(result.scalars().fetchmany(3))).toEqual([1, 2, 3]);
      await run(conn.close());
      expect(result.closed).toBe(true);
      expectClosedError(await rejection(run(result.fetchmany(3))));
      expectClosedError(await rejection(run(result.scalars().all())));
      expect(e.pool.checkedout()).toBe(0);
      // The DBAPI connection went back clean: the next checkout (the same one) works.
      const again = await run(e.connect());
      try {
        await expectUsable(again);
        const stream = (await run(again.stream(text(seriesSql)))).yieldPer(500);
        expect(await run(stream.scalars().fetchmany(2))).toEqual([1, 2]);
        await run(stream.close());
        await expectUsable(again);
      } finally {
        await run(again.close());
      }
    });

    test("beginNested() while a stream is open raises the same InvalidRequestError (SAVEPOINT is a statement too)", async () => {
      const conn = await run(engine().connect());
      try {
        const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
        expect(await run(result.scalars().fetchmany(3))).toEqual([1, 2, 3]);
        expectStreamOpenError(await rejection(run(conn.beginNested())));
        expect(conn.inNestedTransaction()).toBe(false);
        expect(await run(result.scalars().fetchmany(2))).toEqual([4, 5]);
        await run(result.close());
        await expectUsable(conn);
      } finally {
        await run(conn.close());
      }
    });

    describe("the transaction of an open stream ends", () => {
      // One pooled connection: the next checkout is the same DBAPI connection, which must come back clean.
      const singleConnection = () => target.engine({ poolSize: 1, maxOverflow: 0, poolTimeout: 5 });

      test("rolled back: later reads raise ResourceClosedError, the connection works, and goes back to the pool clean", async () => {
        const e = singleConnection();
        const conn = await run(e.connect());
        try {
          const transaction = await run(conn.begin());
          const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
          expect(await run(result.scalars().fetchmany(3))).toEqual([1, 2, 3]);
          await run(transaction.rollback());
          expect(conn.inTransaction()).toBe(false);
          expect(result.closed).toBe(true);
          expectClosedError(await rejection(run(result.fetchone())));
          expectClosedError(await rejection(run(result.scalars().all())));
          await expectUsable(conn);
        } finally {
          await run(conn.close());
        }
        await expectNextCheckoutUsable(e);
      });

      test("committed (the autobegun transaction): later reads raise ResourceClosedError, and the connection works", async () => {
        const e = singleConnection();
        const conn = await run(e.connect());
        try {
          const result = (await run(conn.stream(text(seriesSql)))).yieldPer(500);
          expect(await run(result.scalars().fetchmany(3))).toEqual([1, 2, 3]);
          await run(conn.commit());
          expect(result.closed).toBe(true);
          expectClosedError(await rejection(run(result.fetchmany(1))));
          await expectUsable(conn);
        } finally {
          await run(conn.close());
        }
        await expectNextCheckoutUsable(e);
      });

      test("an engine.begin(body) whose body leaves a stream open commits its writes; the stream is closed", async () => {
        const e = singleConnection();
        await target.db.query("delete from stream_items where id > 10000");
        const result = await run(
          e.begin(function* (conn) {
            yield* conn.execute(text("insert into stream_items (id, name) values (10001, 'left open')"));
            const stream = (yield* conn.stream(text(seriesSql))).yieldPer(500);
            expect(yield* stream.scalars().fetchmany(2)).toEqual([1, 2]);
            return stream;
          }),
        );
        expect(result.closed).toBe(true);
        expectClosedError(await rejection(run(result.fetchone())));
        const stored = await target.db.query<{ name: string }>(
          "select name from stream_items where id = 10001",
        );
        expect(stored).toEqual([{ name: "left open" }]);
        await target.db.query("delete from stream_items where id > 10000");
        await run(
          e.connect(function* (conn) {
            expect(yield* conn.scalar(text("select 40 + 2"))).toBe(42);
          }),
        );
      });
    });
  });

  describe("memory", () => {
    test("100,000 rows with yieldPer(1000), read by partitions and kept by nobody: the heap stays flat", async () => {
      const query = text("select g, repeat('x', 300) || g as pad from generate_series(1, 100000) g");
      const conn = await run(engine().connect());
      try {
        // Warm up: the statement compiled and every code path of a stream loaded once.
        const warm = (await run(conn.stream(query))).yieldPer(1000);
        await run(warm.fetchmany(10));
        await run(warm.close());

        const before = heapUsed();
        const result = (await run(conn.stream(query))).yieldPer(1000);
        const samples: number[] = [];
        const { count, sum, padLength, partitions } = await run(function* () {
          let count = 0;
          let sum = 0;
          let padLength = 0;
          let partitions = 0;
          for (
            let part = yield* result.partition(1000);
            part.length > 0;
            part = yield* result.partition(1000)
          ) {
            partitions++;
            count += part.length;
            for (const row of part) {
              sum += Number(row[0]);
              const pad = row[1];
              if (typeof pad === "string") padLength += pad.length;
            }
            if (partitions % 20 === 10) samples.push(heapUsed());
          }
          return { count, sum, padLength, partitions };
        });
        const after = heapUsed();
        expect(count).toBe(100_000);
        expect(partitions).toBe(100);
        expect(sum).toBe(5_000_050_000);
        // 300 x's and the number's digits.
        expect(padLength).toBe(100_000 * 300 + 488_895);
        expect(samples).toHaveLength(5);
        const growth = Math.max(...samples, after) - before;
        expect(growth).toBeLessThan(20 * megabyte);

        // Sanity bound: the same rows held at once (a buffered Result) cost far more than that.
        const buffered = await run(conn.execute(query));
        const held = heapUsed() - after;
        expect(buffered.all()).toHaveLength(100_000);
        expect(held).toBeGreaterThan(30 * megabyte);
        expect(held).toBeGreaterThan(4 * growth);
      } finally {
        await run(conn.close());
      }
    });
  });
});
