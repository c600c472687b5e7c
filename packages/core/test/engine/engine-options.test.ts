import {
  ArgumentError,
  type Connection,
  ConnectRequest,
  column,
  createEngine,
  type DriverConnection,
  type Engine,
  type EngineOptions,
  type ExecutionOptions,
  engineFromConfig,
  Integer,
  MetaData,
  NullPool,
  QueuePool,
  type QueuePoolOptions,
  run,
  runBlocking,
  StaticPool,
  select,
  Table,
  text,
} from "@athanor/core";
import { scriptedEngine } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";

/** Options as an untyped caller (JavaScript, a config file) may pass them: the types don't stop these. */
function createUnchecked(options: Record<string, unknown>, url = "nowhere://"): Engine {
  return createEngine(url, options as EngineOptions);
}

/** Execution options as an untyped caller may pass them. */
function unchecked(options: Record<string, unknown>): ExecutionOptions {
  return options as ExecutionOptions;
}

/** The ArgumentError `fn` throws. */
function argumentError(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    if (error instanceof ArgumentError) return error;
  }
  throw new Error("expected an ArgumentError, nothing was thrown");
}

/** The engine's pool, checked to be a QueuePool. */
function queuePool(engine: Engine): QueuePool {
  const pool = engine.pool;
  if (!(pool instanceof QueuePool)) throw new Error(`expected a QueuePool, got ${pool.constructor.name}`);
  return pool;
}

const metadata = new MetaData();
const items = new Table("items", metadata, { id: column(Integer, { primaryKey: true }) });

describe("createEngine rejects bad options with an ArgumentError naming the option", () => {
  test("an unknown option", () => {
    expect(argumentError(() => createUnchecked({ poolsize: 5 })).message).toBe(
      'invalid engine options:\n✖ Unrecognized key: "poolsize"',
    );
    expect(argumentError(() => createUnchecked({ poolsize: 5, echoo: true })).message).toBe(
      'invalid engine options:\n✖ Unrecognized keys: "poolsize", "echoo"',
    );
  });

  test.each([
    [{ poolSize: "5" }, "✖ Invalid input: expected number, received string\n  → at poolSize"],
    [{ poolSize: 0 }, "✖ Too small: expected number to be >=1\n  → at poolSize"],
    [{ poolSize: 2.5 }, "✖ Invalid input: expected int, received number\n  → at poolSize"],
    [{ echo: "loud" }, "✖ Invalid input\n  → at echo"],
    [{ echoPool: 1 }, "✖ Invalid input\n  → at echoPool"],
    [{ poolclass: "weird" }, "✖ Invalid input\n  → at poolclass"],
    [
      { isolationLevel: "CHAOS" },
      '✖ Invalid option: expected one of "AUTOCOMMIT"|"READ COMMITTED"|"READ UNCOMMITTED"|"REPEATABLE READ"|"SERIALIZABLE"\n  → at isolationLevel',
    ],
    [{ poolTimeout: -1 }, "✖ Too small: expected number to be >0\n  → at poolTimeout"],
    [{ maxOverflow: -2 }, "✖ Too small: expected number to be >=-1\n  → at maxOverflow"],
    [{ poolPrePing: "yes" }, "✖ Invalid input: expected boolean, received string\n  → at poolPrePing"],
    [
      { creator: "postgres://elsewhere" },
      "✖ creator must be a function returning a promise of a driver connection\n  → at creator",
    ],
    [
      { logger: { log: () => {} } },
      "✖ a logger must be an object with an info(message) method\n  → at logger",
    ],
    [
      { executionOptions: { yieldPer: 0 } },
      "✖ Too small: expected number to be >=1\n  → at executionOptions.yieldPer",
    ],
  ])("%o", (options, detail) => {
    expect(argumentError(() => createUnchecked(options)).message).toBe(`invalid engine options:\n${detail}`);
  });

  test("the URL is checked before the options", () => {
    expect(argumentError(() => createUnchecked({ poolsize: 5 }, "not a url")).message).toBe(
      'could not parse a database URL from "not a url": expected "dialect+driver://user:password@host:port/database"',
    );
  });
});

describe("accepted options are reflected on the engine", () => {
  test("defaults: no echo, no execution options, the dialect's pool (a QueuePool of 5 + 10, 30 s)", () => {
    const { engine } = scriptedEngine();
    expect(engine.echo).toBe(false);
    expect(engine.getExecutionOptions()).toEqual({});
    const pool = queuePool(engine);
    expect(pool).not.toBeInstanceOf(StaticPool);
    expect(pool.size).toBe(5);
    expect(pool.maxOverflow).toBe(10);
    expect(pool.timeout).toBe(30);
    expect(pool.useLifo).toBe(false);
  });

  test("echo", () => {
    expect(scriptedEngine(undefined, { echo: true }).engine.echo).toBe(true);
    expect(scriptedEngine(undefined, { echo: "debug" }).engine.echo).toBe("debug");
    expect(scriptedEngine(undefined, { echo: false }).engine.echo).toBe(false);
  });

  test("isolationLevel and executionOptions become the engine's execution options", () => {
    const { engine } = scriptedEngine(undefined, {
      isolationLevel: "SERIALIZABLE",
      executionOptions: { loggingToken: "main", application: "billing" },
    });
    expect(engine.getExecutionOptions()).toEqual({
      loggingToken: "main",
      application: "billing",
      isolationLevel: "SERIALIZABLE",
    });
  });

  test("poolclass picks the pool; QueuePool settings come from poolSize, maxOverflow, poolTimeout, poolUseLifo", () => {
    const queue = queuePool(
      scriptedEngine(undefined, {
        poolclass: "queue",
        poolSize: 3,
        maxOverflow: -1,
        poolTimeout: 2.5,
        poolUseLifo: true,
      }).engine,
    );
    expect(queue.constructor).toBe(QueuePool);
    expect(queue.size).toBe(3);
    expect(queue.maxOverflow).toBe(-1);
    expect(queue.timeout).toBe(2.5);
    expect(queue.useLifo).toBe(true);

    const staticPool = queuePool(scriptedEngine(undefined, { poolclass: "static", poolTimeout: 4 }).engine);
    expect(staticPool).toBeInstanceOf(StaticPool);
    expect(staticPool.size).toBe(1);
    expect(staticPool.maxOverflow).toBe(0);
    expect(staticPool.timeout).toBe(4);

    const nullPool = scriptedEngine(undefined, { poolclass: "null" }).engine.pool;
    expect(nullPool).toBeInstanceOf(NullPool);
  });

  test("poolclass may be a Pool subclass: it is made with the queue options", () => {
    class CountingPool extends QueuePool {
      static made = 0;
      constructor(options: QueuePoolOptions) {
        super(options);
        CountingPool.made++;
      }
    }
    const { engine } = scriptedEngine(undefined, { poolclass: CountingPool, poolSize: 2, maxOverflow: 1 });
    const pool = engine.pool;
    expect(pool).toBeInstanceOf(CountingPool);
    expect(CountingPool.made).toBe(1);
    expect(queuePool(engine).size).toBe(2);
    expect(queuePool(engine).maxOverflow).toBe(1);
  });

  test("pool behaviour options reach the pool", () => {
    const { engine } = scriptedEngine(undefined, {
      poolPrePing: true,
      poolRecycle: 3600,
      poolResetOnReturn: false,
    });
    expect(engine.pool.options.prePing).toBe(true);
    expect(engine.pool.options.recycle).toBe(3600);
    expect(engine.pool.options.resetOnReturn).toBe(false);
    expect(engine.pool.options.dialect).toBe(engine.dialect);
  });

  test("connectArgs are handed to the dialect's connect", () => {
    const { engine, driver } = scriptedEngine(undefined, {
      connectArgs: { ssl: true, applicationName: "x" },
    });
    runBlocking(
      engine.connect(function* () {}),
      { handler: driver },
    );
    const request = driver.requests[0];
    expect(request).toBeInstanceOf(ConnectRequest);
    if (!(request instanceof ConnectRequest)) return;
    expect(request.params?.connectArgs).toEqual({ ssl: true, applicationName: "x" });
    expect(request.params?.url).toBe(engine.url);
  });

  test("a creator replaces the dialect's connect", async () => {
    const sent: string[] = [];
    const fake: DriverConnection = {
      driverConnection: "made by creator",
      execute: (sql) => {
        sent.push(sql);
        return Promise.resolve({ rows: [[7]], fields: ["n"], returnsRows: true, rowcount: 1 });
      },
      executeMany: () => Promise.resolve({ rowcount: 0 }),
      openCursor: () => Promise.reject(new Error("no cursors")),
      close: () => Promise.resolve(),
      terminate: () => {},
    };
    let created = 0;
    const { engine } = scriptedEngine(undefined, {
      creator: () => {
        created++;
        return Promise.resolve(fake);
      },
    });
    const value = await run(
      engine.connect(function* (conn) {
        expect(conn.getRawConnection().driverConnection).toBe("made by creator");
        return yield* conn.scalar(text("select 7"));
      }),
    );
    expect(value).toBe(7);
    expect(created).toBe(1);
    expect(sent).toEqual(["BEGIN", "select 7", "ROLLBACK"]);
  });

  test("a logger receives the echoed SQL; echo off logs nothing", () => {
    const lines: string[] = [];
    const logger = { info: (message: string) => lines.push(message) };
    const { engine, driver } = scriptedEngine(undefined, { echo: true, logger });
    expect(engine.logger).toBe(logger);
    runBlocking(
      engine.begin(function* (conn) {
        yield* conn.execute(select(items.c.id).where(items.c.id.eq(3)));
      }),
      { handler: driver },
    );
    expect(lines).toEqual([
      "BEGIN (implicit)",
      'select "items"."id" from "items" where "items"."id" = $1',
      "[generated] (3)",
      "COMMIT",
    ]);
    const quiet: string[] = [];
    const off = scriptedEngine(undefined, { logger: { info: (message: string) => quiet.push(message) } });
    runBlocking(
      off.engine.begin(function* (conn) {
        yield* conn.execute(text("select 1"));
      }),
      { handler: off.driver },
    );
    expect(quiet).toEqual([]);
  });
});

describe("engineFromConfig", () => {
  /** A URL of a registered scripted dialect. */
  function scriptedUrl(): string {
    return scriptedEngine().engine.url.toString();
  }

  test('prefix "athanor." by default; snake_case and camelCase keys; strings coerced to each option\'s type', () => {
    const url = scriptedUrl();
    const engine = engineFromConfig({
      "athanor.url": url,
      "athanor.echo": "true",
      "athanor.pool_size": "7",
      "athanor.maxOverflow": "3",
      "athanor.pool_timeout": "2.5",
      "athanor.pool_recycle": "-1",
      "athanor.pool_pre_ping": "1",
      "athanor.pool_use_lifo": "false",
      "athanor.poolResetOnReturn": "0",
      "athanor.isolation_level": "REPEATABLE READ",
    });
    expect(engine.url.toString()).toBe(url);
    expect(engine.echo).toBe(true);
    const pool = queuePool(engine);
    expect(pool.size).toBe(7);
    expect(pool.maxOverflow).toBe(3);
    expect(pool.timeout).toBe(2.5);
    expect(pool.useLifo).toBe(false);
    expect(pool.options.recycle).toBe(-1);
    expect(pool.options.prePing).toBe(true);
    expect(pool.options.resetOnReturn).toBe(false);
    expect(engine.getExecutionOptions()).toEqual({ isolationLevel: "REPEATABLE READ" });
  });

  test.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["on", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["off", false],
    ["debug", "debug"],
    [" Debug ", "debug"],
    [true, true],
  ])("echo %o reads as %o", (given, expected) => {
    const engine = engineFromConfig({ "athanor.url": scriptedUrl(), "athanor.echo": given });
    expect(engine.echo).toBe(expected);
  });

  test("values that are not strings are taken as they are", () => {
    const engine = engineFromConfig({
      "athanor.url": scriptedUrl(),
      "athanor.pool_size": 4,
      "athanor.poolclass": "static",
    });
    expect(engine.pool).toBeInstanceOf(StaticPool);
  });

  test("keys without the prefix are ignored, even ones that would not parse", () => {
    const engine = engineFromConfig({
      "athanor.url": scriptedUrl(),
      pool_size: "lots",
      "other.pool_size": "lots",
      athanorpool_size: "lots",
      url: "not a url",
    });
    expect(queuePool(engine).size).toBe(5);
  });

  test("a custom prefix", () => {
    const url = scriptedUrl();
    const engine = engineFromConfig(
      {
        "db.url": url,
        "db.pool_size": "2",
        "db.echo": "debug",
        "athanor.pool_size": "lots",
        "athanor.url": "nowhere",
      },
      "db.",
    );
    expect(engine.url.toString()).toBe(url);
    expect(queuePool(engine).size).toBe(2);
    expect(engine.echo).toBe("debug");
  });

  test("a missing url", () => {
    expect(argumentError(() => engineFromConfig({ "athanor.pool_size": "5" })).message).toBe(
      'engineFromConfig: no "athanor.url" string in the config',
    );
    expect(argumentError(() => engineFromConfig({ "athanor.url": "x://" }, "db.")).message).toBe(
      'engineFromConfig: no "db.url" string in the config',
    );
    expect(argumentError(() => engineFromConfig({ "athanor.url": 5 })).message).toBe(
      'engineFromConfig: no "athanor.url" string in the config',
    );
  });

  test("a string that can't be coerced is rejected, naming the option", () => {
    const url = scriptedUrl();
    expect(
      argumentError(() => engineFromConfig({ "athanor.url": url, "athanor.pool_size": "lots" })).message,
    ).toBe("invalid engine options:\n✖ Invalid input: expected number, received string\n  → at poolSize");
    expect(
      argumentError(() => engineFromConfig({ "athanor.url": url, "athanor.pool_size": "" })).message,
    ).toBe("invalid engine options:\n✖ Invalid input: expected number, received string\n  → at poolSize");
    expect(
      argumentError(() => engineFromConfig({ "athanor.url": url, "athanor.pool_pre_ping": "maybe" })).message,
    ).toBe("invalid engine options:\n✖ Invalid input: expected boolean, received string\n  → at poolPrePing");
    expect(
      argumentError(() => engineFromConfig({ "athanor.url": url, "athanor.echo": "loud" })).message,
    ).toBe("invalid engine options:\n✖ Invalid input\n  → at echo");
    expect(
      argumentError(() => engineFromConfig({ "athanor.url": url, "athanor.pool_sizes": "5" })).message,
    ).toBe('invalid engine options:\n✖ Unrecognized key: "poolSizes"');
  });
});

describe("execution options", () => {
  test("executionOptions() returns a new Engine sharing pool and dialect, with the options merged", () => {
    const { engine, driver } = scriptedEngine(undefined, { executionOptions: { loggingToken: "main" } });
    const child = engine.executionOptions({ isolationLevel: "SERIALIZABLE", custom: 1 });
    expect(child).not.toBe(engine);
    expect(child.pool).toBe(engine.pool);
    expect(child.dialect).toBe(engine.dialect);
    expect(child.url).toBe(engine.url);
    expect(child.getExecutionOptions()).toEqual({
      loggingToken: "main",
      isolationLevel: "SERIALIZABLE",
      custom: 1,
    });
    expect(engine.getExecutionOptions()).toEqual({ loggingToken: "main" });
    const grandchild = child.executionOptions({ loggingToken: "grand" });
    expect(grandchild.getExecutionOptions()).toEqual({
      loggingToken: "grand",
      isolationLevel: "SERIALIZABLE",
      custom: 1,
    });
    expect(grandchild.pool).toBe(engine.pool);

    const conn = runBlocking(child.connect(), { handler: driver });
    expect(conn.engine).toBe(child);
    expect(conn.getExecutionOptions()).toEqual({
      loggingToken: "main",
      isolationLevel: "SERIALIZABLE",
      custom: 1,
    });
    runBlocking(conn.close(), { handler: driver });
  });

  test("updateExecutionOptions changes the engine in place; engines derived before keep theirs", () => {
    const { engine } = scriptedEngine();
    const child = engine.executionOptions({ loggingToken: "child" });
    engine.updateExecutionOptions({ isolationLevel: "READ COMMITTED" });
    engine.updateExecutionOptions({ loggingToken: "main" });
    expect(engine.getExecutionOptions()).toEqual({ isolationLevel: "READ COMMITTED", loggingToken: "main" });
    expect(child.getExecutionOptions()).toEqual({ loggingToken: "child" });
  });

  test("invalid execution options are rejected and change nothing", () => {
    const { engine } = scriptedEngine(undefined, { executionOptions: { loggingToken: "main" } });
    expect(argumentError(() => engine.executionOptions({ yieldPer: 0 })).message).toBe(
      "invalid execution options:\n✖ Too small: expected number to be >=1\n  → at yieldPer",
    );
    const badLevel =
      'invalid execution options:\n✖ Invalid option: expected one of "AUTOCOMMIT"|"READ COMMITTED"|"READ UNCOMMITTED"|"REPEATABLE READ"|"SERIALIZABLE"\n  → at isolationLevel';
    expect(argumentError(() => engine.executionOptions(unchecked({ isolationLevel: "x" }))).message).toBe(
      badLevel,
    );
    expect(
      argumentError(() => engine.updateExecutionOptions(unchecked({ isolationLevel: "x" }))).message,
    ).toBe(badLevel);
    expect(
      argumentError(() => engine.updateExecutionOptions(unchecked({ streamResults: "yes" }))).message,
    ).toBe(
      "invalid execution options:\n✖ Invalid input: expected boolean, received string\n  → at streamResults",
    );
    expect(engine.getExecutionOptions()).toEqual({ loggingToken: "main" });
  });

  test("clearCompiledCache empties the dialect's compiled cache (shared with derived engines)", () => {
    const { engine, driver } = scriptedEngine();
    const cache = engine.dialect.compiledCache;
    const child = engine.executionOptions({ loggingToken: "child" });
    const body = function* (conn: Connection) {
      yield* conn.execute(select(items.c.id));
      yield* conn.execute(select(items.c.id).where(items.c.id.eq(1)));
    };
    runBlocking(engine.connect(body), { handler: driver });
    expect(cache.size).toBe(2);
    engine.clearCompiledCache();
    expect(cache.size).toBe(0);
    runBlocking(engine.connect(body), { handler: driver });
    expect(cache.size).toBe(2);
    child.clearCompiledCache();
    expect(cache.size).toBe(0);
  });
});
