import {
  type Column,
  type ColumnClause,
  type ColumnElement,
  case_,
  cast,
  delete_,
  func,
  Integer,
  insert,
  type RowMapping,
  type RowOf,
  select,
  Text,
  update,
  type ValuesOf,
} from "@athanor/core";
import { describe, expect, expectTypeOf, test } from "vitest";
import { addresses, orders, users } from "./schema-fixture.ts";

// Type pins (checked by tsc), each paired with a runtime check of the same expression.

/** The result column names a statement declares. */
function names(statement: { compile(): { resultColumns: readonly { name: string }[] } }): string[] {
  return statement.compile().resultColumns.map((column) => column.name);
}

describe("table columns", () => {
  test('users.c.id is Column<number, "id">; nullability comes from the declaration', () => {
    expectTypeOf(users.c.id).toEqualTypeOf<Column<number, "id">>();
    expectTypeOf(users.c.name).toEqualTypeOf<Column<string, "name">>();
    expectTypeOf(users.c.fullname).toEqualTypeOf<Column<string | null, "fullname">>();
    expectTypeOf(addresses.c.userId).toEqualTypeOf<Column<number, "userId">>();
    expect([users.c.id.key, addresses.c.userId.key, addresses.c.userId.name]).toEqual([
      "id",
      "userId",
      "user_id",
    ]);
  });

  test("a column key that does not exist is a type error", () => {
    // @ts-expect-error: users has no column "nope"
    const missing = users.c.nope;
    expect(missing).toBeUndefined();
  });
});

describe("RowOf", () => {
  test("select(users.c.id, users.c.fullname) gives [number, string | null]", () => {
    const stmt = select(users.c.id, users.c.fullname);
    expectTypeOf<RowOf<typeof stmt>>().toEqualTypeOf<[number, string | null]>();
    expectTypeOf<RowOf<ReturnType<typeof stmt.where>>>().toEqualTypeOf<[number, string | null]>();
    expect(names(stmt)).toEqual(["id", "fullname"]);
  });

  test("labels and expressions keep their value types", () => {
    const stmt = select(
      users.c.name.label("who"),
      users.c.age.add(1),
      users.c.age.gt(3),
      users.c.name.concat("!"),
      cast(users.c.age, Text),
      case_([[users.c.age.gt(30), "old"]], { else: "young" }),
      case_([[users.c.age.gt(30), 1]]),
    );
    // A CASE without ELSE may be NULL; its THEN values keep their literal types.
    expectTypeOf<RowOf<typeof stmt>>().toEqualTypeOf<
      [string, number | null, boolean, string, string, string, 1 | null]
    >();
    expect(names(stmt)).toHaveLength(7);
  });

  test("functions: count is a number; max/min/sum may be NULL; coalesce drops NULL", () => {
    const stmt = select(
      func.count(),
      func.max(users.c.age),
      func.min(users.c.name),
      func.sum(orders.c.total),
      func.coalesce(users.c.fullname, users.c.name),
      func.upper(users.c.name),
      func.call("to_char", [users.c.age, "999"], Text),
      func.call("anything", []),
    );
    expectTypeOf<RowOf<typeof stmt>>().toEqualTypeOf<
      [number, number | null, string | null, number | null, string, string | null, string, unknown]
    >();
    expect(names(stmt)).toEqual(["count", "max", "min", "sum", "coalesce", "upper", "to_char", "anything"]);
  });

  test("addColumns appends to the row type", () => {
    const stmt = select(users.c.id).addColumns(users.c.status);
    expectTypeOf<RowOf<typeof stmt>>().toEqualTypeOf<[number, string]>();
    expect(names(stmt)).toEqual(["id", "status"]);
  });

  test("a scalar subquery labelled in the SELECT list", () => {
    const count = select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery<number>();
    const stmt = select(users.c.id, count.label("n"));
    expectTypeOf<RowOf<typeof stmt>>().toEqualTypeOf<[number, number]>();
    expect(names(stmt)).toEqual(["id", "n"]);
  });

  test("INSERT / UPDATE / DELETE ... RETURNING", () => {
    const inserted = insert(users).values({ id: 1, name: "a" }).returning(users.c.id, users.c.status);
    expectTypeOf<RowOf<typeof inserted>>().toEqualTypeOf<[number, string]>();
    const updated = update(users).values({ age: 2 }).returning(users.c.age);
    expectTypeOf<RowOf<typeof updated>>().toEqualTypeOf<[number | null]>();
    const deleted = delete_(addresses).returning(addresses.c.userId, addresses.c.email.label("e"));
    expectTypeOf<RowOf<typeof deleted>>().toEqualTypeOf<[number, string]>();
    expectTypeOf<RowOf<ReturnType<typeof insert<typeof users>>>>().toEqualTypeOf<[]>();
    expect([names(inserted), names(updated), names(deleted)]).toEqual([
      ["id", "status"],
      ["age"],
      ["userId", "e"],
    ]);
  });
});

describe("RowMapping", () => {
  test("keys are column keys and labels", () => {
    type Mapping = RowMapping<[typeof addresses.c.userId, ReturnType<typeof users.c.name.label<"who">>]>;
    expectTypeOf<Mapping>().toEqualTypeOf<{ readonly userId: number; readonly who: string }>();
    expect(names(select(addresses.c.userId, users.c.name.label("who")))).toEqual(["userId", "who"]);
  });
});

describe("subqueries and CTEs", () => {
  test("a subquery's .c has its columns and labels, typed", () => {
    const sq = select(users.c.id, users.c.fullname, func.count().label("n")).groupBy(users.c.id).subquery();
    expectTypeOf(sq.c.id).toEqualTypeOf<ColumnClause<number, "id">>();
    expectTypeOf(sq.c.fullname).toEqualTypeOf<ColumnClause<string | null, "fullname">>();
    expectTypeOf(sq.c.n).toEqualTypeOf<ColumnClause<number, "n">>();
    const outer = select(sq.c.n, sq.c.fullname);
    expectTypeOf<RowOf<typeof outer>>().toEqualTypeOf<[number, string | null]>();
    expect(Object.keys(sq.columns)).toEqual(["id", "fullname", "n"]);
  });

  test("a CTE's .c too", () => {
    const cte = select(addresses.c.userId, addresses.c.email).cte("a");
    expectTypeOf(cte.c.userId).toEqualTypeOf<ColumnClause<number, "userId">>();
    expectTypeOf(cte.alias("b").c.email).toEqualTypeOf<ColumnClause<string, "email">>();
    expect(Object.keys(cte.columns)).toEqual(["userId", "email"]);
  });
});

describe("ValuesOf", () => {
  test("accepts values and expressions of each column's type", () => {
    const values: ValuesOf<typeof users> = {
      id: 1,
      name: func.call("upper", ["x"], Text),
      fullname: null,
      age: func.call("abs", [-3], Integer),
    };
    expect(insert(users).values(values).compile().parameters).toEqual([1, "x", null, -3, "active"]);
  });

  test("rejects values of the wrong type, unknown keys and NULL for a NOT NULL column", () => {
    // @ts-expect-error: id is a number
    const wrongType: ValuesOf<typeof users> = { id: "1" };
    // @ts-expect-error: name is NOT NULL
    const nullName: ValuesOf<typeof users> = { name: null };
    // @ts-expect-error: an expression of another type
    const wrongExpression: ValuesOf<typeof users> = { age: users.c.name };
    // @ts-expect-error: no such column
    const unknownKey: ValuesOf<typeof users> = { nope: 1 };
    expect([wrongType, nullName, wrongExpression, unknownKey]).toHaveLength(4);
  });
});

describe("operands", () => {
  test("comparisons take values of the column's type; expressions are ColumnElements", () => {
    const condition = users.c.age.gt(1);
    expectTypeOf(condition).toEqualTypeOf<ColumnElement<boolean>>();
    // @ts-expect-error: age is a number
    const wrong = () => users.c.age.eq("1");
    // @ts-expect-error: like() is for strings
    const notText = () => users.c.age.like("1%");
    expect([typeof wrong, typeof notText]).toEqual(["function", "function"]);
    expectTypeOf(cast(users.c.name, Integer)).toEqualTypeOf<ColumnElement<number>>();
  });
});
