import { case_, cast, Float, func, Integer, String, select, Text } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { createFixture, fetchRows, items, sqlOf, users } from "./schema-fixture.ts";

// items (id, order, product, quantity, price): 1 o1 apple 3 10, 2 o1 pear 2 35, 3 o2 apple 10 25,
// 4 o3 plum 5 15, 5 o3 kiwi 1 NULL. users' ages: 30, 25, NULL, 40.

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  describe("aggregates", () => {
    test("count(*) counts rows, count(x) non-NULL values, count(distinct x) distinct ones", async () => {
      const stmt = select(
        func.count().label("all"),
        func.count(users.c.age).label("aged"),
        func.count(users.c.status).distinct().label("statuses"),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select count(*) as "all", count("users"."age") as "aged", count(distinct "users"."status") as "statuses" from "users"',
        parameters: [],
      });
      expect(await fetchRows(db, stmt)).toEqual([[4, 3, 2]]);
    });

    test("filter() aggregates only the rows that pass", async () => {
      const stmt = select(
        func.count().filter(users.c.age.gt(26)).label("older"),
        func.sum(users.c.age).filter(users.c.status.eq("active")).label("active_years"),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select count(*) filter(where "users"."age" > $1) as "older", sum("users"."age") filter(where "users"."status" = $2) as "active_years" from "users"',
        parameters: [26, "active"],
      });
      expect(await fetchRows(db, stmt)).toEqual([[2, 95]]);
    });

    test("distinct() and filter() together", async () => {
      const stmt = select(
        func.count(items.c.product).distinct().filter(items.c.price.isNotNull()).label("n"),
      );
      expect(sqlOf(stmt).sql).toBe(
        'select count(distinct "items"."product") filter(where "items"."price" is not null) as "n" from "items"',
      );
      expect(await fetchRows(db, stmt)).toEqual([[3]]);
    });

    test("sum, avg, min, max ignore NULL", async () => {
      const stmt = select(
        func.sum(items.c.price).label("sum"),
        func.avg(items.c.price).label("avg"),
        func.min(items.c.price).label("min"),
        func.max(items.c.price).label("max"),
        func.min(items.c.product).label("first"),
        func.max(items.c.product).label("last"),
      );
      expect(sqlOf(stmt).sql).toBe(
        'select sum("items"."price") as "sum", avg("items"."price") as "avg", min("items"."price") as "min", max("items"."price") as "max", min("items"."product") as "first", max("items"."product") as "last" from "items"',
      );
      const [row] = await fetchRows(db, stmt);
      expect(row).toHaveLength(6);
      expect(row?.[0]).toBe(85);
      // avg of integers is numeric: a string from both drivers.
      expect(Number(row?.[1])).toBe(21.25);
      expect(row?.slice(2)).toEqual([10, 35, "apple", "plum"]);
    });

    test("over no rows: count is 0, sum is NULL", async () => {
      const stmt = select(func.count().label("n"), func.sum(items.c.price).label("s")).where(
        items.c.id.gt(100),
      );
      expect(await fetchRows(db, stmt)).toEqual([[0, null]]);
    });
  });

  describe("scalar functions", () => {
    test("coalesce takes the first non-NULL", async () => {
      const stmt = select(
        func.coalesce(users.c.fullname, users.c.name).label("display"),
        func.coalesce(users.c.age, 0).label("age"),
      ).orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select coalesce("users"."fullname", "users"."name") as "display", coalesce("users"."age", $1::INTEGER) as "age" from "users" order by "users"."id"',
        parameters: [0],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        ["Ed Jones", 30],
        ["Wendy Williams", 25],
        ["mary", 0],
        ["Fred 100%_sure/ok", 40],
      ]);
    });

    test("lower, upper, length (NULL in, NULL out)", async () => {
      const stmt = select(
        func.upper(users.c.name).label("u"),
        func.lower(users.c.fullname).label("l"),
        func.length(users.c.fullname).label("n"),
      )
        .where(users.c.id.in([1, 3]))
        .orderBy(users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select upper("users"."name") as "u", lower("users"."fullname") as "l", length("users"."fullname") as "n" from "users" where "users"."id" in ($1, $2) order by "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        ["ED", "ed jones", 8],
        ["MARY", null, null],
      ]);
    });

    test("func.call names any function and types its result", async () => {
      const toChar = func.call("to_char", [users.c.age, "FM999"], Text);
      const stmt = select(
        toChar.label("age_text"),
        func.call("pg_catalog.upper", [users.c.name], Text),
      ).where(users.c.id.eq(2));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select to_char("users"."age", $1::VARCHAR) as "age_text", pg_catalog.upper("users"."name") from "users" where "users"."id" = $2',
        parameters: ["FM999", 2],
      });
      expect(stmt.compile().resultColumns.map((column) => [column.name, column.type.name])).toEqual([
        ["age_text", "Text"],
        ["upper", "Text"],
      ]);
      expect(await fetchRows(db, stmt)).toEqual([["25", "WENDY"]]);
    });

    test("any other name is a function too (untyped)", async () => {
      // `!`: func is typed as a Record<string, AnyFunction>, so under noUncheckedIndexedAccess (this
      // repository's setting) `func.greatest` may be undefined and `func.greatest(...)` does not compile.
      const stmt = select(items.c.id, func.greatest!(items.c.quantity, items.c.price).label("g")).orderBy(
        items.c.id,
      );
      expect(sqlOf(stmt).sql).toBe(
        'select "items"."id", greatest("items"."quantity", "items"."price") as "g" from "items" order by "items"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 10],
        [2, 35],
        [3, 25],
        [4, 15],
        [5, 1],
      ]);
    });
  });

  describe("window functions", () => {
    test("partitionBy and orderBy (with NULLS LAST)", async () => {
      const rowNumber = func
        .call("row_number", [], Integer)
        .over({ partitionBy: [items.c.orderId], orderBy: [items.c.price.desc().nullsLast()] });
      const stmt = select(items.c.id, rowNumber.label("rn")).orderBy(items.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "items"."id", row_number() over(partition by "items"."order_id" order by "items"."price" desc nulls last) as "rn" from "items" order by "items"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 2],
        [2, 1],
        [3, 1],
        [4, 1],
        [5, 2],
      ]);
    });

    test("a running total, a partition total and the whole", async () => {
      const stmt = select(
        items.c.id,
        func
          .sum(items.c.quantity)
          .over({ orderBy: [items.c.id] })
          .label("running"),
        func
          .sum(items.c.quantity)
          .over({ partitionBy: [items.c.orderId] })
          .label("per_order"),
        func.count().over().label("n"),
      ).orderBy(items.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "items"."id", sum("items"."quantity") over(order by "items"."id") as "running", sum("items"."quantity") over(partition by "items"."order_id") as "per_order", count(*) over() as "n" from "items" order by "items"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 3, 5, 5],
        [2, 5, 5, 5],
        [3, 15, 10, 5],
        [4, 20, 6, 5],
        [5, 21, 6, 5],
      ]);
    });

    test("filter() before over()", async () => {
      const stmt = select(
        items.c.id,
        func
          .sum(items.c.quantity)
          .filter(items.c.price.gt(10))
          .over({ partitionBy: [items.c.orderId] })
          .label("s"),
      ).orderBy(items.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "items"."id", sum("items"."quantity") filter(where "items"."price" > $1) over(partition by "items"."order_id") as "s" from "items" order by "items"."id"',
        parameters: [10],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 2],
        [2, 2],
        [3, 10],
        [4, 5],
        [5, 5],
      ]);
    });

    test("rank() with ties", async () => {
      const rank = func.call("rank", [], Integer).over({ orderBy: [items.c.product] });
      const stmt = select(items.c.product, rank.label("r")).orderBy(items.c.product, items.c.id);
      expect(await fetchRows(db, stmt)).toEqual([
        ["apple", 1],
        ["apple", 1],
        ["kiwi", 3],
        ["pear", 4],
        ["plum", 5],
      ]);
    });
  });

  describe("CASE", () => {
    test("searched CASE with ELSE", async () => {
      const bucket = case_(
        [
          [users.c.age.ge(30), "senior"],
          [users.c.age.lt(30), "junior"],
        ],
        { else: "unknown" },
      );
      const stmt = select(users.c.name, bucket.label("bucket")).orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name", case when "users"."age" >= $1 then $2::VARCHAR when "users"."age" < $3 then $4::VARCHAR else $5::VARCHAR end as "bucket" from "users" order by "users"."id"',
        parameters: [30, "senior", 30, "junior", "unknown"],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", "senior"],
        ["wendy", "junior"],
        ["mary", "unknown"],
        ["fred", "senior"],
      ]);
    });

    test("without ELSE, no match is NULL", async () => {
      const stmt = select(case_([[users.c.age.gt(35), "old"]]).label("tag")).orderBy(users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select case when "users"."age" > $1 then $2::VARCHAR end as "tag" from "users" order by "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([[null], [null], [null], ["old"]]);
    });

    test("simple CASE on a value; results may be columns", async () => {
      const rank = case_(
        [
          ["ed", 1],
          ["wendy", 2],
        ],
        { value: users.c.name, else: 0 },
      );
      const age = case_([["fred", users.c.age]], { value: users.c.name });
      const stmt = select(rank.label("rank"), age.label("fred_age")).orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select case "users"."name" when $1 then $2::INTEGER when $3 then $4::INTEGER else $5::INTEGER end as "rank", case "users"."name" when $6 then "users"."age" end as "fred_age" from "users" order by "users"."id"',
        parameters: ["ed", 1, "wendy", 2, 0, "fred"],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        [1, null],
        [2, null],
        [0, null],
        [0, 40],
      ]);
    });

    test("in WHERE and ORDER BY", async () => {
      const mariesFirst = case_([[users.c.name.eq("mary"), 0]], { else: 1 });
      const stmt = select(users.c.id)
        .where(case_([[users.c.age.isNull(), "none"]], { else: "some" }).ne("x"))
        .orderBy(mariesFirst, users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."id" from "users" where case when "users"."age" is null then $1::VARCHAR else $2::VARCHAR end <> $3 order by case when "users"."name" = $4 then $5::INTEGER else $6::INTEGER end, "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([[3], [1], [2], [4]]);
    });
  });

  describe("CAST", () => {
    test("cast() and .cast() write CAST(x AS type)", async () => {
      const stmt = select(
        cast(users.c.age, Float).label("f"),
        users.c.age.cast(Text).label("t"),
        cast("42", Integer).label("i"),
        cast(users.c.name, String(2)).label("short"),
      )
        .where(users.c.id.in([2, 3]))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select cast("users"."age" as DOUBLE PRECISION) as "f", cast("users"."age" as TEXT) as "t", cast($1 as INTEGER) as "i", cast("users"."name" as VARCHAR(2)) as "short" from "users" where "users"."id" in ($2, $3) order by "users"."id"',
        parameters: ["42", 2, 3],
      });
      // A cast to VARCHAR(2) truncates.
      expect(await fetchRows(db, stmt)).toEqual([
        [25, "25", 42, "we"],
        [null, null, 42, "ma"],
      ]);
    });

    test("a cast expression compares as its type", async () => {
      const stmt = select(users.c.id).where(users.c.age.cast(Text).like("3%"));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" where cast("users"."age" as TEXT) like $1',
        parameters: ["3%"],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1]]);
    });
  });
});
