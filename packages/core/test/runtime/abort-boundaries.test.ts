import { AbortError, IORequest, op, run } from "@athanor/core";
import { deferred, ScriptedDriver } from "@athanor/core/testing";
import { expect, test } from "vitest";
import { Query, query, settle, sqlOf } from "./query-request.ts";

/**
 * Where an abort takes effect, and what becomes of IO it overtakes: an answer that arrives after the
 * run gave up is handed back to its request (a connection or pool slot it holds is released, never
 * leaked); a request is never started once the run is aborted; a request that may not be cut short
 * (COMMIT) is waited for, and the abort takes effect at the next request.
 */

/** A request that records what it was told: cancel, abandoned. */
class Holding<T> extends Query<T> {
  readonly told: string[] = [];
  readonly cutShort: boolean;

  constructor(sql: string, cutShort = true) {
    super(sql);
    this.cutShort = cutShort;
  }

  override cancel(): void {
    this.told.push("cancel");
  }

  override abandoned(answer: T): void {
    this.told.push(`abandoned ${String(answer)}`);
  }

  override get interruptible(): boolean {
    return this.cutShort;
  }
}

test("an answer that arrives after the abort is handed back to its request, and to the handler", async () => {
  const held = deferred<string>();
  const driver = new ScriptedDriver(() => held.promise);
  const request = new Holding<string>("acquire");
  const controller = new AbortController();
  const result = run(request, { handler: driver, signal: controller.signal });
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  expect(request.told).toEqual(["cancel"]);
  held.resolve("a connection");
  await settle();
  expect(request.told).toEqual(["cancel", "abandoned a connection"]);
  expect(driver.abandonedAnswers).toHaveLength(1);
  expect(driver.abandonedAnswers[0]?.request).toBe(request);
  expect(driver.abandonedAnswers[0]?.answer).toBe("a connection");
});

test("an answer resolved in the very tick of the abort, before the run took it, is handed back", async () => {
  const held = deferred<string>();
  const request = new Holding<string>("acquire");
  const controller = new AbortController();
  const result = run(request, { handler: new ScriptedDriver(() => held.promise), signal: controller.signal });
  held.resolve("a slot");
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  await settle();
  expect(request.told).toEqual(["cancel", "abandoned a slot"]);
});

test("a rejection after the abort is swallowed: nothing to hand back", async () => {
  const held = deferred<string>();
  const request = new Holding<string>("acquire");
  const controller = new AbortController();
  const result = run(request, { handler: new ScriptedDriver(() => held.promise), signal: controller.signal });
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  held.reject(new Error("connect failed"));
  await settle();
  expect(request.told).toEqual(["cancel"]);
});

test("once the signal is aborted no request starts, even one answered synchronously", async () => {
  const controller = new AbortController();
  const driver = ScriptedDriver.sync(() => 1);
  const order: string[] = [];
  const body = op(function* twoSteps() {
    try {
      yield* query("select first");
      controller.abort("stop between two requests");
      yield* query("select second");
      order.push("after second");
    } finally {
      order.push("finally");
    }
  });
  await expect(run(body, { handler: driver, signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  expect(sqlOf(driver)).toEqual(["select first"]);
  expect(order).toEqual(["finally"]);
});

test("an uninterruptible request in flight is waited for; the abort takes effect at the next request", async () => {
  const held = deferred<string>();
  const commit = new Holding<string>("commit", false);
  const driver = new ScriptedDriver((request) => (request === commit ? held.promise : "answered"));
  const controller = new AbortController();
  const seen: string[] = [];
  const body = op(function* commitThenMore() {
    seen.push(yield* commit);
    yield* query("select after commit");
    seen.push("after the next request");
  });
  const result = run(body, { handler: driver, signal: controller.signal });
  controller.abort("stop");
  await settle();
  expect(commit.told).toEqual([]);
  expect(driver.cancellations).toEqual([]);
  held.resolve("committed");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  // The commit's outcome reached the op; the request after it never started.
  expect(seen).toEqual(["committed"]);
  expect(sqlOf(driver)).toEqual(["commit"]);
});

test("a run whose uninterruptible request was its last resolves: the work was done", async () => {
  const held = deferred<string>();
  const commit = new Holding<string>("commit", false);
  const controller = new AbortController();
  const result = run(commit, { handler: new ScriptedDriver(() => held.promise), signal: controller.signal });
  controller.abort("stop");
  held.resolve("committed");
  await expect(result).resolves.toBe("committed");
  expect(commit.told).toEqual([]);
});

test("requests are interruptible unless they say otherwise", () => {
  class Plain extends IORequest<void> {
    readonly kind = "plain";
    perform(): void {}
  }
  expect(new Plain().interruptible).toBe(true);
});
