import { cast, exists, func, Integer, literal, not_, select } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import {
  addresses,
  categories,
  createFixture,
  fetchRows,
  items,
  orders,
  sqlOf,
  users,
} from "./schema-fixture.ts";

// users 1 ed (30), 2 wendy (25), 3 mary (NULL), 4 fred (40); addresses: ed x2, wendy x1;
// orders (total): 1 ed 100, 2 ed 250, 3 wendy 75, 4 nobody 10; items: orders 1 x2, 2 x1, 3 x2 (kiwi).

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  describe("subqueries in FROM", () => {
    test("a named subquery, joined; its labels are its columns", async () => {
      const totals = select(orders.c.userId, func.sum(orders.c.total).label("spent"))
        .groupBy(orders.c.userId)
        .subquery("totals");
      const stmt = select(users.c.name, totals.c.spent)
        .join(totals, users.c.id.eq(totals.c.userId))
        .where(totals.c.spent.gt(50))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name", "totals"."spent" from "users" inner join (select "orders"."user_id", sum("orders"."total") as "spent" from "orders" group by "orders"."user_id") as "totals" on "users"."id" = "totals"."user_id" where "totals"."spent" > $1 order by "users"."id"',
        parameters: [50],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", 350],
        ["wendy", 75],
      ]);
    });

    test("anonymous subqueries are anon_1, anon_2 in order of first appearance", async () => {
      const orderCounts = select(orders.c.userId, func.count().label("n"))
        .groupBy(orders.c.userId)
        .subquery();
      const addressCounts = select(addresses.c.userId, func.count().label("m"))
        .groupBy(addresses.c.userId)
        .subquery();
      const stmt = select(users.c.name, orderCounts.c.n, addressCounts.c.m)
        .join(orderCounts, users.c.id.eq(orderCounts.c.userId))
        .join(addressCounts, users.c.id.eq(addressCounts.c.userId))
        .orderBy(users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name", "anon_1"."n", "anon_2"."m" from "users" inner join (select "orders"."user_id", count(*) as "n" from "orders" group by "orders"."user_id") as "anon_1" on "users"."id" = "anon_1"."user_id" inner join (select "addresses"."user_id", count(*) as "m" from "addresses" group by "addresses"."user_id") as "anon_2" on "users"."id" = "anon_2"."user_id" order by "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", 2, 2],
        ["wendy", 1, 1],
      ]);
    });

    test("a subquery of a subquery: the outer one is met first", async () => {
      const inner = select(orders.c.userId, orders.c.total).where(orders.c.total.gt(50)).subquery();
      const outer = select(inner.c.userId, func.max(inner.c.total).label("top"))
        .groupBy(inner.c.userId)
        .subquery();
      const stmt = select(users.c.name, outer.c.top)
        .join(outer, users.c.id.eq(outer.c.userId))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name", "anon_1"."top" from "users" inner join (select "anon_2"."user_id", max("anon_2"."total") as "top" from (select "orders"."user_id", "orders"."total" from "orders" where "orders"."total" > $1) as "anon_2" group by "anon_2"."user_id") as "anon_1" on "users"."id" = "anon_1"."user_id" order by "users"."id"',
        parameters: [50],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", 250],
        ["wendy", 75],
      ]);
    });

    test("a subquery selected whole; its columns keep their SQL names", async () => {
      const s = select(addresses.c.userId, addresses.c.email).where(addresses.c.userId.eq(1)).subquery("s");
      const stmt = select(s).orderBy(s.c.email);
      expect(sqlOf(stmt).sql).toBe(
        'select "s"."user_id", "s"."email" from (select "addresses"."user_id", "addresses"."email" from "addresses" where "addresses"."user_id" = $1) as "s" order by "s"."email"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, "ed@example.com"],
        [1, "ed@work.org"],
      ]);
    });
  });

  describe("scalar subqueries and correlation", () => {
    test("in the SELECT list, correlated: the enclosing table leaves the subquery's FROM", async () => {
      const addressCount = select(func.count()).where(addresses.c.userId.eq(users.c.id));
      const stmt = select(
        users.c.name,
        addressCount.scalarSubquery().label("n"),
        addressCount.label("again"),
      ).orderBy(users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name", (select count(*) from "addresses" where "addresses"."user_id" = "users"."id") as "n", (select count(*) from "addresses" where "addresses"."user_id" = "users"."id") as "again" from "users" order by "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", 2, 2],
        ["wendy", 1, 1],
        ["mary", 0, 0],
        ["fred", 0, 0],
      ]);
    });

    test("in WHERE, correlated", async () => {
      const stmt = select(users.c.name).where(
        select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery().ge(2),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name" from "users" where (select count(*) from "addresses" where "addresses"."user_id" = "users"."id") >= $1',
        parameters: [2],
      });
      expect(await fetchRows(db, stmt)).toEqual([["ed"]]);
    });

    test("in WHERE, over another table: not correlated", async () => {
      const stmt = select(users.c.name).where(
        users.c.id.eq(select(func.max(orders.c.userId)).scalarSubquery()),
      );
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name" from "users" where "users"."id" = (select max("orders"."user_id") from "orders")',
      );
      expect(await fetchRows(db, stmt)).toEqual([["wendy"]]);
    });

    // Was a bug, now fixed (the test guards it): auto-correlation removes every FROM item of the subquery when its only table is the
    // enclosing one: "(select avg("users"."age"))" (PostgreSQL: aggregate functions are not allowed
    // in WHERE). SQLAlchemy correlates only when a FROM item would remain.
    test("a scalar subquery over the enclosing query's only table keeps its FROM", async () => {
      const stmt = select(users.c.name).where(users.c.age.gt(select(func.avg(users.c.age)).scalarSubquery()));
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name" from "users" where "users"."age" > (select avg("users"."age") from "users")',
      );
      expect(await fetchRows(db, stmt)).toEqual([["fred"]]);
    });

    test("EXISTS and NOT EXISTS, correlated", async () => {
      const hasAddress = select(addresses.c.id).where(addresses.c.userId.eq(users.c.id));
      const withAddress = select(users.c.id).where(exists(hasAddress)).orderBy(users.c.id);
      expect(sqlOf(withAddress).sql).toBe(
        'select "users"."id" from "users" where exists (select "addresses"."id" from "addresses" where "addresses"."user_id" = "users"."id") order by "users"."id"',
      );
      expect(await fetchRows(db, withAddress)).toEqual([[1], [2]]);
      const without = select(users.c.id).where(not_(hasAddress.exists())).orderBy(users.c.id);
      expect(sqlOf(without).sql).toBe(
        'select "users"."id" from "users" where not exists (select "addresses"."id" from "addresses" where "addresses"."user_id" = "users"."id") order by "users"."id"',
      );
      expect(await fetchRows(db, without)).toEqual([[3], [4]]);
    });

    test("correlation through two levels of nesting", async () => {
      const kiwi = select(items.c.id).where(items.c.orderId.eq(orders.c.id), items.c.product.eq("kiwi"));
      const stmt = select(users.c.name).where(
        exists(select(orders.c.id).where(orders.c.userId.eq(users.c.id), exists(kiwi))),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name" from "users" where exists (select "orders"."id" from "orders" where "orders"."user_id" = "users"."id" and exists (select "items"."id" from "items" where "items"."order_id" = "orders"."id" and "items"."product" = $1))',
        parameters: ["kiwi"],
      });
      expect(await fetchRows(db, stmt)).toEqual([["wendy"]]);
    });

    test("correlate() with no tables: the subquery keeps its whole FROM", async () => {
      const uncorrelated = select(addresses.c.id).where(addresses.c.userId.eq(users.c.id)).correlate();
      const stmt = select(users.c.id).where(exists(uncorrelated)).orderBy(users.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."id" from "users" where exists (select "addresses"."id" from "addresses", "users" where "addresses"."user_id" = "users"."id") order by "users"."id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([[1], [2], [3], [4]]);
    });

    test("correlate(t) correlates only t", async () => {
      const itemsOfOrder = select(items.c.id).where(items.c.orderId.eq(orders.c.id), users.c.id.eq(1));
      const base = select(users.c.name, orders.c.total).join(orders).orderBy(orders.c.id);
      const auto = base.where(exists(itemsOfOrder));
      expect(sqlOf(auto).sql).toBe(
        'select "users"."name", "orders"."total" from "users" inner join "orders" on "users"."id" = "orders"."user_id" where exists (select "items"."id" from "items" where "items"."order_id" = "orders"."id" and "users"."id" = $1) order by "orders"."id"',
      );
      expect(await fetchRows(db, auto)).toEqual([
        ["ed", 100],
        ["ed", 250],
      ]);
      const onlyOrders = base.where(exists(itemsOfOrder.correlate(orders)));
      expect(sqlOf(onlyOrders).sql).toBe(
        'select "users"."name", "orders"."total" from "users" inner join "orders" on "users"."id" = "orders"."user_id" where exists (select "items"."id" from "items", "users" where "items"."order_id" = "orders"."id" and "users"."id" = $1) order by "orders"."id"',
      );
      expect(await fetchRows(db, onlyOrders)).toEqual([
        ["ed", 100],
        ["ed", 250],
        ["wendy", 75],
      ]);
    });

    test("IN and NOT IN a subquery (a NULL in the subquery makes NOT IN match nothing)", async () => {
      const bigSpenders = select(users.c.id).where(
        users.c.id.in(select(orders.c.userId).where(orders.c.total.gt(90))),
      );
      expect(sqlOf(bigSpenders)).toEqual({
        sql: 'select "users"."id" from "users" where "users"."id" in (select "orders"."user_id" from "orders" where "orders"."total" > $1)',
        parameters: [90],
      });
      expect(await fetchRows(db, bigSpenders)).toEqual([[1]]);
      const noOrders = select(users.c.id)
        .where(users.c.id.notIn(select(orders.c.userId)))
        .orderBy(users.c.id);
      expect(sqlOf(noOrders).sql).toBe(
        'select "users"."id" from "users" where "users"."id" not in (select "orders"."user_id" from "orders") order by "users"."id"',
      );
      expect(await fetchRows(db, noOrders)).toEqual([]);
      const noOrdersKnown = select(users.c.id)
        .where(users.c.id.notIn(select(orders.c.userId).where(orders.c.userId.isNotNull())))
        .orderBy(users.c.id);
      expect(await fetchRows(db, noOrdersKnown)).toEqual([[3], [4]]);
    });
  });

  describe("common table expressions", () => {
    const big = select(orders.c.id, orders.c.userId).where(orders.c.total.gt(90)).cte("big");

    test("a CTE is defined in WITH and referenced by name", async () => {
      const stmt = select(users.c.name, big.c.id).join(big, users.c.id.eq(big.c.userId)).orderBy(big.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'with "big" as (select "orders"."id", "orders"."user_id" from "orders" where "orders"."total" > $1) select "users"."name", "big"."id" from "users" inner join "big" on "users"."id" = "big"."user_id" order by "big"."id"',
        parameters: [90],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        ["ed", 1],
        ["ed", 2],
      ]);
    });

    test("a CTE using another comes after it; an aliased CTE", async () => {
      const later = select(big.c.userId, big.c.id).where(big.c.id.gt(1)).cte("later");
      const b = later.alias("b");
      const stmt = select(b.c.userId, b.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'with "big" as (select "orders"."id", "orders"."user_id" from "orders" where "orders"."total" > $1), "later" as (select "big"."user_id", "big"."id" from "big" where "big"."id" > $2) select "b"."user_id", "b"."id" from "later" as "b"',
        parameters: [90, 1],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1, 2]]);
    });

    test("an unnamed CTE is anon_1", async () => {
      const unnamed = select(users.c.id).where(users.c.age.isNull()).cte();
      const stmt = select(unnamed.c.id);
      expect(sqlOf(stmt).sql).toBe(
        'with "anon_1" as (select "users"."id" from "users" where "users"."age" is null) select "anon_1"."id" from "anon_1"',
      );
      expect(await fetchRows(db, stmt)).toEqual([[3]]);
    });

    const anchor = select(categories.c.id, categories.c.name, cast(0, Integer).label("depth"))
      .where(categories.c.parentId.isNull(), categories.c.name.eq("food"))
      .cte("tree", { recursive: true });
    const t = anchor.alias("t");
    const tree = anchor.unionAll(
      select(categories.c.id, categories.c.name, t.c.depth.add(1)).join(t, categories.c.parentId.eq(t.c.id)),
    );
    const treeRows = [
      ["food", 0],
      ["fruit", 1],
      ["vegetables", 1],
      ["apple", 2],
      ["carrot", 2],
      ["granny smith", 3],
    ];

    test("a recursive CTE: a category tree through parent_id", async () => {
      const stmt = select(tree).orderBy(tree.c.depth, tree.c.name);
      expect(sqlOf(stmt)).toEqual({
        sql: 'with recursive "tree" as (select "categories"."id", "categories"."name", cast($1 as INTEGER) as "depth" from "categories" where "categories"."parent_id" is null and "categories"."name" = $2 union all select "categories"."id", "categories"."name", "t"."depth" + $3 from "categories" inner join "tree" as "t" on "categories"."parent_id" = "t"."id") select "tree"."id", "tree"."name", "tree"."depth" from "tree" order by "tree"."depth", "tree"."name"',
        parameters: [0, "food", 1],
      });
      expect((await fetchRows(db, stmt)).map((row) => row.slice(1))).toEqual(treeRows);
    });

    // Was a bug, now fixed (the test guards it): the recursive CTE's columns belong to its first part, so selecting them (rather than the
    // CTE whole) defines only the anchor: the UNION ALL part is silently dropped.
    test("selecting a recursive CTE's columns keeps its recursive part", async () => {
      const stmt = select(tree.c.name, tree.c.depth).orderBy(tree.c.depth, tree.c.name);
      expect(sqlOf(stmt).sql).toContain("union all");
      expect(await fetchRows(db, stmt)).toEqual(treeRows);
    });

    // Was a bug, now fixed (the test guards it): bound values carry no type to PostgreSQL: literal(0) arrives as text (unknown), so the
    // recursive part's "depth" + 1 fails (operator does not exist: text + unknown).
    test("a typed literal in a recursive CTE keeps its type", async () => {
      const start = select(categories.c.id, literal(0).label("depth"))
        .where(categories.c.id.eq(2))
        .cte("walk", { recursive: true });
      const w = start.alias("w");
      const walk = start.unionAll(
        select(categories.c.id, w.c.depth.add(1)).join(w, categories.c.parentId.eq(w.c.id)),
      );
      expect(await fetchRows(db, select(walk).orderBy(walk.c.id))).toEqual([
        [2, 0],
        [4, 1],
        [5, 2],
      ]);
    });
  });
});
