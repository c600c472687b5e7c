import { runBlocking, text } from "@athanor/core";
import { rowsResult, scriptedEngine } from "@athanor/core/testing";
import { expect, test } from "vitest";

// Statements without declared result columns (text(), execDriverSql) are read by the fields the
// driver reports. Equal fields in a row share one columns array (so one Result layout); these tests
// pin that the names stay right when the fields change, and when a driver reuses its fields array.

test("results read by the driver's fields are named by each statement's own fields", () => {
  const answers = [
    rowsResult(["a", "b"], [[1, 2]]),
    rowsResult(["a", "b"], [[3, 4]]),
    rowsResult(["a", "c"], [[5, 6]]),
    rowsResult(["a", "b"], [[7, 8]]),
  ];
  let next = 0;
  const { engine, driver } = scriptedEngine((request) =>
    request.kind === "execute" && request.sql === "q" ? answers[next++] : undefined,
  );
  const mappings = runBlocking(
    engine.connect(function* (conn) {
      const seen: Record<string, unknown>[] = [];
      for (let i = 0; i < answers.length; i++)
        seen.push({ ...(yield* conn.execute(text("q"))).one()._mapping });
      return seen;
    }),
    { handler: driver },
  );
  expect(mappings).toEqual([
    { a: 1, b: 2 },
    { a: 3, b: 4 },
    { a: 5, c: 6 },
    { a: 7, b: 8 },
  ]);
});

test("a driver that reuses one fields array, changing it in place, still gets the right names", () => {
  const fields = ["x"];
  let next = 0;
  const { engine, driver } = scriptedEngine((request) => {
    if (request.kind !== "execute" || request.sql !== "q") return undefined;
    fields[0] = next === 0 ? "x" : "y";
    return { rows: [[next++]], fields, returnsRows: true, rowcount: 1 };
  });
  const keys = runBlocking(
    engine.connect(function* (conn) {
      const first = (yield* conn.execDriverSql("q")).keys();
      const second = (yield* conn.execDriverSql("q")).keys();
      return [first, second];
    }),
    { handler: driver },
  );
  expect(keys).toEqual([["x"], ["y"]]);
});
