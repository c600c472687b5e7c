import { bindparam, delete_, exists, func, not_, select, update } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import {
  addresses,
  categories,
  createFixture,
  execute,
  fetchRows,
  items,
  ledger,
  order,
  orders,
  rolledBack,
  sqlOf,
  users,
} from "./schema-fixture.ts";

// Every write runs in a transaction that is rolled back: each test sees the fixture rows.
// orders has onupdate defaults: source "edited" (a value), updated_by "system" (a function).

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  const ages = () => fetchRows(db, select(users.c.id, users.c.age).orderBy(users.c.id));

  describe("UPDATE", () => {
    test("SET from values and expressions, WHERE, RETURNING", async () => {
      const stmt = update(users)
        .values({ age: users.c.age.add(1), fullname: null })
        .where(users.c.name.in(["ed", "mary"]))
        .returning(users.c.id, users.c.age, users.c.fullname);
      expect(sqlOf(stmt)).toEqual({
        sql: 'update "users" set "age" = "users"."age" + $1, "fullname" = $2 where "users"."name" in ($3, $4) returning "users"."id", "users"."age", "users"."fullname"',
        parameters: [1, null, "ed", "mary"],
      });
      await rolledBack(db, async () => {
        const returned = await fetchRows(db, stmt);
        expect(returned.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
          [1, 31, null],
          [3, null, null],
        ]);
        expect(await ages()).toEqual([
          [1, 31],
          [2, 25],
          [3, null],
          [4, 40],
        ]);
      });
    });

    test("values() twice merges, the later value winning; no WHERE updates every row", async () => {
      const stmt = update(users).values({ age: 1, status: "x" }).values({ age: 2 });
      expect(sqlOf(stmt)).toEqual({
        sql: 'update "users" set "age" = $1, "status" = $2',
        parameters: [2, "x"],
      });
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(
          await fetchRows(
            db,
            select(func.count().label("n")).where(users.c.age.eq(2), users.c.status.eq("x")),
          ),
        ).toEqual([[4]]);
      });
    });

    test("SET from the execution params; a named bindparam in WHERE is not a column to set", async () => {
      const stmt = update(users).where(users.c.id.eq(bindparam("target")));
      expect(sqlOf(stmt, { target: 2, age: 26, fullname: "W. W." })).toEqual({
        sql: 'update "users" set "age" = $1, "fullname" = $2 where "users"."id" = $3',
        parameters: [26, "W. W.", 2],
      });
      await rolledBack(db, async () => {
        await execute(db, stmt.compile(undefined, { target: 2, age: 26, fullname: "W. W." }));
        await execute(db, stmt.compile(undefined, { target: 4, age: 41, fullname: "F." }));
        expect(
          await fetchRows(
            db,
            select(users.c.id, users.c.age, users.c.fullname)
              .where(users.c.id.in([2, 4]))
              .orderBy(users.c.id),
          ),
        ).toEqual([
          [2, 26, "W. W."],
          [4, 41, "F."],
        ]);
      });
    });

    test("a bindparam named like a column is still a WHERE parameter", () => {
      const stmt = update(users).where(users.c.id.eq(bindparam("id")));
      expect(sqlOf(stmt, { id: 2, age: 26 })).toEqual({
        sql: 'update "users" set "age" = $1 where "users"."id" = $2',
        parameters: [26, 2],
      });
    });

    test("a CTE used by UPDATE ... FROM is defined in its WITH", async () => {
      const big = select(orders.c.id).where(orders.c.total.gt(90)).cte("big");
      const stmt = update(orders)
        .values({ note: "big" })
        .where(orders.c.id.eq(big.c.id))
        .returning(orders.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'with "big" as (select "orders"."id" from "orders" where "orders"."total" > $1) update "orders" set "note" = $2, "source" = $3, "updated_by" = $4 from "big" where "orders"."id" = "big"."id" returning "orders"."id"',
        parameters: [90, "big", "edited", "system"],
      });
      await rolledBack(db, async () => {
        expect((await fetchRows(db, stmt)).map((row) => row[0]).sort()).toEqual([1, 2]);
        expect(await fetchRows(db, select(orders.c.note).orderBy(orders.c.id))).toEqual([
          ["big"],
          ["big"],
          ["rush"],
          [null],
        ]);
      });
    });

    test("onupdate defaults fill the columns not set", async () => {
      const stmt = update(orders).values({ total: 1 }).where(orders.c.id.eq(1));
      expect(sqlOf(stmt)).toEqual({
        sql: 'update "orders" set "total" = $1, "source" = $2, "updated_by" = $3 where "orders"."id" = $4',
        parameters: [1, "edited", "system", 1],
      });
      const row = () =>
        fetchRows(db, select(orders.c.total, orders.c.source, orders.c.updatedBy).where(orders.c.id.eq(1)));
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(await row()).toEqual([[1, "edited", "system"]]);
      });
    });

    test("a given value, or an execution param, replaces the onupdate default", async () => {
      const stmt = update(orders)
        .values({ total: 2, source: "api", updatedBy: null })
        .where(orders.c.id.eq(1));
      expect(sqlOf(stmt).parameters).toEqual([2, "api", null, 1]);
      const byParam = update(orders).values({ total: 3 }).where(orders.c.id.eq(1));
      expect(sqlOf(byParam, { updatedBy: "bob" }).parameters).toEqual([3, "edited", "bob", 1]);
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(
          await fetchRows(db, select(orders.c.source, orders.c.updatedBy).where(orders.c.id.eq(1))),
        ).toEqual([["api", null]]);
        await execute(db, byParam.compile(undefined, { updatedBy: "bob" }));
        expect(
          await fetchRows(db, select(orders.c.source, orders.c.updatedBy).where(orders.c.id.eq(1))),
        ).toEqual([["edited", "bob"]]);
      });
    });

    test("another table in WHERE becomes UPDATE ... FROM; RETURNING may name it", async () => {
      const stmt = update(orders)
        .values({ note: "ed's" })
        .where(orders.c.userId.eq(users.c.id), users.c.name.eq("ed"))
        .returning(orders.c.id, users.c.name);
      expect(sqlOf(stmt)).toEqual({
        sql: 'update "orders" set "note" = $1, "source" = $2, "updated_by" = $3 from "users" where "orders"."user_id" = "users"."id" and "users"."name" = $4 returning "orders"."id", "users"."name"',
        parameters: ["ed's", "edited", "system", "ed"],
      });
      await rolledBack(db, async () => {
        const returned = await fetchRows(db, stmt);
        expect(returned.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
          [1, "ed"],
          [2, "ed"],
        ]);
        expect(await fetchRows(db, select(orders.c.id, orders.c.note).orderBy(orders.c.id))).toEqual([
          [1, "ed's"],
          [2, "ed's"],
          [3, "rush"],
          [4, null],
        ]);
      });
    });

    test("a correlated subquery in SET and in WHERE refers to the updated row", async () => {
      const addressCount = select(func.count())
        .where(addresses.c.userId.eq(users.c.id))
        .scalarSubquery<number>();
      const firstEmail = select(addresses.c.email)
        .where(addresses.c.userId.eq(users.c.id))
        .orderBy(addresses.c.id)
        .limit(1)
        .scalarSubquery<string>();
      const stmt = update(users)
        .values({ age: addressCount, fullname: firstEmail })
        .where(exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id))));
      expect(sqlOf(stmt)).toEqual({
        sql: 'update "users" set "age" = (select count(*) from "addresses" where "addresses"."user_id" = "users"."id"), "fullname" = (select "addresses"."email" from "addresses" where "addresses"."user_id" = "users"."id" order by "addresses"."id" limit $1) where exists (select "addresses"."id" from "addresses" where "addresses"."user_id" = "users"."id")',
        parameters: [1],
      });
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(
          await fetchRows(db, select(users.c.id, users.c.age, users.c.fullname).orderBy(users.c.id)),
        ).toEqual([
          [1, 2, "ed@example.com"],
          [2, 1, "wendy@example.com"],
          [3, null, null],
          [4, 40, "Fred 100%_sure/ok"],
        ]);
      });
    });

    // Was a bug, now fixed (the test guards it): as in SELECT, auto-correlation empties the FROM of a subquery over the updated table:
    // "(select max("users"."age"))" (PostgreSQL: aggregate functions are not allowed in UPDATE).
    test("a scalar subquery over the updated table in SET keeps its FROM", async () => {
      const stmt = update(users)
        .values({ age: select(func.max(users.c.age)).scalarSubquery<number>() })
        .where(users.c.id.eq(3));
      expect(sqlOf(stmt).sql).toBe(
        'update "users" set "age" = (select max("users"."age") from "users") where "users"."id" = $1',
      );
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(await fetchRows(db, select(users.c.age).where(users.c.id.eq(3)))).toEqual([[40]]);
      });
    });

    test("quoted names and a schema-qualified table", async () => {
      const odd = update(order)
        .values({ quoted: "changed", mixedCase: order.c.mixedCase.mul(2) })
        .where(order.c.spaced.isNotNull())
        .returning(order.c.mixedCase);
      expect(sqlOf(odd)).toEqual({
        sql: 'update "order" set "say ""hi""" = $1, "MixedCase" = "order"."MixedCase" * $2 where "order"."with space" is not null returning "order"."MixedCase"',
        parameters: ["changed", 2],
      });
      const entry = update(ledger)
        .values({ amount: ledger.c.amount.neg() })
        .where(ledger.c.userId.eq(2))
        .returning(ledger.c.amount);
      expect(sqlOf(entry).sql).toBe(
        'update "sales"."ledger" set "amount" = -"sales"."ledger"."amount" where "sales"."ledger"."user_id" = $1 returning "sales"."ledger"."amount"',
      );
      await rolledBack(db, async () => {
        expect(await fetchRows(db, odd)).toEqual([[14]]);
        expect(await fetchRows(db, entry)).toEqual([[-40]]);
      });
    });
  });

  describe("DELETE", () => {
    test("WHERE and RETURNING", async () => {
      const stmt = delete_(users).where(users.c.id.eq(4)).returning(users.c.name, users.c.age);
      expect(sqlOf(stmt)).toEqual({
        sql: 'delete from "users" where "users"."id" = $1 returning "users"."name", "users"."age"',
        parameters: [4],
      });
      await rolledBack(db, async () => {
        expect(await fetchRows(db, stmt)).toEqual([["fred", 40]]);
        expect((await ages()).map((row) => row[0])).toEqual([1, 2, 3]);
      });
    });

    test("other tables in WHERE become USING", async () => {
      const stmt = delete_(items)
        .where(items.c.orderId.eq(orders.c.id), orders.c.userId.eq(users.c.id), users.c.name.eq("ed"))
        .returning(items.c.id, users.c.name);
      expect(sqlOf(stmt)).toEqual({
        sql: 'delete from "items" using "orders", "users" where "items"."order_id" = "orders"."id" and "orders"."user_id" = "users"."id" and "users"."name" = $1 returning "items"."id", "users"."name"',
        parameters: ["ed"],
      });
      await rolledBack(db, async () => {
        const returned = await fetchRows(db, stmt);
        expect(returned.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
          [1, "ed"],
          [2, "ed"],
          [3, "ed"],
        ]);
        expect(await fetchRows(db, select(items.c.id).orderBy(items.c.id))).toEqual([[4], [5]]);
      });
    });

    test("a schema-qualified table with USING", async () => {
      const stmt = delete_(ledger)
        .where(ledger.c.userId.eq(users.c.id), users.c.name.eq("wendy"))
        .returning(ledger.c.amount);
      expect(sqlOf(stmt).sql).toBe(
        'delete from "sales"."ledger" using "users" where "sales"."ledger"."user_id" = "users"."id" and "users"."name" = $1 returning "sales"."ledger"."amount"',
      );
      expect(await rolledBack(db, () => fetchRows(db, stmt))).toEqual([[40]]);
    });

    test("IN (subquery) and NOT EXISTS, correlated to the deleted row", async () => {
      const orphanItems = delete_(items).where(
        items.c.orderId.in(select(orders.c.id).where(orders.c.userId.eq(2))),
      );
      expect(sqlOf(orphanItems)).toEqual({
        sql: 'delete from "items" where "items"."order_id" in (select "orders"."id" from "orders" where "orders"."user_id" = $1)',
        parameters: [2],
      });
      const withoutOrders = delete_(orders)
        .where(not_(exists(select(items.c.id).where(items.c.orderId.eq(orders.c.id)))))
        .returning(orders.c.id);
      expect(sqlOf(withoutOrders).sql).toBe(
        'delete from "orders" where not exists (select "items"."id" from "items" where "items"."order_id" = "orders"."id") returning "orders"."id"',
      );
      await rolledBack(db, async () => {
        await execute(db, orphanItems.compile());
        const deleted = await fetchRows(db, withoutOrders);
        expect(deleted.map((row) => row[0]).sort()).toEqual([3, 4]);
      });
    });

    test("a CTE used in DELETE's WHERE", async () => {
      const big = select(orders.c.id).where(orders.c.total.gt(90)).cte("big");
      const stmt = delete_(items)
        .where(items.c.orderId.in(select(big.c.id)))
        .returning(items.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'with "big" as (select "orders"."id" from "orders" where "orders"."total" > $1) delete from "items" where "items"."order_id" in (select "big"."id" from "big") returning "items"."id"',
        parameters: [90],
      });
      const deleted = await rolledBack(db, () => fetchRows(db, stmt));
      expect(deleted.map((row) => row[0]).sort()).toEqual([1, 2, 3]);
    });

    test("no WHERE deletes every row", async () => {
      const stmt = delete_(categories);
      expect(sqlOf(stmt)).toEqual({ sql: 'delete from "categories"', parameters: [] });
      await rolledBack(db, async () => {
        await execute(db, stmt.compile());
        expect(await fetchRows(db, select(func.count().label("n")).selectFrom(categories))).toEqual([[0]]);
      });
    });
  });
});
