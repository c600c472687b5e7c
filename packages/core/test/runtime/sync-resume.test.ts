import { type IORequest, op, opFn, pure, type RequestHandler, run, runBlocking } from "@athanor/core";
import { ScriptedDriver } from "@athanor/core/testing";
import { expect, test } from "vitest";
import { query, sqlText } from "./query-request.ts";

const threeQueries = (order: string[]) =>
  op(function* threeQueries() {
    let sum = 0;
    for (const n of [1, 2, 3]) {
      sum += yield* query<number>(`select ${n}`);
      order.push(`answer ${n}`);
    }
    order.push("op done");
    return sum;
  });

const answerNumber = (request: IORequest) => Number(sqlText(request).slice("select ".length));

/** Whether a promise has already settled: a settled promise wins a race against a fresh resolved one. */
async function alreadySettled(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol("pending");
  const winner = await Promise.race([promise, Promise.resolve(marker)]);
  return winner !== marker;
}

test("run() with a sync driver finishes the op before a microtask queued just before run() fires", async () => {
  const order: string[] = [];
  queueMicrotask(() => order.push("microtask"));
  const result = run(threeQueries(order), { handler: ScriptedDriver.sync(answerNumber) });
  order.push("run() returned");
  expect(order).toEqual(["answer 1", "answer 2", "answer 3", "op done", "run() returned"]);
  expect(await result).toBe(6);
  expect(order).toEqual(["answer 1", "answer 2", "answer 3", "op done", "run() returned", "microtask"]);
});

test("run() with a sync driver settles its promise synchronously", async () => {
  const order: string[] = [];
  const result = run(threeQueries(order), { handler: ScriptedDriver.sync(answerNumber) });
  expect(await alreadySettled(result)).toBe(true);
  expect(await result).toBe(6);
});

test("contrast: with an async driver the microtask runs first and the op finishes later", async () => {
  const order: string[] = [];
  queueMicrotask(() => order.push("microtask"));
  const result = run(threeQueries(order), { handler: ScriptedDriver.async(answerNumber) });
  order.push("run() returned");
  expect(order).toEqual(["run() returned"]);
  expect(await alreadySettled(run(threeQueries([]), { handler: ScriptedDriver.async(answerNumber) }))).toBe(
    false,
  );
  expect(await result).toBe(6);
  expect(order).toEqual(["run() returned", "microtask", "answer 1", "answer 2", "answer 3", "op done"]);
});

test("after a promised answer, the following sync answers resume in the same turn (no hop per request)", async () => {
  const order: string[] = [];
  const driver = new ScriptedDriver((request, index) => {
    if (index === 0) return Promise.resolve(answerNumber(request));
    // Queued while the op is between its 2nd and 3rd request: it must not get in before the op ends.
    if (index === 1) queueMicrotask(() => order.push("microtask queued at request 2"));
    return answerNumber(request);
  });
  const result = await run(threeQueries(order), { handler: driver });
  expect(result).toBe(6);
  expect(order).toEqual(["answer 1", "answer 2", "answer 3", "op done", "microtask queued at request 2"]);
});

test("runBlocking returns the value itself, not a promise", () => {
  const order: string[] = [];
  const value = runBlocking(threeQueries(order), { handler: ScriptedDriver.sync(answerNumber) });
  expect(value).toBe(6);
  expect(value).not.toBeInstanceOf(Promise);
  expect(order).toEqual(["answer 1", "answer 2", "answer 3", "op done"]);
});

/** A handler that counts every call, to show that pure() never reaches it. */
function countingHandler(): RequestHandler & { calls: number } {
  return {
    calls: 0,
    answer(request) {
      this.calls++;
      return answerNumber(request);
    },
    cancel() {
      this.calls++;
    },
  };
}

const pureOnly = opFn(function* pureOnly(n: number) {
  const shared = { n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* pure(i);
  const same = yield* pure(shared);
  return { sum, same, shared };
});

test("pure() ops make no request and never call the handler (runBlocking)", () => {
  const handler = countingHandler();
  const { sum, same, shared } = runBlocking(pureOnly(100), { handler });
  expect(sum).toBe(4950);
  expect(same).toBe(shared);
  expect(handler.calls).toBe(0);
});

test("pure() ops make no request and never call the handler (run), and settle synchronously", async () => {
  const handler = countingHandler();
  const driver = ScriptedDriver.sync(answerNumber);
  const result = run(pureOnly(10), { handler });
  expect(await alreadySettled(result)).toBe(true);
  expect((await result).sum).toBe(45);
  expect(await run(pure("root"), { handler: driver })).toBe("root");
  expect(handler.calls).toBe(0);
  expect(driver.requests).toEqual([]);
});

test("one pure() op can be yielded many times and always gives its value", () => {
  const seven = pure(7);
  const handler = countingHandler();
  const value = runBlocking(
    op(function* reusePure() {
      return (yield* seven) + (yield* seven) + (yield* seven);
    }),
    { handler },
  );
  expect(value).toBe(21);
  expect(runBlocking(seven)).toBe(7);
  expect(handler.calls).toBe(0);
});

test("pure() mixed with requests: only the requests reach the driver", () => {
  const driver = ScriptedDriver.sync(answerNumber);
  const value = runBlocking(
    op(function* mixed() {
      const a = yield* pure(10);
      const b = yield* query<number>("select 5");
      const c = yield* pure(100);
      return a + b + c;
    }),
    { handler: driver },
  );
  expect(value).toBe(115);
  expect(driver.requests.map(sqlText)).toEqual(["select 5"]);
});
