import { AbortError, type IORequest, opFn, run, runBlocking } from "@athanor/core";
import { type Deferred, deferred, ScriptedDriver } from "@athanor/core/testing";
import { expect, test } from "vitest";
import { query, settle, sqlOf, sqlText } from "./query-request.ts";

const fetchValue = opFn(function* fetchValue(sql: string) {
  return yield* query<number>(sql);
});

const addTwo = opFn(function* addTwo(name: string) {
  const first = yield* fetchValue(`select ${name} 1`);
  const second = yield* fetchValue(`select ${name} 2`);
  return `${name}: ${first + second}`;
});

/** A driver that holds every request on its own deferred, keyed by SQL, for the test to settle. */
function heldDriver(): { driver: ScriptedDriver; held: Map<string, Deferred<unknown>> } {
  const held = new Map<string, Deferred<unknown>>();
  const driver = new ScriptedDriver((request) => {
    const answer = deferred<unknown>();
    held.set(sqlText(request), answer);
    return answer.promise;
  });
  return { driver, held };
}

function resolveHeld(held: Map<string, Deferred<unknown>>, sql: string, value: unknown): void {
  const answer = held.get(sql);
  if (answer === undefined) throw new Error(`no request "${sql}" is held`);
  answer.resolve(value);
}

test("two concurrent runs with answers resolved in reverse order each get their own answers", async () => {
  const a = heldDriver();
  const b = heldDriver();
  const runA = run(addTwo("a"), { handler: a.driver });
  const runB = run(addTwo("b"), { handler: b.driver });
  expect([...a.held.keys(), ...b.held.keys()]).toEqual(["select a 1", "select b 1"]);

  resolveHeld(b.held, "select b 1", 100);
  await settle(1);
  expect(sqlOf(b.driver)).toEqual(["select b 1", "select b 2"]);
  expect(sqlOf(a.driver)).toEqual(["select a 1"]);

  resolveHeld(a.held, "select a 1", 1);
  await settle(1);
  resolveHeld(b.held, "select b 2", 200);
  resolveHeld(a.held, "select a 2", 2);
  expect(await runB).toBe("b: 300");
  expect(await runA).toBe("a: 3");
  expect(sqlOf(a.driver)).toEqual(["select a 1", "select a 2"]);
  expect(sqlOf(b.driver)).toEqual(["select b 1", "select b 2"]);
});

test("three runs sharing one driver, answered in reverse order of asking", async () => {
  const { driver, held } = heldDriver();
  const names = ["x", "y", "z"];
  const runs = names.map((name) => run(addTwo(name), { handler: driver }));
  for (const step of [1, 2]) {
    for (const [i, name] of [...names.entries()].reverse()) {
      resolveHeld(held, `select ${name} ${step}`, (i + 1) * step);
    }
    await settle(1);
  }
  expect(await Promise.all(runs)).toEqual(["x: 3", "y: 6", "z: 9"]);
  expect(sqlOf(driver)).toEqual([
    "select x 1",
    "select y 1",
    "select z 1",
    "select z 2",
    "select y 2",
    "select x 2",
  ]);
});

test("1000 concurrent runs with Promise.resolve answers interleave and all give the right result", async () => {
  const RUNS = 1000;
  const STEPS = 5;
  const log: number[] = [];
  const sumSteps = opFn(function* sumSteps(id: number) {
    let total = 0;
    for (let step = 0; step < STEPS; step++) total += yield* fetchValue(`${id} ${step}`);
    return { id, total };
  });
  const handler = {
    answer(request: IORequest) {
      const [id = 0, step = 0] = sqlText(request).split(" ").map(Number);
      log.push(id);
      return Promise.resolve(id * 10 + step);
    },
  };
  const results = await Promise.all(Array.from({ length: RUNS }, (_, id) => run(sumSteps(id), { handler })));
  results.forEach((result, id) => {
    expect(result).toEqual({ id, total: id * 10 * STEPS + (STEPS * (STEPS - 1)) / 2 });
  });
  expect(log).toHaveLength(RUNS * STEPS);
  // Interleaved: every run asked its first question before any run asked its second.
  expect(log.slice(0, RUNS)).toEqual(Array.from({ length: RUNS }, (_, id) => id));
});

test("concurrent runs answered after random delays all give the right result", async () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const handler = {
    answer(request: IORequest) {
      const value = Number(sqlText(request).split(" ")[2]);
      return new Promise<number>((resolve) => setTimeout(() => resolve(value), Math.floor(random() * 4)));
    },
  };
  const chain = opFn(function* chain(id: number) {
    let acc = 0;
    for (let i = 0; i < 3; i++) acc += yield* fetchValue(`select run ${id * 100 + i}`);
    return acc;
  });
  const results = await Promise.all(Array.from({ length: 50 }, (_, id) => run(chain(id), { handler })));
  expect(results).toEqual(Array.from({ length: 50 }, (_, id) => id * 300 + 3));
});

test("aborting one run leaves a concurrent run on the same driver untouched", async () => {
  const { driver, held } = heldDriver();
  const controller = new AbortController();
  const aborted = run(addTwo("p"), { handler: driver, signal: controller.signal });
  const survivor = run(addTwo("q"), { handler: driver });
  controller.abort("only p");
  await expect(aborted).rejects.toBeInstanceOf(AbortError);
  resolveHeld(held, "select q 1", 5);
  await settle(1);
  resolveHeld(held, "select q 2", 6);
  expect(await survivor).toBe("q: 11");
  expect(driver.cancellations.map((c) => sqlText(c.request))).toEqual(["select p 1"]);
  expect(sqlOf(driver)).toEqual(["select p 1", "select q 1", "select q 2"]);
});

test("a run started from inside another run's handler completes independently", async () => {
  const innerDriver = ScriptedDriver.sync(() => 20);
  const outerDriver = ScriptedDriver.sync((request) =>
    sqlText(request) === "select outer 1" ? runBlocking(addTwo("inner"), { handler: innerDriver }) : "second",
  );
  const value = await run(
    opFn(function* outerRun() {
      const first = yield* query<string>("select outer 1");
      const second = yield* query<string>("select outer 2");
      return [first, second];
    })(),
    { handler: outerDriver },
  );
  expect(value).toEqual(["inner: 40", "second"]);
  expect(sqlOf(innerDriver)).toEqual(["select inner 1", "select inner 2"]);
  expect(sqlOf(outerDriver)).toEqual(["select outer 1", "select outer 2"]);
});
