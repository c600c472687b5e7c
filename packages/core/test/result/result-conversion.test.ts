import { describe, expect, test } from "vitest";
import { z } from "zod";
import { Result } from "../../src/result/result.ts";
import { SqlType } from "../../src/types/sql-type.ts";
import { BigInteger, Integer, Text } from "./result-fixtures.ts";

/** Counts fromDriver calls, to show nulls skip it and conversion happens once per read row. */
class CountingType extends SqlType<string> {
  readonly name = "Counting";
  readonly schema = z.string();
  calls = 0;

  override fromDriver(value: unknown): string {
    this.calls++;
    return `<${String(value)}>`;
  }

  ddl(): string {
    return "TEXT";
  }
}

describe("Result: values through the column types", () => {
  test("BigInteger's '42' becomes 42n; Integer's '7' becomes 7; Text passes through", () => {
    const result = new Result<[bigint, number, string], { big: bigint; small: number; text: string }>(
      [
        { name: "big", type: BigInteger() },
        { name: "small", type: Integer() },
        { name: "text", type: Text() },
      ],
      [["42", "7", "x"]],
    );
    const row = result.one();
    expect(row.big).toBe(42n);
    expect(row.small).toBe(7);
    expect(row.text).toBe("x");
  });

  test("nulls are not given to fromDriver", () => {
    const type = new CountingType();
    const rows = new Result([{ name: "v", type }], [[null], ["a"], [undefined]]).all();
    expect(rows.map((row) => row[0])).toEqual([null, "<a>", undefined]);
    expect(type.calls).toBe(1);
  });

  test("rows are converted as they are read, not before", () => {
    const type = new CountingType();
    const result = new Result([{ name: "v", type }], [["a"], ["b"], ["c"]]);
    expect(type.calls).toBe(0);
    result.fetchone();
    expect(type.calls).toBe(1);
  });

  test("scalars(), mappings() and columns() convert too", () => {
    const columns = [
      { name: "id", type: BigInteger() },
      { name: "n", type: Integer() },
    ];
    expect(new Result(columns, [["5", "6"]]).scalars().all()).toEqual([5n]);
    expect(new Result(columns, [["5", "6"]]).mappings().all()).toEqual([{ id: 5n, n: 6 }]);
    expect(new Result(columns, [["5", "6"]]).columns("n").all()).toEqual([[6]]);
  });
});
