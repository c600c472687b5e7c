import { CompiledCache, column, Integer, MetaData, runBlocking, select, Table } from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { expect, test } from "vitest";

const metadata = new MetaData();
const things = new Table("things", metadata, { id: column(Integer, { primaryKey: true }) });
const lookup = (id: number) => select(things.c.id).where(things.c.id.eq(id));

test("compiledCache: null compiles every time; a cache of one's own collects the statements", () => {
  const lines: string[] = [];
  const logger = { info: (line: string) => lines.push(line) };
  const own = new CompiledCache(10);
  const { engine, driver } = scriptedEngine(undefined, { echo: true, logger });
  runBlocking(
    engine.connect(function* (conn) {
      const uncached = { executionOptions: { compiledCache: null } };
      yield* conn.execute(lookup(1), undefined, uncached);
      yield* conn.execute(lookup(2), undefined, uncached);
      conn.executionOptions({ compiledCache: own });
      yield* conn.execute(lookup(3));
      yield* conn.execute(lookup(4));
    }),
    { handler: driver },
  );
  expect(lines.filter((line) => line.startsWith("["))).toEqual([
    "[generated] (1)",
    "[generated] (2)",
    "[generated] (3)",
    "[cached] (4)",
  ]);
  expect(own.size).toBe(1);
  expect(engine.dialect.compiledCache.size).toBe(0);
});

test("executionOptions() on a Connection changes it in place and returns it; the engine keeps its own", () => {
  const { engine, driver } = scriptedEngine(undefined, { executionOptions: { loggingToken: "engine" } });
  const conn = runBlocking(engine.connect(), { handler: driver });
  expect(conn.executionOptions({ loggingToken: "conn" })).toBe(conn);
  expect(conn.getExecutionOptions()).toEqual({ loggingToken: "conn" });
  expect(engine.getExecutionOptions()).toEqual({ loggingToken: "engine" });
  runBlocking(conn.close(), { handler: driver });
});

test("info belongs to the DBAPI connection: kept across checkouts of it, and gone with an invalidation", () => {
  const { engine, driver } = scriptedEngine();
  const seen = runBlocking(
    function* () {
      const first = yield* engine.connect();
      first.info.marker = "kept";
      first.getRawConnection().record.recordInfo.slot = "record";
      yield* first.close();
      const second = yield* engine.connect();
      const marker = second.info.marker;
      yield* second.invalidate();
      yield* second.close();
      const third = yield* engine.connect();
      const after = { ...third.info };
      const slot = third.getRawConnection().record.recordInfo.slot;
      yield* third.close();
      return { marker, after, slot, closedInfo: () => first.info };
    },
    { handler: driver },
  );
  expect(seen.marker).toBe("kept");
  expect(seen.after).toEqual({});
  expect(seen.slot).toBe("record");
  expect(seen.closedInfo).toThrow("This Connection is closed");
});
