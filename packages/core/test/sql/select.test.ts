import { asc, desc, func, type LockOptions, literal, nullsFirst, nullsLast, select } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import {
  addresses,
  createFixture,
  execute,
  fetchRows,
  ledger,
  order,
  orders,
  rolledBack,
  sqlOf,
  users,
} from "./schema-fixture.ts";

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  describe("columns and WHERE", () => {
    test("selected columns are qualified by their table; values are bound", async () => {
      const stmt = select(users.c.id, users.c.name).where(users.c.name.eq("ed"));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id", "users"."name" from "users" where "users"."name" = $1',
        parameters: ["ed"],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1, "ed"]]);
    });

    test("a table selected whole expands to its columns, in declaration order", async () => {
      const stmt = select(users).where(users.c.id.eq(3));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id", "users"."name", "users"."fullname", "users"."age", "users"."status" from "users" where "users"."id" = $1',
        parameters: [3],
      });
      expect(stmt.compile().resultColumns.map((column) => column.name)).toEqual([
        "id",
        "name",
        "fullname",
        "age",
        "status",
      ]);
      expect(await fetchRows(db, stmt)).toEqual([[3, "mary", null, null, "inactive"]]);
    });

    test("a column with another SQL name renders its SQL name; its result column keeps its key", async () => {
      const stmt = select(addresses.c.userId, addresses.c.email)
        .where(addresses.c.userId.eq(1))
        .orderBy(addresses.c.email);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "addresses"."user_id", "addresses"."email" from "addresses" where "addresses"."user_id" = $1 order by "addresses"."email"',
        parameters: [1],
      });
      expect(stmt.compile().resultColumns.map((column) => column.name)).toEqual(["userId", "email"]);
      expect(await fetchRows(db, stmt)).toEqual([
        [1, "ed@example.com"],
        [1, "ed@work.org"],
      ]);
    });

    test("where() twice ANDs the criteria; filter() is where()", async () => {
      const stmt = select(users.c.id)
        .where(users.c.age.gt(20))
        .filter(users.c.status.eq("active"), users.c.name.ne("fred"))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" where "users"."age" > $1 and "users"."status" = $2 and "users"."name" <> $3 order by "users"."id"',
        parameters: [20, "active", "fred"],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1], [2]]);
    });

    test("every method returns a new statement; the original is unchanged", () => {
      const base = select(users.c.id);
      const filtered = base.where(users.c.id.eq(1));
      expect(filtered).not.toBe(base);
      expect(base.compile().sql).toBe('select "users"."id" from "users"');
      expect(String(filtered)).toBe('select "users"."id" from "users" where "users"."id" = $1');
    });

    test("a label names the result column", async () => {
      const stmt = select(users.c.name.label("who"), users.c.age.add(1).label("next_age")).where(
        users.c.id.eq(2),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name" as "who", "users"."age" + $1 as "next_age" from "users" where "users"."id" = $2',
        parameters: [1, 2],
      });
      expect(await execute(db, stmt.compile())).toEqual([{ who: "wendy", next_age: 26 }]);
    });

    test("addColumns appends to the SELECT list", async () => {
      const stmt = select(users.c.id).addColumns(users.c.name, users.c.status).where(users.c.id.eq(3));
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."id", "users"."name", "users"."status" from "users" where "users"."id" = $1',
      );
      expect(await fetchRows(db, stmt)).toEqual([[3, "mary", "inactive"]]);
    });

    test("selectFrom gives the FROM list when the columns name no table", async () => {
      const stmt = select(func.count().label("n")).selectFrom(users).where(users.c.age.isNull());
      expect(sqlOf(stmt)).toEqual({
        sql: 'select count(*) as "n" from "users" where "users"."age" is null',
        parameters: [],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1]]);
    });

    test("a SELECT of values only has no FROM", async () => {
      const stmt = select(literal(7).label("seven"), literal("x").label("ex"));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select $1::INTEGER as "seven", $2::VARCHAR as "ex"',
        parameters: [7, "x"],
      });
      expect(await fetchRows(db, stmt)).toEqual([[7, "x"]]);
    });
  });

  describe("GROUP BY, HAVING", () => {
    test("aggregates per group, groups filtered by HAVING", async () => {
      const stmt = select(orders.c.userId, func.count().label("n"), func.sum(orders.c.total).label("spent"))
        .groupBy(orders.c.userId)
        .having(func.count().gt(1))
        .orderBy(orders.c.userId);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "orders"."user_id", count(*) as "n", sum("orders"."total") as "spent" from "orders" group by "orders"."user_id" having count(*) > $1 order by "orders"."user_id"',
        parameters: [1],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1, 2, 350]]);
    });

    test("several HAVING conditions are ANDed; NULL forms its own group", async () => {
      const stmt = select(orders.c.userId, func.max(orders.c.total).label("top"))
        .groupBy(orders.c.userId)
        .having(func.max(orders.c.total).lt(200), func.count().ge(1))
        .orderBy(orders.c.userId.asc().nullsFirst());
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "orders"."user_id", max("orders"."total") as "top" from "orders" group by "orders"."user_id" having max("orders"."total") < $1 and count(*) >= $2 order by "orders"."user_id" asc nulls first',
        parameters: [200, 1],
      });
      expect(await fetchRows(db, stmt)).toEqual([
        [null, 10],
        [2, 75],
      ]);
    });
  });

  describe("ORDER BY, LIMIT, OFFSET", () => {
    // ages: ed 30, wendy 25, mary NULL, fred 40. PostgreSQL sorts NULL as larger than any value.
    test("desc puts NULL first by default; nullsLast moves it", async () => {
      const byDesc = select(users.c.id).orderBy(users.c.age.desc());
      expect(sqlOf(byDesc).sql).toBe('select "users"."id" from "users" order by "users"."age" desc');
      expect(await fetchRows(db, byDesc)).toEqual([[3], [4], [1], [2]]);

      const nullsAtEnd = select(users.c.id).orderBy(users.c.age.desc().nullsLast());
      expect(sqlOf(nullsAtEnd).sql).toBe(
        'select "users"."id" from "users" order by "users"."age" desc nulls last',
      );
      expect(await fetchRows(db, nullsAtEnd)).toEqual([[4], [1], [2], [3]]);
    });

    test("asc, desc, nullsFirst and nullsLast as functions", async () => {
      const stmt = select(users.c.id).orderBy(nullsFirst(users.c.age), desc(users.c.name));
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."id" from "users" order by "users"."age" nulls first, "users"."name" desc',
      );
      expect(await fetchRows(db, stmt)).toEqual([[3], [2], [1], [4]]);

      const ascending = select(users.c.id).orderBy(nullsLast(asc(users.c.age)));
      expect(sqlOf(ascending).sql).toBe(
        'select "users"."id" from "users" order by "users"."age" asc nulls last',
      );
      expect(await fetchRows(db, ascending)).toEqual([[2], [1], [4], [3]]);
    });

    test("limit and offset are bound parameters", async () => {
      const stmt = select(users.c.id).orderBy(users.c.id).limit(2).offset(1);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" order by "users"."id" limit $1 offset $2',
        parameters: [2, 1],
      });
      expect(await fetchRows(db, stmt)).toEqual([[2], [3]]);
      expect(await fetchRows(db, select(users.c.id).limit(0))).toEqual([]);
      expect(await fetchRows(db, select(users.c.id).orderBy(users.c.id).offset(3))).toEqual([[4]]);
    });

    test("the last limit() given wins", () => {
      expect(sqlOf(select(users.c.id).limit(5).limit(1)).parameters).toEqual([1]);
    });

    test("ordering by an expression", async () => {
      const stmt = select(users.c.name).orderBy(func.length(users.c.name).desc(), users.c.name);
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name" from "users" order by length("users"."name") desc, "users"."name"',
      );
      expect(await fetchRows(db, stmt)).toEqual([["wendy"], ["fred"], ["mary"], ["ed"]]);
    });

    // Was a bug, now fixed (the test guards it): a Label outside the SELECT list still renders "expr as name".
    test("ordering by a label orders by its name", async () => {
      const n = func.count().label("n");
      const stmt = select(orders.c.userId, n).groupBy(orders.c.userId).orderBy(n.desc(), orders.c.userId);
      expect(sqlOf(stmt).sql).toBe(
        'select "orders"."user_id", count(*) as "n" from "orders" group by "orders"."user_id" order by "n" desc, "orders"."user_id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 2],
        [2, 1],
        [null, 1],
      ]);
    });

    // Was a bug, now fixed (the test guards it): same as above, in HAVING.
    test("a label used in a condition renders its expression", async () => {
      const n = func.count().label("n");
      const stmt = select(orders.c.userId, n).groupBy(orders.c.userId).having(n.gt(1));
      expect(sqlOf(stmt).sql).toBe(
        'select "orders"."user_id", count(*) as "n" from "orders" group by "orders"."user_id" having count(*) > $1',
      );
      expect(await fetchRows(db, stmt)).toEqual([[1, 2]]);
    });
  });

  describe("DISTINCT", () => {
    test("distinct()", async () => {
      const stmt = select(users.c.status).distinct().orderBy(users.c.status);
      expect(sqlOf(stmt).sql).toBe('select distinct "users"."status" from "users" order by "users"."status"');
      expect(await fetchRows(db, stmt)).toEqual([["active"], ["inactive"]]);
    });

    test("distinct(on...) keeps the first row of each group, in ORDER BY order", async () => {
      const stmt = select(orders.c.userId, orders.c.total)
        .distinct(orders.c.userId)
        .orderBy(orders.c.userId, orders.c.total.desc());
      expect(sqlOf(stmt).sql).toBe(
        'select distinct on ("orders"."user_id") "orders"."user_id", "orders"."total" from "orders" order by "orders"."user_id", "orders"."total" desc',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 250],
        [2, 75],
        [null, 10],
      ]);
    });
  });

  describe("FOR UPDATE (run inside a transaction)", () => {
    const locked = select(users.c.id).where(users.c.id.le(2)).orderBy(users.c.id);
    const cases: [LockOptions, string][] = [
      [{}, "for update"],
      [{ nowait: true }, "for update nowait"],
      [{ skipLocked: true }, "for update skip locked"],
      [{ read: true }, "for share"],
      [{ keyShare: true }, "for no key update"],
      [{ read: true, keyShare: true }, "for key share"],
      [{ of: users, skipLocked: true }, 'for update of "users" skip locked'],
      [{ read: true, of: [users], nowait: true }, 'for share of "users" nowait'],
    ];
    for (const [options, clause] of cases) {
      test(clause, async () => {
        const stmt = locked.withForUpdate(options);
        expect(sqlOf(stmt)).toEqual({
          sql: `select "users"."id" from "users" where "users"."id" <= $1 order by "users"."id" ${clause}`,
          parameters: [2],
        });
        expect(await rolledBack(db, () => fetchRows(db, stmt))).toEqual([[1], [2]]);
      });
    }

    test("of several tables of a join", async () => {
      const stmt = select(users.c.name, addresses.c.email)
        .join(addresses)
        .where(users.c.id.eq(2))
        .withForUpdate({ of: [users, addresses] });
      expect(sqlOf(stmt).sql).toBe(
        'select "users"."name", "addresses"."email" from "users" inner join "addresses" on "users"."id" = "addresses"."user_id" where "users"."id" = $1 for update of "users", "addresses"',
      );
      expect(await rolledBack(db, () => fetchRows(db, stmt))).toEqual([["wendy", "wendy@example.com"]]);
    });
  });

  describe("identifiers", () => {
    test("reserved words, mixed case, spaces and double quotes are quoted", async () => {
      const stmt = select(order)
        .where(order.c.quoted.eq("q1"), order.c.mixedCase.gt(0))
        .orderBy(order.c.spaced);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "order"."id", "order"."user", "order"."MixedCase", "order"."with space", "order"."say ""hi""" from "order" where "order"."say ""hi""" = $1 and "order"."MixedCase" > $2 order by "order"."with space"',
        parameters: ["q1", 0],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1, "ann", 7, "a b", "q1"]]);
      expect(
        await execute(db, select(order.c.user, order.c.quoted).where(order.c.id.eq(2)).compile()),
      ).toEqual([{ user: "bob", 'say "hi"': "q2" }]);
    });

    test("a schema-qualified table is written schema.table everywhere", async () => {
      const stmt = select(ledger.c.userId, func.sum(ledger.c.amount).label("balance"))
        .groupBy(ledger.c.userId)
        .orderBy(ledger.c.userId);
      expect(sqlOf(stmt).sql).toBe(
        'select "sales"."ledger"."user_id", sum("sales"."ledger"."amount") as "balance" from "sales"."ledger" group by "sales"."ledger"."user_id" order by "sales"."ledger"."user_id"',
      );
      expect(await fetchRows(db, stmt)).toEqual([
        [1, 300],
        [2, 40],
      ]);
    });
  });
});
