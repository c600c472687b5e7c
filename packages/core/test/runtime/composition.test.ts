import {
  BlockingRunError,
  CallAsyncRequest,
  callAsync,
  GenOp,
  IORequest,
  type Op,
  op,
  opFn,
  pure,
  run,
  runBlocking,
} from "@athanor/core";
import { ScriptedDriver } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";
import { Query, query, sqlOf, sqlText } from "./query-request.ts";

const echo = ScriptedDriver.sync((request) => `answer to ${sqlText(request)}`);

describe("a GenOp is a reusable description", () => {
  test("driving the same op twice runs its body twice", async () => {
    let bodyRuns = 0;
    const counted = op(function* counted() {
      bodyRuns++;
      return yield* query<string>(`select ${bodyRuns}`);
    });
    const driver = ScriptedDriver.sync((request) => sqlText(request));
    expect(runBlocking(counted, { handler: driver })).toBe("select 1");
    expect(await run(counted, { handler: driver })).toBe("select 2");
    expect(bodyRuns).toBe(2);
    expect(sqlOf(driver)).toEqual(["select 1", "select 2"]);
  });

  test("yielding the same op twice inside one op runs it twice", () => {
    let bodyRuns = 0;
    const once = op(function* once() {
      bodyRuns++;
      return yield* query<string>("select once");
    });
    const driver = ScriptedDriver.sync((_request, index) => index);
    const value = runBlocking(
      op(function* twice() {
        return [yield* once, yield* once];
      }),
      { handler: driver },
    );
    expect(value).toEqual([0, 1]);
    expect(bodyRuns).toBe(2);
    expect(driver.requests).toHaveLength(2);
  });

  test("creating an op runs nothing until it is driven", () => {
    let bodyRuns = 0;
    const lazy = op(function* lazy() {
      bodyRuns++;
      return yield* pure(1);
    });
    expect(bodyRuns).toBe(0);
    expect(lazy).toBeInstanceOf(GenOp);
    expect(runBlocking(lazy)).toBe(1);
    expect(bodyRuns).toBe(1);
  });
});

test("a request is performed once: driving it again fails loudly instead of answering undefined", async () => {
  // Unlike a GenOp, a request object is single-use (io-request.ts). Reusing one is easy to do by
  // mistake (hoisting `const count = query(...)` out of a loop), so it should not pass silently.
  const driver = ScriptedDriver.sync((_request, index) => `answer ${index}`);
  const once = query<string>("select once");
  expect(runBlocking(once, { handler: driver })).toBe("answer 0");
  let second: unknown;
  try {
    second = runBlocking(once, { handler: driver });
  } catch (error) {
    second = error;
  }
  expect(second).toBeInstanceOf(Error);
  expect(driver.requests).toHaveLength(1);
});

describe("this and arguments", () => {
  test("op(self, body) runs the body with that `this`", () => {
    const repository = { table: "users" };
    const value = runBlocking(
      op(repository, function* selectAll() {
        return yield* query<string>(`select * from ${this.table}`);
      }),
      { handler: echo },
    );
    expect(value).toBe("answer to select * from users");
  });

  test("opFn keeps its arguments and `this` when used as a method", () => {
    class Repository {
      readonly table: string;
      constructor(table: string) {
        this.table = table;
      }
      find = opFn(function* find(this: Repository, id: number, columns: string[]) {
        return yield* query<string>(`select ${columns.join(", ")} from ${this.table} where id = ${id}`);
      });
    }
    const users = new Repository("users");
    const posts = new Repository("posts");
    const driver = ScriptedDriver.sync((request) => sqlText(request));
    const value = runBlocking(
      op(function* both() {
        return [yield* users.find(1, ["name"]), yield* posts.find(2, ["title", "body"])];
      }),
      { handler: driver },
    );
    expect(value).toEqual([
      "select name from users where id = 1",
      "select title, body from posts where id = 2",
    ]);
  });

  test("opFn on a prototype gets each instance as `this`", () => {
    class Counter {
      readonly start: number;
      constructor(start: number) {
        this.start = start;
      }
      declare next: (this: Counter, step: number) => GenOp<number>;
    }
    Counter.prototype.next = opFn(function* next(this: Counter, step: number) {
      return this.start + (yield* pure(step));
    });
    const a = new Counter(10);
    const b = new Counter(100);
    expect(Object.hasOwn(a, "next")).toBe(false);
    expect(runBlocking(a.next(1))).toBe(11);
    expect(runBlocking(b.next(2))).toBe(102);
  });

  test("each call of an opFn makes a new op with its own arguments", () => {
    const square = opFn(function* square(n: number) {
      return (yield* pure(n)) * n;
    });
    const three = square(3);
    const four = square(4);
    expect(three).not.toBe(four);
    expect(runBlocking(four)).toBe(16);
    expect(runBlocking(three)).toBe(9);
    expect(three.label).toBe("square");
  });
});

describe("run() forms", () => {
  test("run(() => op) calls the function once per run", async () => {
    let made = 0;
    const make = () => {
      made++;
      return query<string>("select made");
    };
    expect(await run(make, { handler: echo })).toBe("answer to select made");
    expect(runBlocking(make, { handler: echo })).toBe("answer to select made");
    expect(made).toBe(2);
  });

  test("a generator function is a runnable, and a generator object is an op", async () => {
    function* plain() {
      const a = yield* query<string>("select a");
      const b = yield* pure("b");
      return `${a} + ${b}`;
    }
    expect(await run(plain, { handler: echo })).toBe("answer to select a + b");
    expect(runBlocking(plain(), { handler: echo })).toBe("answer to select a + b");
  });

  test("plain generator helpers compose with ops through yield*", () => {
    function* twoQueries(prefix: string) {
      return [yield* query<string>(`${prefix} 1`), yield* query<string>(`${prefix} 2`)];
    }
    const driver = ScriptedDriver.sync((request) => sqlText(request).toUpperCase());
    const value = runBlocking(
      op(function* usesHelper() {
        const first = yield* twoQueries("select");
        const second = yield* twoQueries("update");
        return [...first, ...second];
      }),
      { handler: driver },
    );
    expect(value).toEqual(["SELECT 1", "SELECT 2", "UPDATE 1", "UPDATE 2"]);
  });

  test("a request is an op: run(request) asks the handler once", async () => {
    const driver = ScriptedDriver.sync(() => 42);
    expect(await run(query<number>("select 42"), { handler: driver })).toBe(42);
    expect(sqlOf(driver)).toEqual(["select 42"]);
  });
});

describe("callAsync", () => {
  test("with a sync function: the value at once, even in runBlocking", () => {
    const request = callAsync(function syncValue() {
      return 5;
    });
    expect(request).toBeInstanceOf(CallAsyncRequest);
    expect(request.label).toBe("callAsync(syncValue)");
    expect(
      runBlocking(
        op(function* usesSync() {
          return (yield* request) * 2;
        }),
      ),
    ).toBe(10);
  });

  test("with an async function: run() awaits it; runBlocking refuses with BlockingRunError", async () => {
    const loadUser = opFn(function* loadUser(id: number) {
      return yield* callAsync(async () => ({ id, name: `user ${id}` }));
    });
    expect(await run(loadUser(7))).toEqual({ id: 7, name: "user 7" });
    expect(() => runBlocking(loadUser(7))).toThrow(BlockingRunError);
  });

  test("its function receives an AbortSignal that is not aborted on a normal run", async () => {
    let seen: AbortSignal | undefined;
    const value = await run(
      callAsync(async (signal) => {
        seen = signal;
        return "ok";
      }),
    );
    expect(value).toBe("ok");
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(false);
  });

  test("a failing function's error is caught at the yield*", async () => {
    const syncFailure = new Error("sync failure");
    const asyncFailure = new Error("async failure");
    const value = await run(
      op(function* recovering() {
        const caught: unknown[] = [];
        try {
          yield* callAsync(() => {
            throw syncFailure;
          });
        } catch (error) {
          caught.push(error);
        }
        try {
          yield* callAsync(() => Promise.reject(asyncFailure));
        } catch (error) {
          caught.push(error);
        }
        return caught;
      }),
    );
    expect(value).toEqual([syncFailure, asyncFailure]);
    expect(value[0]).toBe(syncFailure);
    expect(value[1]).toBe(asyncFailure);
  });

  test("a scripted driver answers callAsync instead of calling the function", () => {
    let called = false;
    const driver = ScriptedDriver.sync((request) =>
      request instanceof CallAsyncRequest ? "scripted" : null,
    );
    const value = runBlocking(
      callAsync(() => {
        called = true;
        return "real";
      }),
      { handler: driver },
    );
    expect(value).toBe("scripted");
    expect(called).toBe(false);
    expect(driver.labels).toEqual(["callAsync"]);
  });
});

describe("requests without a scripted handler perform themselves", () => {
  class Lookup extends IORequest<string> {
    readonly kind = "lookup";
    readonly key: string;
    readonly async: boolean;
    constructor(key: string, async: boolean) {
      super();
      this.key = key;
      this.async = async;
    }
    perform(): string | Promise<string> {
      return this.async ? Promise.resolve(`async ${this.key}`) : `sync ${this.key}`;
    }
  }

  test("sync perform() works in runBlocking and run", async () => {
    expect(runBlocking(new Lookup("a", false))).toBe("sync a");
    expect(await run(new Lookup("b", false))).toBe("sync b");
  });

  test("async perform() works in run", async () => {
    const value = await run(
      op(function* twoLookups() {
        return [yield* new Lookup("c", true), yield* new Lookup("d", false)];
      }),
    );
    expect(value).toEqual(["async c", "sync d"]);
  });

  test("a request's label is its kind; an op's label is its function name", () => {
    const lookup = new Lookup("x", false);
    const scripted = new Query("x");
    const named = op(function* namedBody() {
      return yield* pure(1);
    });
    const anonymous = op(function* () {
      return yield* pure(2);
    });
    const made = opFn(function* made(n: number) {
      return yield* pure(n);
    })(3);
    expect(lookup.label).toBe("lookup");
    expect(scripted.label).toBe("query");
    expect(named.label).toBe("namedBody");
    expect(anonymous.label).toBe("anonymous op");
    expect(made.label).toBe("made");
    // Drive them all: an op left undriven would be reported by the never-driven check.
    expect(runBlocking(lookup)).toBe("sync x");
    expect(runBlocking(scripted, { handler: echo })).toBe("answer to x");
    expect([runBlocking(named), runBlocking(anonymous), runBlocking(made)]).toEqual([1, 2, 3]);
  });
});

describe("values through several layers", () => {
  interface User {
    id: number;
    name: string;
  }
  const row: User = { id: 1, name: "ann" };
  const fetchRow = opFn(function* fetchRow(id: number) {
    return yield* query<User>(`select * from users where id = ${id}`);
  });
  const fetchName = opFn(function* fetchName(id: number) {
    const user = yield* fetchRow(id);
    return { user, upper: user.name.toUpperCase() };
  });
  const greet: (id: number) => Op<{ greeting: string; user: User }> = opFn(function* greet(id: number) {
    const { user, upper } = yield* fetchName(id);
    return { greeting: `hello ${upper}`, user };
  });

  const runners: ("runBlocking" | "run")[] = ["runBlocking", "run"];
  test.each(runners)("%s: the same object comes up unchanged", async (mode) => {
    const driver = ScriptedDriver.sync(() => row);
    const result =
      mode === "run" ? await run(greet(1), { handler: driver }) : runBlocking(greet(1), { handler: driver });
    expect(result.greeting).toBe("hello ANN");
    expect(result.user).toBe(row);
  });

  test("undefined and null answers pass through as values", () => {
    const driver = ScriptedDriver.sync((_request, index) => (index === 0 ? undefined : null));
    const value = runBlocking(
      op(function* nothing() {
        const a = yield* query<undefined>("select a");
        const b = yield* query<null>("select b");
        return [a, b];
      }),
      { handler: driver },
    );
    expect(value).toEqual([undefined, null]);
  });
});
