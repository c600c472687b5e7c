import {
  AbortError,
  AthanorError,
  callAsync,
  type IORequest,
  op,
  opFn,
  type RequestHandler,
  run,
} from "@athanor/core";
import { deferred, ScriptedDriver } from "@athanor/core/testing";
import { expect, test } from "vitest";
import { query, settle, sqlOf, sqlText } from "./query-request.ts";

/** Resolves to the rejection reason of a promise expected to reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the run to reject");
    },
    (error: unknown) => error,
  );
}

function abortErrorOf(error: unknown): AbortError {
  if (!(error instanceof AbortError)) throw new Error(`expected an AbortError, got ${String(error)}`);
  return error;
}

/** Three nested ops, each recording its finally; the innermost waits on "select held". */
function nestedOps(order: string[]) {
  const inner = opFn(function* innerOp() {
    try {
      return yield* query<string>("select held");
    } finally {
      order.push("inner finally");
    }
  });
  const middle = opFn(function* middleOp() {
    try {
      return yield* inner();
    } finally {
      order.push("middle finally");
    }
  });
  const outer = opFn(function* outerOp() {
    try {
      return yield* middle();
    } finally {
      order.push("outer finally");
    }
  });
  return outer;
}

test("abort while a request is in flight: AbortError with the reason, every finally innermost first", async () => {
  const held = deferred<string>();
  const order: string[] = [];
  const driver = new ScriptedDriver(() => held.promise);
  const controller = new AbortController();
  const reason = new Error("user went away");
  const result = run(nestedOps(order)(), { handler: driver, signal: controller.signal });
  await settle(1);
  expect(order).toEqual([]);
  controller.abort(reason);
  const error = abortErrorOf(await rejectionOf(result));
  expect(error).toBeInstanceOf(AthanorError);
  expect(error.name).toBe("AbortError");
  expect(error.cause).toBe(reason);
  expect(error.suppressed).toEqual([]);
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
  expect(driver.cancellations).toHaveLength(1);
  expect(driver.cancellations[0]?.request).toBe(driver.requests[0]);
  expect(driver.cancellations[0]?.reason).toBe(reason);
});

test("the frames close synchronously inside abort()", async () => {
  const held = deferred<string>();
  const order: string[] = [];
  const controller = new AbortController();
  const result = run(nestedOps(order)(), {
    handler: new ScriptedDriver(() => held.promise),
    signal: controller.signal,
  });
  controller.abort("now");
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
  await expect(result).rejects.toBeInstanceOf(AbortError);
});

test("abort() without a reason: the cause is the signal's default reason", async () => {
  const held = deferred<string>();
  const controller = new AbortController();
  const result = run(nestedOps([])(), {
    handler: new ScriptedDriver(() => held.promise),
    signal: controller.signal,
  });
  controller.abort();
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.cause).toBe(controller.signal.reason);
  expect(error.cause).toBeInstanceOf(DOMException);
});

test("the AbortError's stack names the ops that were waiting", async () => {
  const held = deferred<string>();
  const controller = new AbortController();
  const result = run(nestedOps([])(), {
    handler: new ScriptedDriver(() => held.promise),
    signal: controller.signal,
  });
  controller.abort("stop");
  const error = abortErrorOf(await rejectionOf(result));
  expect((error.stack ?? "").split("\n").filter((line) => line.endsWith("(athanor op)"))).toEqual([
    "    at innerOp (athanor op)",
    "    at middleOp (athanor op)",
    "    at outerOp (athanor op)",
  ]);
});

test("the AbortError's stack still names the waiting ops when a finally threw during the abort", async () => {
  const held = deferred<string>();
  const cleanupFailure = new Error("cleanup failed");
  const failingCleanup = opFn(function* failingCleanup() {
    try {
      return yield* query<string>("select held");
    } finally {
      // biome-ignore lint/correctness/noUnsafeFinally: a finally that fails is what this test is about
      throw cleanupFailure;
    }
  });
  const controller = new AbortController();
  const result = run(failingCleanup(), {
    handler: new ScriptedDriver(() => held.promise),
    signal: controller.signal,
  });
  controller.abort("stop");
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.suppressed).toEqual([cleanupFailure]);
  expect((error.stack ?? "").split("\n").filter((line) => line.endsWith("(athanor op)"))).toEqual([
    "    at failingCleanup (athanor op)",
  ]);
});

test("resolving (or rejecting) the abandoned answer later changes nothing", async () => {
  const lateOutcomes: ("resolve" | "reject")[] = ["resolve", "reject"];
  for (const settleLate of lateOutcomes) {
    const held = deferred<string>();
    const order: string[] = [];
    const driver = new ScriptedDriver(() => held.promise);
    const controller = new AbortController();
    const result = run(nestedOps(order)(), { handler: driver, signal: controller.signal });
    controller.abort("stop");
    await expect(result).rejects.toBeInstanceOf(AbortError);
    if (settleLate === "resolve") held.resolve("late");
    else held.reject(new Error("late failure"));
    await settle();
    expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
    expect(driver.requests).toHaveLength(1);
    expect(driver.cancellations).toHaveLength(1);
  }
});

test("catch blocks do not see an abort; only finally blocks run", async () => {
  const held = deferred<string>();
  const seen: string[] = [];
  const controller = new AbortController();
  const result = run(
    op(function* catchingOp() {
      try {
        return yield* query<string>("select held");
      } catch {
        seen.push("catch");
        return "caught";
      } finally {
        seen.push("finally");
      }
    }),
    { handler: new ScriptedDriver(() => held.promise), signal: controller.signal },
  );
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  expect(seen).toEqual(["finally"]);
});

const answerTimings: ("sync" | "async")[] = ["sync", "async"];
test.each(answerTimings)(
  "a finally that performs IO during the abort gets its answer (%s) and completes",
  async (answering) => {
    const held = deferred<string>();
    const order: string[] = [];
    const driver = new ScriptedDriver((request) => {
      if (sqlText(request) === "select held") return held.promise;
      return answering === "sync" ? "rolled back" : Promise.resolve("rolled back");
    });
    const release = opFn(function* releaseConnection() {
      return yield* query<string>("release connection");
    });
    const transaction = opFn(function* transactionOp() {
      try {
        return yield* query<string>("select held");
      } finally {
        order.push(`rollback: ${yield* query<string>("rollback")}`);
        order.push(`release: ${yield* release()}`);
      }
    });
    const outer = opFn(function* outerOp() {
      try {
        return yield* transaction();
      } finally {
        order.push("outer finally");
      }
    });
    const controller = new AbortController();
    const result = run(outer(), { handler: driver, signal: controller.signal });
    controller.abort("stop");
    const error = abortErrorOf(await rejectionOf(result));
    expect(error.suppressed).toEqual([]);
    expect(order).toEqual(["rollback: rolled back", "release: rolled back", "outer finally"]);
    expect(sqlOf(driver)).toEqual(["select held", "rollback", "release connection"]);
    // Requests are compared by identity: deep equality would iterate them (they are single-shot ops).
    expect(driver.cancellations.map((c) => driver.requests.indexOf(c.request))).toEqual([0]);
  },
);

test("errors thrown by finally blocks during the abort are kept in suppressed, innermost first", async () => {
  const held = deferred<string>();
  const innerFailure = new Error("inner cleanup failed");
  const ioFailure = new Error("cleanup query failed");
  const order: string[] = [];
  const driver = new ScriptedDriver((request) => {
    const sql = sqlText(request);
    if (sql === "select held") return held.promise;
    return Promise.reject(ioFailure);
  });
  const inner = opFn(function* innerOp() {
    try {
      return yield* query<string>("select held");
    } finally {
      order.push("inner finally");
      // biome-ignore lint/correctness/noUnsafeFinally: a finally that fails during the abort is the point
      throw innerFailure;
    }
  });
  const middle = opFn(function* middleOp() {
    try {
      return yield* inner();
    } finally {
      order.push("middle finally");
      yield* query("cleanup");
    }
  });
  const outer = opFn(function* outerOp() {
    try {
      return yield* middle();
    } finally {
      order.push("outer finally");
    }
  });
  const controller = new AbortController();
  const result = run(outer(), { handler: driver, signal: controller.signal });
  controller.abort("stop");
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.cause).toBe("stop");
  expect(error.suppressed).toHaveLength(2);
  expect(error.suppressed[0]).toBe(innerFailure);
  expect(error.suppressed[1]).toBe(ioFailure);
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
});

test("a handler whose cancel throws: the error is kept in suppressed and the frames still close", async () => {
  const held = deferred<string>();
  const cancelFailure = new Error("cancel failed");
  const order: string[] = [];
  const handler: RequestHandler = {
    answer: () => held.promise,
    cancel: () => {
      throw cancelFailure;
    },
  };
  const controller = new AbortController();
  const result = run(nestedOps(order)(), { handler, signal: controller.signal });
  controller.abort("stop");
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.suppressed).toEqual([cancelFailure]);
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
});

test("a handler without cancel still closes the run", async () => {
  const held = deferred<string>();
  const order: string[] = [];
  const controller = new AbortController();
  const result = run(nestedOps(order)(), {
    handler: { answer: () => held.promise },
    signal: controller.signal,
  });
  controller.abort("stop");
  await expect(result).rejects.toBeInstanceOf(AbortError);
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
});

test("a signal aborted before run(): rejects at once, the handler is never called, the body never runs", async () => {
  const reason = new Error("too late");
  const controller = new AbortController();
  controller.abort(reason);
  let bodyRan = false;
  let handlerCalls = 0;
  const handler: RequestHandler = {
    answer: () => {
      handlerCalls++;
      return "x";
    },
    cancel: () => {
      handlerCalls++;
    },
  };
  const result = run(
    op(function* neverStarted() {
      bodyRan = true;
      return yield* query<string>("select 1");
    }),
    { handler, signal: controller.signal },
  );
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.cause).toBe(reason);
  expect(bodyRan).toBe(false);
  expect(handlerCalls).toBe(0);
});

test("an abort from inside the handler's answer (before it returns a promise) closes the run without waiting", async () => {
  const never = deferred<string>();
  const order: string[] = [];
  const controller = new AbortController();
  const driver = new ScriptedDriver(() => {
    controller.abort("aborted by the driver");
    return never.promise;
  });
  const result = run(nestedOps(order)(), { handler: driver, signal: controller.signal });
  // Closed before run() even returned: the run never started waiting on the promise.
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.cause).toBe("aborted by the driver");
  expect(driver.cancellations).toHaveLength(1);
  expect(driver.cancellations[0]?.request).toBe(driver.requests[0]);
  expect(driver.cancellations[0]?.reason).toBe("aborted by the driver");
});

test("an abort from inside the handler after an earlier promised answer also closes without waiting", async () => {
  const never = deferred<string>();
  const order: string[] = [];
  const controller = new AbortController();
  const driver = new ScriptedDriver((_request: IORequest, index) => {
    if (index === 0) return Promise.resolve("first");
    controller.abort("second request aborted");
    return never.promise;
  });
  const twoSteps = op(function* twoSteps() {
    try {
      yield* query("select first");
      return yield* query("select second");
    } finally {
      order.push("finally");
    }
  });
  const error = abortErrorOf(
    await rejectionOf(run(twoSteps, { handler: driver, signal: controller.signal })),
  );
  expect(error.cause).toBe("second request aborted");
  expect(order).toEqual(["finally"]);
  expect(sqlOf(driver)).toEqual(["select first", "select second"]);
});

test("callAsync's function gets a signal that is aborted when the run is aborted", async () => {
  let seen: AbortSignal | undefined;
  const controller = new AbortController();
  const reason = new Error("stop the fetch");
  const result = run(
    op(function* fetching() {
      return yield* callAsync(function slowFetch(signal) {
        seen = signal;
        return new Promise<string>(() => {});
      });
    }),
    { signal: controller.signal },
  );
  await settle(1);
  expect(seen?.aborted).toBe(false);
  controller.abort(reason);
  const error = abortErrorOf(await rejectionOf(result));
  expect(error.cause).toBe(reason);
  expect(seen?.aborted).toBe(true);
  expect(seen?.reason).toBe(reason);
});

test("callAsync's function can give up when its signal aborts, and that rejection is harmless", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const controller = new AbortController();
    const result = run(
      callAsync(
        (signal) =>
          new Promise<string>((_resolve, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          }),
      ),
      { signal: controller.signal },
    );
    controller.abort(new Error("cancelled"));
    await expect(result).rejects.toBeInstanceOf(AbortError);
    await settle(10);
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("aborting after the run completed has no effect", async () => {
  const order: string[] = [];
  const driver = ScriptedDriver.async(() => "done");
  const controller = new AbortController();
  const result = run(nestedOps(order)(), { handler: driver, signal: controller.signal });
  expect(await result).toBe("done");
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
  controller.abort("too late");
  await settle();
  expect(order).toEqual(["inner finally", "middle finally", "outer finally"]);
  expect(driver.cancellations).toEqual([]);
  expect(await result).toBe("done");
});

test("one signal shared by two runs aborts both; each gets its own cancellation", async () => {
  const controller = new AbortController();
  const firstHeld = deferred<string>();
  const secondHeld = deferred<string>();
  const first = new ScriptedDriver(() => firstHeld.promise);
  const second = new ScriptedDriver(() => secondHeld.promise);
  const a = run(nestedOps([])(), { handler: first, signal: controller.signal });
  const b = run(nestedOps([])(), { handler: second, signal: controller.signal });
  controller.abort("both");
  await expect(a).rejects.toBeInstanceOf(AbortError);
  await expect(b).rejects.toBeInstanceOf(AbortError);
  // Requests are compared by identity: deep equality would iterate them (they are single-shot ops).
  expect(first.requests).toHaveLength(1);
  expect(second.requests).toHaveLength(1);
  expect(first.cancellations.map((c) => first.requests.indexOf(c.request))).toEqual([0]);
  expect(second.cancellations.map((c) => second.requests.indexOf(c.request))).toEqual([0]);
});
