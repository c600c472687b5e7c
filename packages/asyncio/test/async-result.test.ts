import { AsyncResult, type OpRunner } from "@athanor/asyncio";
import {
  AdaptedConnection,
  ArgumentError,
  type Connection,
  ConnectRequest,
  createEngine,
  type DriverCursor,
  DriverRequest,
  type Engine,
  type IORequest,
  type Op,
  registerDialect,
  run,
  text,
} from "@athanor/core";
import { inertDriverConnection, ScriptedDialect, ScriptedDriver } from "@athanor/core/testing";
import { rejection } from "@athanor/testing";
import { describe, expect, test } from "vitest";

/**
 * How the AsyncResult family drives the sync layer, seen from a scripted driver (no database: the
 * conformance suite reads real cursors): one runner call per read, the requests each makes, the
 * cursor closed when a loop is left early, and a merged result taking one turn on each connection.
 */

/** A cursor over 1..count in column n; fetches are answered by the script from `position`. */
interface ScriptedCursor extends DriverCursor {
  readonly count: number;
  position: number;
}

let registered = 0;

interface Scripted {
  readonly engine: Engine;
  readonly driver: ScriptedDriver;
  /** One line per request since the last call: "openCursor: select ...", "fetch 4", "closeCursor"... */
  take(): string[];
  /** `run(op)` answered by the script. */
  readonly runner: OpRunner;
}

/**
 * An engine whose statements `select n from series(<count>)` open a cursor over 1..count, and
 * whose other statements return no rows. `fail` makes a fetch throw.
 */
function scripted(fail?: { error: Error; atFetch: number }): Scripted {
  const name = `scripted_async${++registered}`;
  registerDialect(name, () => new ScriptedDialect());
  let fetches = 0;
  let seen = 0;
  const driver = ScriptedDriver.sync((request: IORequest) => {
    if (request instanceof ConnectRequest)
      return new AdaptedConnection(request.dialect, inertDriverConnection);
    if (!(request instanceof DriverRequest)) return request.perform();
    if (request.kind === "openCursor") {
      const count = Number(/series\((\d+)\)/.exec(request.sql ?? "")?.[1] ?? 0);
      const cursor: ScriptedCursor = {
        fields: ["n"],
        count,
        position: 0,
        fetch: () => Promise.reject(new Error("scripted: answer through the driver")),
        close: () => Promise.resolve(),
      };
      return cursor;
    }
    if (request.kind === "fetch") {
      fetches++;
      if (fail !== undefined && fetches === fail.atFetch) throw fail.error;
      const cursor = request.cursor as ScriptedCursor;
      const size = Number(request.params);
      const from = cursor.position;
      cursor.position = Math.min(cursor.count, from + size);
      return Array.from({ length: cursor.position - from }, (_, index) => [from + index + 1]);
    }
    if (request.kind === "execute") return { rows: [], fields: [], returnsRows: false, rowcount: 0 };
    return undefined;
  });
  const describe = (request: IORequest): string => {
    if (!(request instanceof DriverRequest)) return request.label;
    if (request.kind === "fetch") return `fetch ${String(request.params)}`;
    return request.sql === undefined ? request.kind : `${request.kind}: ${request.sql}`;
  };
  return {
    engine: createEngine(`${name}://`),
    driver,
    take() {
      const lines = driver.requests.slice(seen).map(describe);
      seen = driver.requests.length;
      return lines;
    },
    runner: (op) => run(op, { handler: driver }),
  };
}

/** A runner that counts its calls. */
function counting(runner: OpRunner): { runner: OpRunner; calls(): number } {
  let calls = 0;
  return {
    runner: (op) => {
      calls++;
      return runner(op);
    },
    calls: () => calls,
  };
}

/**
 * A runner that refuses a call while another is running (one of the two behaviours the issue allows
 * AsyncConnection), recording when each call enters and leaves: entering a connection's runner
 * from inside its own call is refused rather than waiting forever.
 */
function exclusive(label: string, runner: OpRunner, log: string[]): OpRunner {
  let busy = false;
  return async <T>(op: Op<T>): Promise<T> => {
    if (busy) throw new Error(`${label}: a call is already running on this connection`);
    busy = true;
    log.push(`enter ${label}`);
    try {
      return await runner(op);
    } finally {
      log.push(`leave ${label}`);
      busy = false;
    }
  };
}

async function connect(s: Scripted): Promise<Connection> {
  const conn = await s.runner(s.engine.connect());
  s.take();
  return conn;
}

describe("each read is one runner call of the matching sync op", () => {
  test("fetchone, fetchmany, all, first: one call each, with the requests of the sync op", async () => {
    const s = scripted();
    const conn = await connect(s);
    const count = counting(s.runner);
    const result = new AsyncResult(
      await s.runner(conn.stream(text("select n from series(10)"))),
      count.runner,
    );
    result.yieldPer(4);
    expect(s.take()).toEqual(["begin: BEGIN", "openCursor: select n from series(10)"]);

    expect(await result.fetchone()).toEqual([1]);
    expect(count.calls()).toBe(1);
    expect(s.take()).toEqual(["fetch 4"]);

    expect((await result.fetchmany(5)).map((row) => row[0])).toEqual([2, 3, 4, 5, 6]);
    expect(count.calls()).toBe(2);
    expect(s.take()).toEqual(["fetch 4"]);

    expect((await result.all()).map((row) => row[0])).toEqual([7, 8, 9, 10]);
    expect(count.calls()).toBe(3);
    // The last batch is short: the cursor is closed at once.
    expect(s.take()).toEqual(["fetch 4", "closeCursor"]);

    expect(await result.first()).toBeNull();
    expect(count.calls()).toBe(4);
    expect(s.take()).toEqual([]);
    await s.runner(conn.close());
  });

  test("for await: one call per batch of yieldPer rows, and one that finds the end", async () => {
    const s = scripted();
    const conn = await connect(s);
    const count = counting(s.runner);
    const result = new AsyncResult(
      await s.runner(conn.stream(text("select n from series(10)"))),
      count.runner,
    );
    result.yieldPer(4);
    s.take();
    const values: unknown[] = [];
    for await (const row of result) values.push(row[0]);
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // [1..4], [5..8], [9, 10] (the cursor ends there), then [].
    expect(count.calls()).toBe(4);
    expect(s.take()).toEqual(["fetch 4", "fetch 4", "fetch 4", "closeCursor"]);
    expect(result.closed).toBe(false);
    await s.runner(conn.close());
  });

  test("a bad argument rejects the read's promise rather than throwing at the call", async () => {
    const s = scripted();
    const conn = await connect(s);
    const result = new AsyncResult(await s.runner(conn.stream(text("select n from series(3)"))), s.runner);
    const pending = result.fetchmany(-2);
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toHaveProperty("message", "size must be an integer of at least 0, got -2");
    await result.close();
    await s.runner(conn.close());
  });

  test("partitions(size) checks the size at the call, before any request", async () => {
    const s = scripted();
    const conn = await connect(s);
    const result = new AsyncResult(await s.runner(conn.stream(text("select n from series(3)"))), s.runner);
    s.take();
    expect(() => result.partitions(2.5)).toThrow(
      new ArgumentError("size must be an integer of at least 1, got 2.5"),
    );
    expect(s.take()).toEqual([]);
    await result.close();
    await s.runner(conn.close());
  });
});

describe("leaving a loop early closes the cursor", () => {
  test("break: CLOSE is sent at once, and the connection runs the next statement", async () => {
    const s = scripted();
    const conn = await connect(s);
    const result = new AsyncResult(await s.runner(conn.stream(text("select n from series(100)"))), s.runner);
    result.yieldPer(10);
    s.take();
    for await (const row of result) if (row[0] === 3) break;
    expect(s.take()).toEqual(["fetch 10", "closeCursor"]);
    expect(result.closed).toBe(true);
    await s.runner(conn.execute(text("select 2")));
    expect(s.take()).toEqual(["execute: select 2"]);
    await s.runner(conn.close());
  });

  test("a throw in a partitions() loop: CLOSE is sent and the error comes out as it was", async () => {
    const s = scripted();
    const conn = await connect(s);
    const result = new AsyncResult(await s.runner(conn.stream(text("select n from series(100)"))), s.runner);
    s.take();
    const failure = new Error("stop");
    const error = await rejection(
      (async () => {
        for await (const part of result.partitions(30)) if (part.length === 30) throw failure;
      })(),
    );
    expect(error).toBe(failure);
    // The default batch (1000) holds all 100 rows: one fetch, and the cursor is closed by the read.
    expect(s.take()).toEqual(["fetch 1000", "closeCursor"]);
    expect(result.closed).toBe(true);
    await s.runner(conn.close());
  });

  test("a failed fetch ends the loop with its error, and no CLOSE is sent after it", async () => {
    const failure = new Error("connection reset");
    const s = scripted({ error: failure, atFetch: 2 });
    const conn = await connect(s);
    const result = new AsyncResult(await s.runner(conn.stream(text("select n from series(100)"))), s.runner);
    result.yieldPer(10);
    s.take();
    const values: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const row of result) values.push(row[0]);
      })(),
    );
    expect(error).toBe(failure);
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.take()).toEqual(["fetch 10", "fetch 10"]);
    expect(result.closed).toBe(true);
    await s.runner(conn.close());
  });
});

describe("merge() takes one turn on each connection", () => {
  test("a read of a merged result runs inside a call on every connection, in one fixed order", async () => {
    const s = scripted();
    const log: string[] = [];
    const connA = await connect(s);
    const connB = await connect(s);
    const a = new AsyncResult(
      await s.runner(connA.stream(text("select n from series(2)"))),
      exclusive("A", s.runner, log),
    );
    const b = new AsyncResult(
      await s.runner(connB.stream(text("select n from series(3)"))),
      exclusive("B", s.runner, log),
    );
    // Merged in the other order, the turns are still taken A then B (A's result was made first).
    const merged = b.merge(a);
    expect((await merged.all()).map((row) => row[0])).toEqual([1, 2, 3, 1, 2]);
    expect(log).toEqual(["enter A", "enter B", "leave B", "leave A"]);
    // A view of the merged result takes the same turns.
    log.length = 0;
    expect(await merged.scalars().all()).toEqual([]);
    expect(log).toEqual(["enter A", "enter B", "leave B", "leave A"]);
    await s.runner(connA.close());
    await s.runner(connB.close());
  });

  test("two results of one connection (another runner function each) take its turn once", async () => {
    const s = scripted();
    const log: string[] = [];
    const conn = await connect(s);
    // The connection's one lock, behind a new function per result (as a facade may make them):
    // entering it twice, one call inside the other, would be refused.
    const lock = exclusive("conn", s.runner, log);
    const runnerOfFirst: OpRunner = (op) => lock(op);
    const runnerOfSecond: OpRunner = (op) => lock(op);
    // Its one fetch gets both rows (fewer than a batch): the cursor is closed and the connection
    // free to stream the second, while the first still holds row 2 unread.
    const first = new AsyncResult(
      await s.runner(conn.stream(text("select n from series(2)"))),
      runnerOfFirst,
    );
    expect(await first.fetchmany(1)).toEqual([[1]]);
    expect(s.take()).toEqual([
      "begin: BEGIN",
      "openCursor: select n from series(2)",
      "fetch 1000",
      "closeCursor",
    ]);
    log.length = 0;
    const second = new AsyncResult(
      await s.runner(conn.stream(text("select n from series(2)"))),
      runnerOfSecond,
    );
    const merged = first.merge(second);
    expect((await merged.all()).map((row) => row[0])).toEqual([2, 1, 2]);
    expect(log).toEqual(["enter conn", "leave conn"]);
    await s.runner(conn.close());
  });
});
