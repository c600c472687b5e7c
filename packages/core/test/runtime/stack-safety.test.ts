import { AbortError, type GenOp, op, opFn, run, runBlocking } from "@athanor/core";
import { deferred, ScriptedDriver } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";
import { query, sqlOf } from "./query-request.ts";

// The scheduler keeps its own stack of frames: neither the number of requests nor the nesting depth
// may grow the JS stack (Node's default overflows at roughly 10k nested calls).

const MANY = 100_000;

const manyRequests = op(function* manyRequests() {
  let sum = 0;
  for (let i = 0; i < MANY; i++) sum += yield* query<number>("select next");
  return sum;
});
const expectedSum = (MANY * (MANY - 1)) / 2;

// The generator's own name differs from the const on purpose: inside a named function expression
// its name is bound to the raw generator function, which would recurse natively, not through opFn.
const descend: (depth: number) => GenOp<number> = opFn(function* descendStep(depth: number) {
  if (depth === 0) return yield* query<number>("select bottom");
  const below = yield* descend(depth - 1);
  return below + 1;
});

describe("100_000 synchronously answered requests in one op", () => {
  test("runBlocking", () => {
    const driver = ScriptedDriver.sync((_request, index) => index);
    expect(runBlocking(manyRequests, { handler: driver })).toBe(expectedSum);
    expect(driver.requests).toHaveLength(MANY);
  });

  test("run", async () => {
    const driver = ScriptedDriver.sync((_request, index) => index);
    expect(await run(manyRequests, { handler: driver })).toBe(expectedSum);
    expect(driver.requests).toHaveLength(MANY);
  });
});

describe("100_000-deep nesting of GenOps with a request at the bottom", () => {
  test("runBlocking, sync driver", () => {
    const driver = ScriptedDriver.sync(() => 7);
    expect(runBlocking(descend(MANY), { handler: driver })).toBe(7 + MANY);
    expect(sqlOf(driver)).toEqual(["select bottom"]);
  });

  test("run, sync driver", async () => {
    const driver = ScriptedDriver.sync(() => 7);
    expect(await run(descend(MANY), { handler: driver })).toBe(7 + MANY);
    expect(sqlOf(driver)).toEqual(["select bottom"]);
  });

  test("run, async driver, 10_000 deep", async () => {
    const driver = ScriptedDriver.async(() => 7);
    expect(await run(descend(10_000), { handler: driver })).toBe(7 + 10_000);
    expect(sqlOf(driver)).toEqual(["select bottom"]);
  });

  test("run, async driver, a request at every one of 10_000 levels", async () => {
    const climb: (depth: number) => GenOp<number> = opFn(function* climbStep(depth: number) {
      const here = yield* query<number>(`select ${depth}`);
      return depth === 0 ? here : here + (yield* climb(depth - 1));
    });
    const driver = ScriptedDriver.async(() => 1);
    expect(await run(climb(10_000), { handler: driver })).toBe(10_001);
    expect(driver.requests).toHaveLength(10_001);
  });
});

describe("an error at the bottom of 100_000-deep nesting", () => {
  const failure = new Error("bottom failed");
  const fail: (depth: number) => GenOp<number> = opFn(function* failStep(depth: number) {
    if (depth === 0) throw failure;
    return (yield* fail(depth - 1)) + 1;
  });

  test("propagates to the top as the identical error (runBlocking)", () => {
    let caught: unknown;
    try {
      runBlocking(fail(MANY));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(failure);
  });

  test("propagates to the top as the identical error (run), with the op frames shown capped", async () => {
    const error = new Error("bottom request failed");
    const driver = ScriptedDriver.sync(() => {
      throw error;
    });
    await expect(run(descend(MANY), { handler: driver })).rejects.toBe(error);
    const opLines = (error.stack ?? "").split("\n").filter((line) => line.includes("athanor op"));
    expect(opLines).toHaveLength(50);
    expect(opLines.every((line) => line === "    at descendStep (athanor op)")).toBe(true);
    expect(error.stack).toMatch(/\n {4}\.\.\. 99951 more op frames$/);
  });

  test("a try/catch half-way up catches it and the rest of the stack goes on", async () => {
    const HALF = MANY / 2;
    const guarded: (depth: number) => GenOp<number> = opFn(function* guardedStep(depth: number) {
      if (depth === HALF) {
        try {
          return yield* fail(depth - 1);
        } catch (error) {
          expect(error).toBe(failure);
          return -1_000_000;
        }
      }
      return (yield* guarded(depth - 1)) + 1;
    });
    expect(runBlocking(guarded(MANY))).toBe(-1_000_000 + HALF);
    expect(await run(guarded(MANY))).toBe(-1_000_000 + HALF);
  });

  test("every one of the 100_001 frames' finally runs on the way up", () => {
    let finallies = 0;
    const unwinding: (depth: number) => GenOp<number> = opFn(function* unwindingStep(depth: number) {
      try {
        if (depth === 0) throw failure;
        return yield* unwinding(depth - 1);
      } finally {
        finallies++;
      }
    });
    expect(() => runBlocking(unwinding(MANY))).toThrow(failure);
    expect(finallies).toBe(MANY + 1);
  });
});

test("aborting a run waiting at the bottom of 100_000-deep nesting closes every frame", async () => {
  const answer = deferred<number>();
  const closed: number[] = [];
  const hold: (depth: number) => GenOp<number> = opFn(function* holdStep(depth: number) {
    try {
      if (depth === 0) return yield* query<number>("select held");
      return yield* hold(depth - 1);
    } finally {
      closed.push(depth);
    }
  });
  const controller = new AbortController();
  const driver = new ScriptedDriver(() => answer.promise);
  const result = run(hold(MANY), { handler: driver, signal: controller.signal });
  await Promise.resolve();
  expect(closed).toEqual([]);
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  expect(closed).toHaveLength(MANY + 1);
  expect(closed[0]).toBe(0);
  expect(closed[MANY]).toBe(MANY);
  expect(driver.cancellations).toHaveLength(1);
});
