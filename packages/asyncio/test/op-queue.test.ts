import { AbortError, callAsync, type GenOp, op } from "@athanor/core";
import { type Deferred, deferred } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";
import { OpQueue } from "../src/op-queue.ts";

/**
 * The queue behind every AsyncConnection call: ops start in call order, each after the previous one
 * settled, never two at once. Each op here logs its start and end around one IO held by a deferred.
 */

function held(log: string[], name: string, answer: Deferred<string>): GenOp<string> {
  return op(function* () {
    log.push(`${name} start`);
    const value = yield* callAsync(() => answer.promise);
    log.push(`${name} end`);
    return value;
  });
}

/** Lets every queued reaction run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("OpQueue", () => {
  test("an op on an idle queue starts at once, in the caller's turn", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const a = deferred<string>();
    const result = queue.run(held(log, "a", a));
    expect(log).toEqual(["a start"]);
    a.resolve("A");
    await expect(result).resolves.toBe("A");
    expect(log).toEqual(["a start", "a end"]);
  });

  test("ops called while one runs start in call order, each after the previous one settled", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const [a, b, c] = [deferred<string>(), deferred<string>(), deferred<string>()];
    const results = [
      queue.run(held(log, "a", a)),
      queue.run(held(log, "b", b)),
      queue.run(held(log, "c", c)),
    ];
    await settle();
    expect(log).toEqual(["a start"]);
    b.resolve("B"); // answered early: b still waits for a
    await settle();
    expect(log).toEqual(["a start"]);
    a.resolve("A");
    await settle();
    expect(log).toEqual(["a start", "a end", "b start", "b end", "c start"]);
    c.resolve("C");
    await expect(Promise.all(results)).resolves.toEqual(["A", "B", "C"]);
  });

  test("a failed op lets the next one run", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const [a, b] = [deferred<string>(), deferred<string>()];
    const first = queue.run(held(log, "a", a));
    const second = queue.run(held(log, "b", b));
    a.reject(new Error("a failed"));
    await expect(first).rejects.toThrow("a failed");
    b.resolve("B");
    await expect(second).resolves.toBe("B");
    expect(log).toEqual(["a start", "b start", "b end"]);
  });

  test("a call made as an op settles, while another waits, goes behind the waiting one", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const [a, b, c] = [deferred<string>(), deferred<string>(), deferred<string>()];
    let late: Promise<string> | undefined;
    const first = queue.run(held(log, "a", a)).then((value) => {
      // The caller's continuation runs before b's turn: c must not start beside b.
      late = queue.run(held(log, "c", c));
      return value;
    });
    const second = queue.run(held(log, "b", b));
    a.resolve("A");
    await first;
    await settle();
    expect(log).toEqual(["a start", "a end", "b start"]);
    c.resolve("C");
    await settle();
    expect(log).toEqual(["a start", "a end", "b start"]);
    b.resolve("B");
    await expect(second).resolves.toBe("B");
    await expect(late).resolves.toBe("C");
    expect(log).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  test("an op aborted while it waits its turn never starts; the queue goes on", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const [a, b, c] = [deferred<string>(), deferred<string>(), deferred<string>()];
    const controller = new AbortController();
    const first = queue.run(held(log, "a", a));
    const aborted = queue.run(held(log, "b", b), controller.signal);
    const third = queue.run(held(log, "c", c));
    controller.abort(new Error("not needed"));
    a.resolve("A");
    c.resolve("C");
    await expect(first).resolves.toBe("A");
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await expect(third).resolves.toBe("C");
    expect(log).toEqual(["a start", "a end", "c start", "c end"]);
  });

  test("an op with an already aborted signal rejects and leaves the queue free", async () => {
    const queue = new OpQueue();
    const log: string[] = [];
    const a = deferred<string>();
    await expect(queue.run(held(log, "x", deferred<string>()), AbortSignal.abort())).rejects.toBeInstanceOf(
      AbortError,
    );
    const result = queue.run(held(log, "a", a));
    expect(log).toEqual(["a start"]);
    a.resolve("A");
    await expect(result).resolves.toBe("A");
  });
});
