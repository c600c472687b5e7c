import { AsyncMappingResult, AsyncResult, AsyncScalarResult, type OpRunner } from "@athanor/asyncio";
import { type DriverTarget, forEachDriver } from "@athanor/conformance";
import {
  ArgumentError,
  and_,
  type Connection,
  column,
  createEngine,
  type Engine,
  type FrozenResult,
  Integer,
  MetaData,
  MultipleResultsFound,
  NoResultFound,
  NoSuchColumnError,
  ResourceClosedError,
  Result,
  type Row,
  run,
  type StreamingResult,
  String,
  select,
  Table,
  text,
} from "@athanor/core";
import { range, rejection, thrown } from "@athanor/testing";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { heapUsed } from "../src/heap.ts";

/**
 * The AsyncResult family over a real server-side cursor, on every driver: each member of
 * SQLAlchemy's AsyncResult / AsyncScalarResult / AsyncMappingResult with exact values and errors,
 * for-await and partitions() (closing the cursor when left early), freeze() giving a working
 * FrozenResult, merge() across connections, and 100,000 rows by partitions(100) in bounded memory.
 * The runner is a plain `run(op)`: AsyncConnection passes its own, which serialises calls.
 */

const metadata = new MetaData();
const items = new Table("async_items", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { nullable: false }),
});

const itemCount = 1000;
/** 1..10000 in column g. */
const series = text("select g from generate_series(1, 10000) g");
const closedMessage = "This result object is closed.";

const runner: OpRunner = (op) => run(op);

/** An AsyncResult of a core stream, as AsyncConnection.stream() will make it. */
function asyncOf<R extends Result<unknown[], object>>(stream: StreamingResult<R>): AsyncResult<R> {
  return new AsyncResult(stream, runner);
}

/** The rows of items id from..to, as [id, name]. */
function itemRows(from: number, to: number): [number, string][] {
  return range(from, to).map((id) => [id, `name-${id}`]);
}

function expectError(error: unknown, type: new (...args: never[]) => Error, message: string): void {
  expect(error).toBeInstanceOf(type);
  expect(error).toHaveProperty("message", message);
}

function expectClosedError(error: unknown): void {
  expectError(error, ResourceClosedError, closedMessage);
}

/** The connection takes a statement at once (no stream left open on it) and answers it right. */
async function expectUsable(conn: Connection): Promise<void> {
  expect(await run(conn.scalar(text("select 40 + 2")))).toBe(42);
}

/** Every item of an async iterable. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of iterable) collected.push(item);
  return collected;
}

const megabyte = 1024 * 1024;

/**
 * An engine on another session than the target's: merge() needs two streams open at once, each on
 * its own connection. PGlite is one session per instance, so there it is a fresh in-memory one.
 */
function otherSessionEngine(target: DriverTarget): Engine {
  return target.name === "pglite" ? createEngine("postgresql+pglite://") : target.engine();
}

forEachDriver((target) => {
  const engine = () => target.engine();
  const other = { engine: undefined as Engine | undefined };

  /** A connection of a new engine, closed after `body` (which gets it). */
  async function withConnection(body: (conn: Connection) => Promise<void>): Promise<void> {
    const conn = await run(engine().connect());
    try {
      await body(conn);
    } finally {
      await run(conn.close());
    }
  }

  const byIds = (from: number, to: number) =>
    select(items.c.id, items.c.name)
      .where(and_(items.c.id.ge(from), items.c.id.le(to)))
      .orderBy(items.c.id);

  beforeAll(async () => {
    const fill = function* (conn: Connection) {
      yield* metadata.dropAll(conn);
      yield* metadata.createAll(conn);
      yield* conn.execDriverSql(
        `insert into async_items (id, name) select g, 'name-' || g from generate_series(1, ${itemCount}) g`,
      );
    };
    await run(engine().begin(fill));
    other.engine = otherSessionEngine(target);
    // The other session's database has the same table and rows.
    if (target.name === "pglite") await run(other.engine.begin(fill));
    await target.db.query("create sequence async_rows_made");
  });

  afterAll(async () => {
    // The targets' engines are disposed by forEachDriver; the extra PGlite one is ours.
    if (target.name === "pglite" && other.engine !== undefined) await run(other.engine.dispose());
  });

  describe("reading rows", () => {
    test("all() and fetchall(): every remaining row in order, then [] (exhausted, not closed)", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 5))));
        const rows = await result.all();
        expect(rows).toEqual(itemRows(1, 5));
        expect(rows.map((row) => row.name)).toEqual(["name-1", "name-2", "name-3", "name-4", "name-5"]);
        expect(await result.all()).toEqual([]);
        expect(result.closed).toBe(false);
        await expectUsable(conn);

        const again = asyncOf(await run(conn.stream(byIds(6, 8))));
        expect(await again.fetchall()).toEqual(itemRows(6, 8));
        expect(await again.fetchall()).toEqual([]);
        await expectUsable(conn);
      });
    });

    test("fetchone() and fetchmany(): fetchmany() takes yieldPer rows, fetchmany(0) none; null / [] at the end", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 10)))).yieldPer(3);
        expect(await result.fetchone()).toEqual([1, "name-1"]);
        expect(await result.fetchmany(2)).toEqual(itemRows(2, 3));
        expect(await result.fetchmany()).toEqual(itemRows(4, 6));
        expect(await result.fetchmany(0)).toEqual([]);
        expect(await result.fetchmany(10)).toEqual(itemRows(7, 10));
        expect(await result.fetchone()).toBeNull();
        expect(await result.fetchmany()).toEqual([]);
        expect(result.closed).toBe(false);
        await expectUsable(conn);
      });
    });

    test("a bad size rejects fetchmany() (ArgumentError), and partitions() and yieldPer() throw at once", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 10))));
        expectError(
          await rejection(result.fetchmany(-1)),
          ArgumentError,
          "size must be an integer of at least 0, got -1",
        );
        expectError(
          await rejection(result.fetchmany(1.5)),
          ArgumentError,
          "size must be an integer of at least 0, got 1.5",
        );
        expectError(
          thrown(() => result.partitions(0)),
          ArgumentError,
          "size must be an integer of at least 1, got 0",
        );
        expectError(
          thrown(() => result.yieldPer(0)),
          ArgumentError,
          "size must be an integer of at least 1, got 0",
        );
        // Nothing was read: the rows are all there.
        expect((await result.all()).map((row) => row.id)).toEqual(range(1, 10));
      });
    });

    test("keys(): the column names, in order", async () => {
      await withConnection(async (conn) => {
        const typed = asyncOf(await run(conn.stream(byIds(1, 1))));
        expect(typed.keys()).toEqual(["id", "name"]);
        await typed.close();
        const plain = asyncOf(await run(conn.stream(text("select 1 as a, 2 as b, 3 as a"))));
        expect(plain.keys()).toEqual(["a", "b", "a"]);
        await plain.close();
      });
    });

    test("first(): the first row or null; closes the result, so the connection runs a statement at once", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series)));
        expect(await result.first()).toEqual([1]);
        expect(result.closed).toBe(true);
        await expectUsable(conn);
        expectClosedError(await rejection(result.fetchone()));

        const empty = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expect(await empty.first()).toBeNull();
        expect(empty.closed).toBe(true);
        await expectUsable(conn);
      });
    });

    test("one() / oneOrNone(): the row, or null, else NoResultFound / MultipleResultsFound; closed either way", async () => {
      await withConnection(async (conn) => {
        const single = asyncOf(await run(conn.stream(byIds(7, 7))));
        expect(await single.one()).toEqual([7, "name-7"]);
        expect(single.closed).toBe(true);

        const maybe = asyncOf(await run(conn.stream(byIds(8, 8))));
        expect(await maybe.oneOrNone()).toEqual([8, "name-8"]);
        expect(maybe.closed).toBe(true);

        const none = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expect(await none.oneOrNone()).toBeNull();
        expect(none.closed).toBe(true);

        const empty = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expectError(await rejection(empty.one()), NoResultFound, "No row was found when one was required");
        expect(empty.closed).toBe(true);

        const many = asyncOf(await run(conn.stream(series)));
        expectError(
          await rejection(many.one()),
          MultipleResultsFound,
          "Multiple rows were found when exactly one was required",
        );
        expect(many.closed).toBe(true);
        await expectUsable(conn);

        const manyOrNone = asyncOf(await run(conn.stream(series)));
        expectError(
          await rejection(manyOrNone.oneOrNone()),
          MultipleResultsFound,
          "Multiple rows were found when one or none was required",
        );
        expect(manyOrNone.closed).toBe(true);
        await expectUsable(conn);
      });
    });

    test("scalar() / scalarOne() / scalarOneOrNone(): the first column; null for no row; errors as one(); closed", async () => {
      await withConnection(async (conn) => {
        const scalar = asyncOf(await run(conn.stream(series)));
        expect(await scalar.scalar()).toBe(1);
        expect(scalar.closed).toBe(true);
        await expectUsable(conn);

        const noScalar = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expect(await noScalar.scalar()).toBeNull();
        expect(noScalar.closed).toBe(true);

        const one = asyncOf(await run(conn.stream(byIds(9, 9))));
        expect(await one.scalarOne()).toBe(9);
        expect(one.closed).toBe(true);

        const noOne = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expectError(
          await rejection(noOne.scalarOne()),
          NoResultFound,
          "No row was found when one was required",
        );

        const manyOne = asyncOf(await run(conn.stream(series)));
        expectError(
          await rejection(manyOne.scalarOne()),
          MultipleResultsFound,
          "Multiple rows were found when exactly one was required",
        );
        expect(manyOne.closed).toBe(true);
        await expectUsable(conn);

        const oneOrNone = asyncOf(await run(conn.stream(byIds(10, 10))));
        expect(await oneOrNone.scalarOneOrNone()).toBe(10);
        const noneOrNone = asyncOf(await run(conn.stream(byIds(-5, -1))));
        expect(await noneOrNone.scalarOneOrNone()).toBeNull();
        const manyOrNone = asyncOf(await run(conn.stream(series)));
        expectError(
          await rejection(manyOrNone.scalarOneOrNone()),
          MultipleResultsFound,
          "Multiple rows were found when one or none was required",
        );
        await expectUsable(conn);
      });
    });
  });

  describe("for await and partitions()", () => {
    test("for await gives every row in order; reaching the end frees the connection", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series))).yieldPer(500);
        const values: unknown[] = [];
        for await (const row of result) values.push(row[0]);
        expect(values).toEqual(range(1, 10_000));
        // Exhausted, not closed: reads give nothing more.
        expect(result.closed).toBe(false);
        expect(await result.fetchone()).toBeNull();
        await expectUsable(conn);
      });
    });

    test("for await reads yieldPer rows per round trip: the server has made only the rows fetched", async () => {
      // nextval() runs as the cursor produces each row, and a sequence is seen outside the transaction.
      await target.db.query("select setval('async_rows_made', 1, false)");
      const made = async (): Promise<number> => {
        const rows = await target.db.query<{ made: number }>(
          "select (case when is_called then last_value else 0 end)::int as made from async_rows_made",
        );
        return rows[0]!.made;
      };
      await withConnection(async (conn) => {
        const query = text("select g, nextval('async_rows_made')::int as n from generate_series(1, 10000) g");
        const result = asyncOf(await run(conn.stream(query))).yieldPer(250);
        const madeAt: number[] = [];
        for await (const row of result) {
          // Sampled at rows 1 and 250 (the first batch), 251 (the second) and 501 (the third).
          if (row[0] === 1 || row[0] === 250 || row[0] === 251 || row[0] === 501) madeAt.push(await made());
          if (row[0] === 501) break;
        }
        expect(madeAt).toEqual([250, 250, 500, 750]);
        expect(result.closed).toBe(true);
        expect(await made()).toBe(750);
        await expectUsable(conn);
      });
    });

    test("break out of for await closes the stream: the connection runs the next statement", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series))).yieldPer(500);
        const seen: unknown[] = [];
        for await (const row of result) {
          seen.push(row[0]);
          if (seen.length === 3) break;
        }
        expect(seen).toEqual([1, 2, 3]);
        expect(result.closed).toBe(true);
        await expectUsable(conn);
        expectClosedError(await rejection(result.fetchone()));
      });
    });

    test("a throw inside for await closes the stream and comes out unchanged", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series))).yieldPer(500);
        const failure = new Error("stop at 600");
        const error = await rejection(
          (async () => {
            for await (const row of result) if (row[0] === 600) throw failure;
          })(),
        );
        expect(error).toBe(failure);
        expect(result.closed).toBe(true);
        await expectUsable(conn);
      });
    });

    test("await using: the stream is closed when the block exits, by a throw too", async () => {
      await withConnection(async (conn) => {
        let kept: AsyncResult | undefined;
        {
          await using result = asyncOf(await run(conn.stream(series)));
          kept = result;
          expect(await result.fetchmany(2)).toEqual([[1], [2]]);
        }
        expect(kept.closed).toBe(true);
        await expectUsable(conn);

        const failure = new Error("left the block");
        const opened: AsyncResult[] = [];
        const error = await rejection(
          (async () => {
            await using result = asyncOf(await run(conn.stream(series)));
            opened.push(result);
            await result.fetchone();
            throw failure;
          })(),
        );
        expect(error).toBe(failure);
        expect(opened.map((result) => result.closed)).toEqual([true]);
        await expectUsable(conn);
      });
    });

    test("partitions(100): arrays of 100 in order, the last one shorter; partitions() takes yieldPer rows each", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 1000)))).yieldPer(400);
        expect(await result.fetchmany(50)).toEqual(itemRows(1, 50));
        const parts = await collect(result.partitions(100));
        expect(parts.map((part) => part.length)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 50]);
        expect(parts.flat()).toEqual(itemRows(51, 1000));
        expect(result.closed).toBe(false);
        await expectUsable(conn);

        const byBatch = asyncOf(await run(conn.stream(byIds(1, 1000)))).yieldPer(300);
        const batches = await collect(byBatch.partitions());
        expect(batches.map((part) => part.length)).toEqual([300, 300, 300, 100]);
        await expectUsable(conn);
      });
    });

    test("break out of partitions() closes the stream", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series)));
        let firsts: unknown[] = [];
        for await (const part of result.partitions(100)) {
          firsts = [...firsts, part[0]?.[0]];
          if (firsts.length === 2) break;
        }
        expect(firsts).toEqual([1, 101]);
        expect(result.closed).toBe(true);
        await expectUsable(conn);
      });
    });
  });

  describe("views", () => {
    test("scalars(): the first column, or one by position (negative from the end) or name; unknown columns raise", async () => {
      await withConnection(async (conn) => {
        const ids = asyncOf(await run(conn.stream(byIds(1, 5)))).scalars();
        expect(ids).toBeInstanceOf(AsyncScalarResult);
        expect(await ids.all()).toEqual([1, 2, 3, 4, 5]);

        const names = asyncOf(await run(conn.stream(byIds(1, 5)))).scalars(1);
        expect(await names.fetchmany(2)).toEqual(["name-1", "name-2"]);
        expect(await names.fetchall()).toEqual(["name-3", "name-4", "name-5"]);

        const byName = asyncOf(await run(conn.stream(byIds(1, 3)))).scalars("name");
        expect(await byName.first()).toBe("name-1");
        expect(byName.closed).toBe(true);

        const last = asyncOf(await run(conn.stream(byIds(4, 4)))).scalars(-1);
        expect(await last.one()).toBe("name-4");
        const maybe = asyncOf(await run(conn.stream(byIds(-5, -1)))).scalars();
        expect(await maybe.oneOrNone()).toBeNull();

        // Untyped rows (text()), so that any name may be asked for.
        const result = asyncOf(await run(conn.stream(text("select 1 as id, 'a' as name"))));
        expectError(
          thrown(() => result.scalars(2)),
          NoSuchColumnError,
          "Could not locate column in row for column index 2",
        );
        expectError(
          thrown(() => result.scalars(-3)),
          NoSuchColumnError,
          "Could not locate column in row for column index -3",
        );
        expectError(
          thrown(() => result.scalars("nope")),
          NoSuchColumnError,
          "Could not locate column in row for column 'nope'",
        );
        await result.close();
        await expectUsable(conn);
      });
    });

    test("AsyncScalarResult: for await, partitions(), unique(), close() and closed", async () => {
      await withConnection(async (conn) => {
        const values = asyncOf(await run(conn.stream(series)))
          .yieldPer(1000)
          .scalars();
        expect(await collect(values)).toEqual(range(1, 10_000));

        const parts = asyncOf(await run(conn.stream(byIds(1, 25)))).scalars();
        expect(await collect(parts.partitions(10))).toEqual([range(1, 10), range(11, 20), range(21, 25)]);

        const remainders = asyncOf(
          await run(conn.stream(text("select g % 4 from generate_series(1, 1000) g"))),
        );
        expect(await remainders.scalars().unique().all()).toEqual([1, 2, 3, 0]);
        const byParity = asyncOf(await run(conn.stream(text("select g from generate_series(1, 1000) g"))));
        expect(
          await byParity
            .scalars()
            .unique((value) => Number(value) % 2)
            .all(),
        ).toEqual([1, 2]);

        const closing = asyncOf(await run(conn.stream(series))).scalars();
        expect(await closing.fetchmany(2)).toEqual([1, 2]);
        expect(closing.closed).toBe(false);
        await closing.close();
        expect(closing.closed).toBe(true);
        expectClosedError(await rejection(closing.all()));
        await expectUsable(conn);
      });
    });

    test("mappings(): read-only objects by name, with every reading form, keys(), columns() and unique()", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 6)))).yieldPer(2);
        const mappings = result.mappings();
        expect(mappings).toBeInstanceOf(AsyncMappingResult);
        expect(mappings.keys()).toEqual(["id", "name"]);
        const first = await mappings.fetchone();
        expect(first).toEqual({ id: 1, name: "name-1" });
        expect(Object.isFrozen(first)).toBe(true);
        expect(await mappings.fetchmany()).toEqual([
          { id: 2, name: "name-2" },
          { id: 3, name: "name-3" },
        ]);
        // The views share the cursor: the result goes on where the mappings stopped.
        expect(await result.fetchone()).toEqual([4, "name-4"]);
        expect(await mappings.all()).toEqual([
          { id: 5, name: "name-5" },
          { id: 6, name: "name-6" },
        ]);
        expect(await mappings.fetchone()).toBeNull();

        const one = asyncOf(await run(conn.stream(byIds(3, 3)))).mappings();
        expect(await one.one()).toEqual({ id: 3, name: "name-3" });
        expect(one.closed).toBe(true);
        const none = asyncOf(await run(conn.stream(byIds(-5, -1)))).mappings();
        expect(await none.oneOrNone()).toBeNull();
        const firstOnly = asyncOf(await run(conn.stream(byIds(1, 100)))).mappings();
        expect(await firstOnly.first()).toEqual({ id: 1, name: "name-1" });
        expect(firstOnly.closed).toBe(true);

        const names = asyncOf(await run(conn.stream(byIds(1, 3))))
          .mappings()
          .columns("name");
        expect(names.keys()).toEqual(["name"]);
        expect(await names.fetchall()).toEqual([{ name: "name-1" }, { name: "name-2" }, { name: "name-3" }]);

        const parts = asyncOf(await run(conn.stream(byIds(1, 5)))).mappings();
        expect((await collect(parts.partitions(2))).map((part) => part.map((mapping) => mapping.id))).toEqual(
          [[1, 2], [3, 4], [5]],
        );
        const iterated = asyncOf(await run(conn.stream(byIds(1, 3)))).mappings();
        expect((await collect(iterated)).map((mapping) => mapping.name)).toEqual([
          "name-1",
          "name-2",
          "name-3",
        ]);

        const duplicates = text("select g % 3 as m, g % 2 as p from generate_series(1, 100) g");
        const unique = asyncOf(await run(conn.stream(duplicates)))
          .mappings()
          .unique();
        expect(await unique.all()).toEqual([
          { m: 1, p: 1 },
          { m: 2, p: 0 },
          { m: 0, p: 1 },
          { m: 1, p: 0 },
          { m: 2, p: 1 },
          { m: 0, p: 0 },
        ]);
        const byM = asyncOf(await run(conn.stream(duplicates)))
          .mappings()
          .unique((mapping) => mapping["m"]);
        expect(await byM.all()).toEqual([
          { m: 1, p: 1 },
          { m: 2, p: 0 },
          { m: 0, p: 1 },
        ]);
        // unique() carries over to columns(), comparing the new mappings by value.
        const uniqueP = asyncOf(await run(conn.stream(duplicates)))
          .mappings()
          .unique()
          .columns("p");
        expect(await uniqueP.all()).toEqual([{ p: 1 }, { p: 0 }]);
        await expectUsable(conn);
      });
    });

    test("columns(): these columns in this order, by name or position, names kept; unknown columns raise", async () => {
      await withConnection(async (conn) => {
        const swapped = asyncOf(await run(conn.stream(byIds(1, 3)))).columns("name", "id");
        expect(swapped.keys()).toEqual(["name", "id"]);
        const rows = await swapped.all();
        expect(rows).toEqual([
          ["name-1", 1],
          ["name-2", 2],
          ["name-3", 3],
        ]);
        expect(rows[1]?.name).toBe("name-2");
        expect(rows[1]?.id).toBe(2);

        const byPosition = asyncOf(await run(conn.stream(byIds(4, 5)))).columns(1);
        expect(await byPosition.all()).toEqual([["name-4"], ["name-5"]]);

        // A view of a view, and its scalars and mappings.
        const nested = asyncOf(await run(conn.stream(byIds(1, 3))))
          .columns("name", "id")
          .columns("id");
        expect(nested.keys()).toEqual(["id"]);
        expect(await nested.scalars().all()).toEqual([1, 2, 3]);
        const mapped = asyncOf(await run(conn.stream(byIds(1, 2))))
          .columns("name")
          .mappings();
        expect(await mapped.all()).toEqual([{ name: "name-1" }, { name: "name-2" }]);

        const result = asyncOf(await run(conn.stream(text("select 1 as id, 'a' as name"))));
        expectError(
          thrown(() => result.columns("nope")),
          NoSuchColumnError,
          "Could not locate column in row for column 'nope'",
        );
        expectError(
          thrown(() => result.columns(0, 5)),
          NoSuchColumnError,
          "Could not locate column in row for column index 5",
        );
        await result.close();
        await expectUsable(conn);
      });
    });

    test("unique(): each row once, in first-seen order, across batches; by a key; carried over to views", async () => {
      await withConnection(async (conn) => {
        const query = text("select g % 7 as m, g % 2 as p from generate_series(1, 10000) g");
        const rows = await asyncOf(await run(conn.stream(query)))
          .yieldPer(500)
          .unique()
          .all();
        // (g % 7, g % 2) repeats every 14 rows.
        expect(rows).toEqual(range(1, 14).map((g) => [g % 7, g % 2]));

        const byKey = await asyncOf(await run(conn.stream(query)))
          .unique((row) => row[1])
          .all();
        expect(byKey).toEqual([
          [1, 1],
          [2, 0],
        ]);

        // A unique result's views are unique too, by value.
        const scalars = await asyncOf(await run(conn.stream(query)))
          .unique()
          .scalars()
          .all();
        expect(scalars).toEqual([1, 2, 3, 4, 5, 6, 0]);
        const column = await asyncOf(await run(conn.stream(query)))
          .unique()
          .columns("p")
          .all();
        expect(column).toEqual([[1], [0]]);
        const mappings = await asyncOf(await run(conn.stream(query)))
          .unique()
          .columns("m")
          .mappings()
          .all();
        expect(mappings).toEqual([{ m: 1 }, { m: 2 }, { m: 3 }, { m: 4 }, { m: 5 }, { m: 6 }, { m: 0 }]);

        const first = asyncOf(await run(conn.stream(query))).unique();
        expect(await first.fetchmany(3)).toEqual([
          [1, 1],
          [2, 0],
          [3, 1],
        ]);
        await first.close();
        await expectUsable(conn);
      });
    });
  });

  describe("freeze()", () => {
    test("reads the remaining rows into a FrozenResult: each call gives a new, equal buffered Result", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(byIds(1, 4)))).yieldPer(2);
        expect(await result.fetchone()).toEqual([1, "name-1"]);
        const frozen = await result.freeze();
        // The stream is read to its end: exhausted (the connection free), not closed.
        expect(result.closed).toBe(false);
        expect(await result.all()).toEqual([]);
        await expectUsable(conn);

        const a = frozen();
        const b = frozen();
        expect(a).toBeInstanceOf(Result);
        expect(a === b).toBe(false);
        expect(a.keys()).toEqual(["id", "name"]);
        expect(a.all()).toEqual(itemRows(2, 4));
        expect(b.first()?.name).toBe("name-2");
        expect(frozen().scalars().all()).toEqual([2, 3, 4]);
        expect(frozen().mappings().fetchone()).toEqual({ id: 2, name: "name-2" });
        expect(frozen.data).toEqual(itemRows(2, 4));
        expect(
          frozen
            .withNewRows([[9, "z"]])()
            .one().name,
        ).toBe("z");
        expect(frozen().rowcount).toBeUndefined();
      });
    });

    test("keeps the unique filter's choice and a columns() view's columns; a closed stream raises", async () => {
      await withConnection(async (conn) => {
        const query = text("select g % 3 as m, g as g from generate_series(1, 100) g");
        const unique = await asyncOf(await run(conn.stream(query)))
          .columns("m")
          .unique()
          .freeze();
        expect(unique().keys()).toEqual(["m"]);
        expect(unique().all()).toEqual([[1], [2], [0]]);

        const closed = asyncOf(await run(conn.stream(query)));
        await closed.close();
        expectClosedError(await rejection(closed.freeze()));
        await expectUsable(conn);
      });
    });
  });

  describe("merge()", () => {
    test("reads each result in turn, across two connections; each connection is free once its stream is read", async () => {
      const mine = await run(engine().connect());
      const theirs = await run(other.engine!.connect());
      try {
        const a = asyncOf(await run(mine.stream(byIds(1, 3)))).yieldPer(2);
        const b = asyncOf(await run(theirs.stream(byIds(10, 12)))).yieldPer(2);
        const merged = a.merge(b);
        expect(merged.keys()).toEqual(["id", "name"]);
        expect(await merged.fetchmany(4)).toEqual([...itemRows(1, 3), [10, "name-10"]]);
        // `mine` streamed to its end: it is free while `theirs` is still streaming.
        await expectUsable(mine);
        expect(await merged.all()).toEqual(itemRows(11, 12));
        await expectUsable(theirs);
      } finally {
        await run(mine.close());
        await run(theirs.close());
      }
    });

    test("closing the merged result (first() does) closes every source's cursor", async () => {
      const mine = await run(engine().connect());
      const theirs = await run(other.engine!.connect());
      try {
        const a = asyncOf(await run(mine.stream(series)));
        const b = asyncOf(await run(theirs.stream(series)));
        const merged = a.merge(b);
        expect(await merged.first()).toEqual([1]);
        expect(merged.closed).toBe(true);
        expect(a.closed).toBe(true);
        expect(b.closed).toBe(true);
        await expectUsable(mine);
        await expectUsable(theirs);
        expectClosedError(await rejection(merged.fetchone()));
      } finally {
        await run(mine.close());
        await run(theirs.close());
      }
    });

    test("this result's names, unique filter and views apply across the sources; column counts must match", async () => {
      const mine = await run(engine().connect());
      const theirs = await run(other.engine!.connect());
      try {
        const a = asyncOf(await run(mine.stream(text("select g % 3 as x from generate_series(1, 10) g"))));
        const b = asyncOf(await run(theirs.stream(text("select g % 4 as y from generate_series(1, 10) g"))));
        const merged = a.unique().merge(b);
        const rows = await merged.all();
        expect(rows).toEqual([[1], [2], [0], [3]]);
        expect(rows[3]?._fields).toEqual(["x"]);
        await expectUsable(mine);
        await expectUsable(theirs);

        const narrow = asyncOf(await run(mine.stream(text("select 1 as a"))));
        const wide = asyncOf(await run(theirs.stream(text("select 1 as a, 2 as b"))));
        expectError(
          thrown(() => narrow.merge(wide)),
          ArgumentError,
          "cannot merge a result of 2 columns into one of 1",
        );
        await narrow.close();
        await wide.close();

        const ids = asyncOf(await run(mine.stream(byIds(1, 2)))).columns("id");
        const sameWidth = asyncOf(await run(theirs.stream(byIds(3, 4)))).columns("id");
        const mergedIds = ids.merge(sameWidth);
        expect(await mergedIds.scalars().all()).toEqual([1, 2, 3, 4]);
        const again = asyncOf(await run(mine.stream(byIds(5, 6)))).merge(
          asyncOf(await run(theirs.stream(byIds(7, 8)))),
        );
        expect(await collect(again.mappings())).toEqual(itemRows(5, 8).map(([id, name]) => ({ id, name })));
        await expectUsable(mine);
        await expectUsable(theirs);
      } finally {
        await run(mine.close());
        await run(theirs.close());
      }
    });
  });

  describe("closed results", () => {
    /**
     * Every read of a result and its views, each expected to reject with ResourceClosedError. Made
     * one at a time (functions), so no rejection waits unhandled while an earlier one is awaited.
     */
    function everyRead(result: AsyncResult): (() => Promise<unknown>)[] {
      return [
        () => result.fetchone(),
        () => result.fetchmany(2),
        () => result.fetchmany(0),
        () => result.fetchmany(),
        () => result.all(),
        () => result.fetchall(),
        () => result.first(),
        () => result.one(),
        () => result.oneOrNone(),
        () => result.scalar(),
        () => result.scalarOne(),
        () => result.scalarOneOrNone(),
        () => result.freeze(),
        () => result.scalars().all(),
        () => result.scalars().first(),
        () => result.mappings().fetchone(),
        () => result.mappings().all(),
        () => result.columns(0).all(),
        () => result.unique().all(),
        () => collect(result),
        () => collect(result.partitions(10)),
        () => collect(result.scalars()),
        () => collect(result.mappings().partitions()),
      ];
    }

    test("after close(): every read rejects with ResourceClosedError; close() again does nothing", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series)));
        expect(await result.fetchmany(3)).toEqual([[1], [2], [3]]);
        await result.close();
        await result.close();
        expect(result.closed).toBe(true);
        for (const read of everyRead(result)) expectClosedError(await rejection(read()));
        await expectUsable(conn);
      });
    });

    test("after the connection closed: closed, and every read rejects with a clean ResourceClosedError", async () => {
      const e = engine();
      const conn = await run(e.connect());
      const result = asyncOf(await run(conn.stream(series)));
      expect(await result.scalars().fetchmany(3)).toEqual([1, 2, 3]);
      await run(conn.close());
      expect(result.closed).toBe(true);
      for (const read of everyRead(result)) expectClosedError(await rejection(read()));
      expect(e.pool.checkedout()).toBe(0);
      // The pooled connection went back clean.
      const again = await run(e.connect());
      try {
        await expectUsable(again);
      } finally {
        await run(again.close());
      }
    });

    test("after its transaction committed: closed, reads reject with ResourceClosedError, the connection works", async () => {
      await withConnection(async (conn) => {
        const result = asyncOf(await run(conn.stream(series)));
        expect(await result.fetchone()).toEqual([1]);
        await run(conn.commit());
        expect(result.closed).toBe(true);
        expectClosedError(await rejection(result.fetchmany(10)));
        expectClosedError(await rejection(collect(result)));
        await expectUsable(conn);
      });
    });
  });

  describe("memory", () => {
    test("partitions(100) over 100,000 rows, kept by nobody: the heap stays flat", async () => {
      const query = text("select g, repeat('x', 300) || g as pad from generate_series(1, 100000) g");
      await withConnection(async (conn) => {
        // Warm up: the statement compiled and every code path of an async stream loaded once.
        const warm = asyncOf(await run(conn.stream(query)));
        for await (const part of warm.partitions(100)) if (part.length > 0) break;

        const before = heapUsed();
        const result = asyncOf(await run(conn.stream(query)));
        const samples: number[] = [];
        let count = 0;
        let sum = 0;
        let padLength = 0;
        let partitions = 0;
        for await (const part of result.partitions(100)) {
          partitions++;
          count += part.length;
          for (const row of part) {
            sum += Number(row[0]);
            const pad = row[1];
            if (typeof pad === "string") padLength += pad.length;
          }
          if (partitions % 200 === 100) samples.push(heapUsed());
        }
        const after = heapUsed();
        expect(count).toBe(100_000);
        expect(partitions).toBe(1000);
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
      });
    });
  });

  describe("types", () => {
    type Tuple = [number, string];
    type Names = { id: number; name: string };

    test("AsyncResult<Result<[number, string], {id, name}>>: one(), scalars(), mappings(), columns(), freeze(), iteration", async () => {
      await withConnection(async (conn) => {
        const result: AsyncResult<Result<Tuple, Names>> = asyncOf(await run(conn.stream(byIds(1, 3))));
        // Reads are typed through `.returns`: calling them here would read the rows.
        expectTypeOf(result.one).returns.toEqualTypeOf<Promise<Row<Tuple, Names>>>();
        expectTypeOf(result.first).returns.toEqualTypeOf<Promise<Row<Tuple, Names> | null>>();
        expectTypeOf(result.fetchone).returns.toEqualTypeOf<Promise<Row<Tuple, Names> | null>>();
        expectTypeOf(result.all).returns.toEqualTypeOf<Promise<Row<Tuple, Names>[]>>();
        expectTypeOf(result.scalars()).toEqualTypeOf<AsyncScalarResult<number>>();
        expectTypeOf(result.scalars(1)).toEqualTypeOf<AsyncScalarResult<string>>();
        expectTypeOf(result.scalars("name")).toEqualTypeOf<AsyncScalarResult<string>>();
        expectTypeOf(result.scalar).returns.toEqualTypeOf<Promise<number | null>>();
        expectTypeOf(result.scalarOne).returns.toEqualTypeOf<Promise<number>>();
        expectTypeOf(result.scalarOneOrNone).returns.toEqualTypeOf<Promise<number | null>>();
        expectTypeOf(result.mappings()).toEqualTypeOf<AsyncMappingResult<Names>>();
        expectTypeOf(result.mappings().fetchone).returns.toEqualTypeOf<Promise<Readonly<Names> | null>>();
        expectTypeOf(result.freeze).returns.toEqualTypeOf<Promise<FrozenResult<Tuple, Names>>>();
        expectTypeOf(result.unique()).toEqualTypeOf<AsyncResult<Result<Tuple, Names>>>();
        expectTypeOf<ReturnType<typeof result.merge>>().toEqualTypeOf<AsyncResult<Result<Tuple, Names>>>();
        expectTypeOf(result.partitions).returns.toEqualTypeOf<
          AsyncGenerator<Row<Tuple, Names>[], undefined, undefined>
        >();
        const swapped = result.columns("name", "id");
        expectTypeOf(swapped.one).returns.toEqualTypeOf<
          Promise<Row<[string, number], { readonly name: string; readonly id: number }>>
        >();
        expectTypeOf(swapped.scalars()).toEqualTypeOf<AsyncScalarResult<string>>();
        expectTypeOf(result.mappings().columns("id").fetchone).returns.toEqualTypeOf<
          Promise<Readonly<{ readonly id: number }> | null>
        >();

        for await (const row of result) {
          expectTypeOf(row).toEqualTypeOf<Row<Tuple, Names>>();
          expectTypeOf(row.id).toEqualTypeOf<number>();
          expectTypeOf(row[1]).toEqualTypeOf<string>();
          expect([row.id, row.name]).toEqual([1, "name-1"]);
          break;
        }
        const frozen = await asyncOf(await run(conn.stream(byIds(1, 3)))).freeze();
        expect(frozen().scalars("name").all()).toEqual(["name-1", "name-2", "name-3"]);
        await expectUsable(conn);
      });
    });

    test("conn.stream(select(t.c.id, t.c.name)) gives the statement's row type (names read-only)", async () => {
      await withConnection(async (conn) => {
        type Selected = Result<Tuple, { readonly id: number; readonly name: string }>;
        const result = asyncOf(await run(conn.stream(byIds(1, 3))));
        expectTypeOf(result).toEqualTypeOf<AsyncResult<Selected>>();
        expectTypeOf(result.scalars(1)).toEqualTypeOf<AsyncScalarResult<string>>();
        for await (const part of result.partitions(2)) {
          expectTypeOf(part[0]!.name).toEqualTypeOf<string>();
          expect(part.map((row) => row.name)).toEqual(["name-1", "name-2"]);
          break;
        }
        const frozen = await asyncOf(await run(conn.stream(byIds(1, 3)))).freeze();
        expectTypeOf(frozen()).toEqualTypeOf<Result<Tuple, { readonly id: number; readonly name: string }>>();
        expect(frozen().all()).toEqual(itemRows(1, 3));
        await expectUsable(conn);
      });
    });
  });
});
