import {
  column,
  consoleLogger,
  Integer,
  insert,
  type Logger,
  MetaData,
  runBlocking,
  setDefaultLogger,
  Table,
  Text,
  text,
} from "@athanor/core";
import { rowsResult, scriptedEngine } from "@athanor/core/testing";
import { afterEach, expect, test } from "vitest";

const metadata = new MetaData();
const notes = new Table("notes", metadata, { id: column(Integer, { primaryKey: true }), body: column(Text) });

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    debug: (message) => lines.push(`debug: ${message}`),
  };
}

afterEach(() => setDefaultLogger(consoleLogger));

test("echo: true logs BEGIN, each statement with its parameters (generated, then cached), and COMMIT", () => {
  const logger = recorder();
  const { engine, driver } = scriptedEngine(undefined, { echo: true, logger });
  runBlocking(
    engine.begin(function* (conn) {
      yield* conn.execute(insert(notes).values({ id: 1, body: "first" }));
      yield* conn.execute(insert(notes).values({ id: 2, body: "second" }));
    }),
    { handler: driver },
  );
  expect(logger.lines).toEqual([
    "BEGIN (implicit)",
    'insert into "notes" ("id", "body") values ($1, $2)',
    '[generated] (1, "first")',
    'insert into "notes" ("id", "body") values ($1, $2)',
    '[cached] (2, "second")',
    "COMMIT",
  ]);
});

test('echo: "debug" also logs the rows; loggingToken prefixes lines; no echo logs nothing', () => {
  const logger = recorder();
  const { engine, driver } = scriptedEngine(() => rowsResult(["n"], [[1], [2]]), {
    echo: "debug",
    logger,
    executionOptions: { loggingToken: "job-7" },
  });
  runBlocking(
    engine.connect(function* (conn) {
      yield* conn.execute(text("select n from t"));
    }),
    { handler: driver },
  );
  expect(logger.lines).toEqual([
    "[job-7] BEGIN (implicit)",
    "[job-7] select n from t",
    "[job-7] [generated] ()",
    'debug: Col ["n"]',
    "debug: Row (1)",
    "debug: Row (2)",
  ]);
  const quiet = recorder();
  const silent = scriptedEngine(undefined, { logger: quiet });
  runBlocking(
    silent.engine.connect(function* (conn) {
      yield* conn.execute(text("select 1"));
    }),
    { handler: silent.driver },
  );
  expect(quiet.lines).toEqual([]);
});

test("setDefaultLogger replaces the logger of engines made afterwards", () => {
  const logger = recorder();
  setDefaultLogger(() => logger);
  const { engine, driver } = scriptedEngine(undefined, { echo: true });
  runBlocking(
    engine.connect(function* (conn) {
      yield* conn.execute(text("select 1"));
    }),
    { handler: driver },
  );
  expect(logger.lines).toEqual(["BEGIN (implicit)", "select 1", "[generated] ()"]);
});
