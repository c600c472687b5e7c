import { type IORequest, type Op, op, opFn, run, runBlocking } from "@athanor/core";
import { ScriptedDriver } from "@athanor/core/testing";
import { describe, expect, test } from "vitest";
import { Query, query, sqlOf, sqlText } from "./query-request.ts";

// A small op tree: nested opFn ops, a loop over a query's answer, and branches on answers.

const countItems = opFn(function* countItems(orderId: number) {
  return yield* query<number>(`select count(*) from items where order_id = ${orderId}`);
});

const orderTotal = opFn(function* orderTotal(userId: number) {
  const orderIds = yield* query<number[]>(`select id from orders where user_id = ${userId}`);
  let total = 0;
  for (const orderId of orderIds) {
    const items = yield* countItems(orderId);
    if (items > 2) yield* query(`update orders set big = true where id = ${orderId}`);
    total += items;
  }
  return total;
});

const report = opFn(function* report(userIds: number[]) {
  yield* query("begin");
  const totals: number[] = [];
  for (const userId of userIds) totals.push(yield* orderTotal(userId));
  if (totals.includes(0)) {
    yield* query("insert into notes values ('a user without items')");
  } else {
    yield* query("insert into notes values ('every user has items')");
  }
  yield* query("commit");
  return totals;
});

const script: Record<string, unknown> = {
  "select id from orders where user_id = 1": [10, 11],
  "select count(*) from items where order_id = 10": 3,
  "select count(*) from items where order_id = 11": 1,
  "select id from orders where user_id = 2": [],
  "select id from orders where user_id = 3": [30],
  "select count(*) from items where order_id = 30": 5,
};

function respond(request: IORequest): unknown {
  return script[sqlText(request)] ?? null;
}

const expectedForUsers123 = [
  "begin",
  "select id from orders where user_id = 1",
  "select count(*) from items where order_id = 10",
  "update orders set big = true where id = 10",
  "select count(*) from items where order_id = 11",
  "select id from orders where user_id = 2",
  "select id from orders where user_id = 3",
  "select count(*) from items where order_id = 30",
  "update orders set big = true where id = 30",
  "insert into notes values ('a user without items')",
  "commit",
];

const expectedForUsers13 = [
  "begin",
  "select id from orders where user_id = 1",
  "select count(*) from items where order_id = 10",
  "update orders set big = true where id = 10",
  "select count(*) from items where order_id = 11",
  "select id from orders where user_id = 3",
  "select count(*) from items where order_id = 30",
  "update orders set big = true where id = 30",
  "insert into notes values ('every user has items')",
  "commit",
];

type Mode = "runBlocking, sync driver" | "run, sync driver" | "run, async driver";
const modes: Mode[] = ["runBlocking, sync driver", "run, sync driver", "run, async driver"];

async function drive<T>(mode: Mode, makeOp: () => Op<T>): Promise<{ result: T; driver: ScriptedDriver }> {
  const driver = mode === "run, async driver" ? ScriptedDriver.async(respond) : ScriptedDriver.sync(respond);
  const result =
    mode === "runBlocking, sync driver"
      ? runBlocking(makeOp, { handler: driver })
      : await run(makeOp, { handler: driver });
  return { result, driver };
}

describe.each(modes)("request sequence (%s)", (mode) => {
  test("the driver sees the exact statements of the op tree, in order, and the result is right", async () => {
    const { result, driver } = await drive(mode, () => report([1, 2, 3]));
    expect(result).toEqual([4, 0, 5]);
    expect(sqlOf(driver)).toEqual(expectedForUsers123);
  });

  test("a different input takes the other branches", async () => {
    const { result, driver } = await drive(mode, () => report([1, 3]));
    expect(result).toEqual([4, 5]);
    expect(sqlOf(driver)).toEqual(expectedForUsers13);
  });

  test("every request is a fresh Query object, recorded once", async () => {
    const { driver } = await drive(mode, () => report([1, 2, 3]));
    expect(driver.requests).toHaveLength(expectedForUsers123.length);
    expect(new Set(driver.requests).size).toBe(driver.requests.length);
    for (const request of driver.requests) {
      expect(request).toBeInstanceOf(Query);
      expect(request.label).toBe("query");
    }
    expect(driver.labels).toEqual(expectedForUsers123.map(() => "query"));
    expect(driver.cancellations).toEqual([]);
  });
});

test("the script gets each request with its index in the sequence", async () => {
  const seen: [string, number][] = [];
  const driver = ScriptedDriver.async((request, index) => {
    seen.push([sqlText(request), index]);
    return respond(request);
  });
  await run(report([2]), { handler: driver });
  expect(seen).toEqual([
    ["begin", 0],
    ["select id from orders where user_id = 2", 1],
    ["insert into notes values ('a user without items')", 2],
    ["commit", 3],
  ]);
});

test("a mixed driver (some answers sync, some async) gives the same sequence as a sync one", async () => {
  const driver = new ScriptedDriver((request, index) =>
    index % 2 === 0 ? respond(request) : Promise.resolve(respond(request)),
  );
  const result = await run(report([1, 2, 3]), { handler: driver });
  expect(result).toEqual([4, 0, 5]);
  expect(sqlOf(driver)).toEqual(expectedForUsers123);
});

test("an answer drives the next request: a query's result picks what is asked next", () => {
  const lookup = opFn(function* lookup(name: string) {
    const id = yield* query<number | null>(`select id from users where name = '${name}'`);
    if (id === null) {
      return yield* query<number>(`insert into users (name) values ('${name}') returning id`);
    }
    yield* query(`update users set seen = now() where id = ${id}`);
    return id;
  });
  const driver = ScriptedDriver.sync((request) => {
    const sql = sqlText(request);
    if (sql.includes("name = 'ann'")) return 1;
    if (sql.includes("name = 'bob'")) return null;
    if (sql.startsWith("insert")) return 2;
    return undefined;
  });
  const ids = runBlocking(
    op(function* both() {
      return [yield* lookup("ann"), yield* lookup("bob")];
    }),
    { handler: driver },
  );
  expect(ids).toEqual([1, 2]);
  expect(sqlOf(driver)).toEqual([
    "select id from users where name = 'ann'",
    "update users set seen = now() where id = 1",
    "select id from users where name = 'bob'",
    "insert into users (name) values ('bob') returning id",
  ]);
});
