import { describe, expectTypeOf, test } from "vitest";
import { Result } from "../../src/result/result.ts";
import type { Row } from "../../src/result/row.ts";
import { type UserNames, type UserTuple, userColumns, users } from "./result-fixtures.ts";

describe("Result: types", () => {
  test("rows are typed by Tuple and Names", () => {
    const result = users([]);
    expectTypeOf(result.first).returns.toEqualTypeOf<Row<UserTuple, UserNames> | null>();
    // What `result.first()?.name` is: the column's type.
    expectTypeOf<NonNullable<ReturnType<typeof result.first>>["name"]>().toEqualTypeOf<string | null>();
    expectTypeOf(result.one).returns.toEqualTypeOf<Row<UserTuple, UserNames>>();
    expectTypeOf(result.oneOrNone).returns.toEqualTypeOf<Row<UserTuple, UserNames> | null>();
    expectTypeOf(result.all).returns.toEqualTypeOf<Row<UserTuple, UserNames>[]>();
    expectTypeOf(result.fetchone).returns.toEqualTypeOf<Row<UserTuple, UserNames> | null>();
    expectTypeOf(result.fetchmany).returns.toEqualTypeOf<Row<UserTuple, UserNames>[]>();
    expectTypeOf(result.partitions).returns.toEqualTypeOf<IterableIterator<Row<UserTuple, UserNames>[]>>();
    expectTypeOf(result[Symbol.iterator]).returns.toEqualTypeOf<
      IterableIterator<Row<UserTuple, UserNames>>
    >();
    expectTypeOf(result.unique).returns.toEqualTypeOf<Result<UserTuple, UserNames>>();
  });

  test("scalar methods give the first column's type", () => {
    const result = users([]);
    expectTypeOf(result.scalar).returns.toEqualTypeOf<number | null>();
    expectTypeOf(result.scalarOne).returns.toEqualTypeOf<number>();
    expectTypeOf(result.scalarOneOrNone).returns.toEqualTypeOf<number | null>();
  });

  test("an untyped Result reads unknown values by any name", () => {
    const row = new Result(userColumns, []).first();
    expectTypeOf(row?.anything).toEqualTypeOf<unknown>();
    expectTypeOf(row?.[0]).toEqualTypeOf<unknown>();
  });

  test("unknown names are type errors", () => {
    const row = users([["1", "a"]]).one();
    // @ts-expect-error: the result has no column "email"
    expectTypeOf(row.email).toBeUnknown();
  });
});
