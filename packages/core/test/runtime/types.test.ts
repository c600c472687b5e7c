import {
  type CallAsyncRequest,
  callAsync,
  GenOp,
  type Instruction,
  IORequest,
  type Op,
  type OpResult,
  op,
  opFn,
  pure,
  run,
  runBlocking,
} from "@athanor/core";
import { describe, expect, expectTypeOf, test } from "vitest";

// Type pins for the op API, each paired with a runtime check of the same expression (every op made
// here is driven, so the never-driven check stays quiet).

interface Row {
  id: number;
  name: string;
}

class FetchRows extends IORequest<Row[]> {
  readonly kind = "fetchRows";
  readonly table: string;
  constructor(table: string) {
    super();
    this.table = table;
  }
  perform(): Row[] {
    return [{ id: 1, name: `${this.table} 1` }];
  }
}

const numberOp: Op<number> = pure(41);

describe("yield* gives the op's result type", () => {
  test("an Op<number> yields number", () => {
    const value = runBlocking(
      op(function* readsNumber() {
        const x = yield* numberOp;
        expectTypeOf(x).toEqualTypeOf<number>();
        return x + 1;
      }),
    );
    expectTypeOf(value).toEqualTypeOf<number>();
    expect(value).toBe(42);
  });

  test("a request subclass of IORequest<Row[]> yields Row[]", () => {
    const rows = runBlocking(
      op(function* readsRows() {
        const result = yield* new FetchRows("users");
        expectTypeOf(result).toEqualTypeOf<Row[]>();
        return result;
      }),
    );
    expectTypeOf(rows).toEqualTypeOf<Row[]>();
    expect(rows).toEqual([{ id: 1, name: "users 1" }]);
  });

  test("OpResult extracts the result type of any op", () => {
    expectTypeOf<OpResult<typeof numberOp>>().toEqualTypeOf<number>();
    expectTypeOf<OpResult<FetchRows>>().toEqualTypeOf<Row[]>();
    expectTypeOf<OpResult<GenOp<string>>>().toEqualTypeOf<string>();
    expectTypeOf<OpResult<CallAsyncRequest<Date>>>().toEqualTypeOf<Date>();
    expectTypeOf<OpResult<Generator<Instruction, boolean, unknown>>>().toEqualTypeOf<boolean>();
    expectTypeOf<OpResult<string>>().toEqualTypeOf<never>();
    const fetch = new FetchRows("posts");
    const rows: OpResult<typeof fetch> = runBlocking(fetch);
    expect(rows).toHaveLength(1);
  });
});

describe("composed generator functions", () => {
  function* composed() {
    const a = yield* numberOp;
    const rows = yield* new FetchRows("users");
    const label = yield* pure("label");
    return { total: a + rows.length, label };
  }
  type Composed = { total: number; label: string };

  test("infer Generator<Instruction, ReturnT, unknown>", () => {
    expectTypeOf(composed).returns.toEqualTypeOf<Generator<Instruction, Composed, unknown>>();
    expectTypeOf(composed()).toExtend<Op<Composed>>();
    expectTypeOf<OpResult<ReturnType<typeof composed>>>().toEqualTypeOf<Composed>();
  });

  test("run(fn()) is Promise<ReturnT>, runBlocking(fn()) is ReturnT", async () => {
    const promised = run(composed());
    expectTypeOf(promised).toEqualTypeOf<Promise<Composed>>();
    const fromFunction = run(composed);
    expectTypeOf(fromFunction).toEqualTypeOf<Promise<Composed>>();
    const blocking = runBlocking(composed());
    expectTypeOf(blocking).toEqualTypeOf<Composed>();
    expect(blocking).toEqual({ total: 42, label: "label" });
    expect(await promised).toEqual({ total: 42, label: "label" });
    expect(await fromFunction).toEqual({ total: 42, label: "label" });
  });

  test("op(body) is GenOp<ReturnT>, and run() of it is Promise<ReturnT>", async () => {
    const described = op(function* described() {
      return (yield* numberOp) > 0;
    });
    expectTypeOf(described).toEqualTypeOf<GenOp<boolean>>();
    const promised = run(described);
    expectTypeOf(promised).toEqualTypeOf<Promise<boolean>>();
    expect(await promised).toBe(true);
  });

  test("op(self, body) types `this` as self", () => {
    const self = { factor: 3 };
    const scaled = op(self, function* scaled() {
      expectTypeOf(this).toEqualTypeOf<{ factor: number }>();
      return this.factor * (yield* numberOp);
    });
    expectTypeOf(scaled).toEqualTypeOf<GenOp<number>>();
    expect(runBlocking(scaled)).toBe(123);
  });
});

describe("opFn", () => {
  test("keeps the parameters: (a: number, b: string) => GenOp<R>", () => {
    const make = opFn(function* make(a: number, b: string) {
      return `${b}${a + (yield* numberOp)}`;
    });
    expectTypeOf(make).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(make).returns.toEqualTypeOf<GenOp<string>>();
    expectTypeOf(make).toExtend<(a: number, b: string) => GenOp<string>>();
    expectTypeOf(make).not.toExtend<(a: string, b: string) => GenOp<string>>();
    expect(runBlocking(make(1, "n="))).toBe("n=42");
  });

  test("keeps `this` for methods", () => {
    class Repository {
      readonly table = "users";
      find = opFn(function* find(this: Repository, id: number) {
        return `${this.table}/${yield* pure(id)}`;
      });
    }
    const repository = new Repository();
    expectTypeOf(repository.find).thisParameter.toEqualTypeOf<Repository>();
    expectTypeOf(repository.find).parameters.toEqualTypeOf<[number]>();
    expect(runBlocking(repository.find(7))).toBe("users/7");
  });
});

describe("pure and callAsync", () => {
  test('pure("s") is Op<string>', () => {
    const s = pure("s");
    expectTypeOf(s).toEqualTypeOf<Op<string>>();
    expect(runBlocking(s)).toBe("s");
  });

  test("callAsync(async () => 1) is an op of number", async () => {
    const one = callAsync(async () => 1);
    expectTypeOf(one).toEqualTypeOf<CallAsyncRequest<number>>();
    expectTypeOf<OpResult<typeof one>>().toEqualTypeOf<number>();
    const promised = run(one);
    expectTypeOf(promised).toEqualTypeOf<Promise<number>>();
    expect(await promised).toBe(1);
    const two = callAsync(() => 2);
    expectTypeOf(two).toEqualTypeOf<CallAsyncRequest<number>>();
    expect(runBlocking(two)).toBe(2);
  });
});

describe("what the types reject", () => {
  test("a plain value is not an op", async () => {
    // @ts-expect-error a number is not Runnable
    const notRunnable = () => run(5);
    // @ts-expect-error a function returning a number is not Runnable either
    const notMaker = () => run(() => 5);
    const rejections = await Promise.all(
      [notRunnable, notMaker].map((attempt) =>
        attempt().then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    expect(rejections.every((error) => error instanceof TypeError)).toBe(true);
  });

  test("opFn's parameters are checked at the call", () => {
    const make = opFn(function* checked(a: number) {
      return yield* pure(a);
    });
    // @ts-expect-error a string is not a number
    const wrongArgument = () => make("1");
    expect(runBlocking(wrongArgument())).toBe("1");
  });
});

test("GenOp and IORequest values are ops", () => {
  expectTypeOf<GenOp<number>>().toExtend<Op<number>>();
  expectTypeOf<FetchRows>().toExtend<Op<Row[]>>();
  expectTypeOf<FetchRows>().not.toExtend<Op<string>>();
  const genOp = op(function* isGenOp() {
    return yield* pure(1);
  });
  expect(genOp).toBeInstanceOf(GenOp);
  expect(runBlocking(genOp)).toBe(1);
});
