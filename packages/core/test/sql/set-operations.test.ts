import { type CompoundSelect, func, select } from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { addresses, createFixture, fetchRows, orders, sqlOf, users } from "./schema-fixture.ts";

// Multisets: orders.user_id = {1, 1, 2, NULL}; addresses.user_id = {1, 1, 2};
// addresses.user_id where id = 1: {1}; users.id >= 2: {2, 3, 4}.
const orderUsers = select(orders.c.userId);
const addressUsers = select(addresses.c.userId);
const firstAddressUser = select(addresses.c.userId).where(addresses.c.id.eq(1));
const laterUsers = select(users.c.id).where(users.c.id.ge(2));

const ORDER_USERS = 'select "orders"."user_id" from "orders"';
const ADDRESS_USERS = 'select "addresses"."user_id" from "addresses"';
const FIRST_ADDRESS_USER = 'select "addresses"."user_id" from "addresses" where "addresses"."id" = $1';
const LATER_USERS = 'select "users"."id" from "users" where "users"."id" >= $1';

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  /** Rows of a compound ordered by its first output column (NULL last). */
  function sorted(compound: CompoundSelect) {
    return compound.orderBy(orders.c.userId);
  }

  describe("the six operators", () => {
    const cases: [string, CompoundSelect, string, unknown[], unknown[][]][] = [
      [
        "union",
        orderUsers.union(addressUsers),
        `${ORDER_USERS} union ${ADDRESS_USERS}`,
        [],
        [[1], [2], [null]],
      ],
      [
        "union all",
        orderUsers.unionAll(addressUsers),
        `${ORDER_USERS} union all ${ADDRESS_USERS}`,
        [],
        [[1], [1], [1], [1], [2], [2], [null]],
      ],
      [
        "intersect",
        orderUsers.intersect(addressUsers),
        `${ORDER_USERS} intersect ${ADDRESS_USERS}`,
        [],
        [[1], [2]],
      ],
      [
        "intersect all",
        orderUsers.intersectAll(addressUsers),
        `${ORDER_USERS} intersect all ${ADDRESS_USERS}`,
        [],
        [[1], [1], [2]],
      ],
      [
        "except",
        orderUsers.except(firstAddressUser),
        `${ORDER_USERS} except ${FIRST_ADDRESS_USER}`,
        [1],
        [[2], [null]],
      ],
      [
        "except all",
        orderUsers.exceptAll(firstAddressUser),
        `${ORDER_USERS} except all ${FIRST_ADDRESS_USER}`,
        [1],
        [[1], [2], [null]],
      ],
    ];
    for (const [name, compound, sql, parameters, rows] of cases) {
      test(name, async () => {
        expect(sqlOf(compound)).toEqual({ sql, parameters });
        expect(await fetchRows(db, sorted(compound))).toEqual(rows);
      });
    }
  });

  describe("ORDER BY, LIMIT, OFFSET", () => {
    test("on the compound: they apply to the whole, ordering by output column name", async () => {
      const stmt = orderUsers.union(addressUsers).orderBy(orders.c.userId.desc()).limit(2).offset(1);
      expect(sqlOf(stmt)).toEqual({
        sql: `${ORDER_USERS} union ${ADDRESS_USERS} order by "user_id" desc limit $1 offset $2`,
        parameters: [2, 1],
      });
      // desc: NULL, 2, 1
      expect(await fetchRows(db, stmt)).toEqual([[2], [1]]);
    });

    test("on a later member: the member is parenthesised", async () => {
      const top = select(users.c.id).orderBy(users.c.id.desc()).limit(1);
      const stmt = firstAddressUser.union(top);
      expect(sqlOf(stmt)).toEqual({
        sql: `${FIRST_ADDRESS_USER} union (select "users"."id" from "users" order by "users"."id" desc limit $2)`,
        parameters: [1, 1],
      });
      expect(await fetchRows(db, sorted(stmt))).toEqual([[1], [4]]);
    });

    test("on the first member: every member is parenthesised", async () => {
      const top = select(users.c.id).orderBy(users.c.id.desc()).limit(1);
      const stmt = top.union(firstAddressUser).orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: `(select "users"."id" from "users" order by "users"."id" desc limit $1) union (${FIRST_ADDRESS_USER.replace("$1", "$2")}) order by "id"`,
        parameters: [1, 1],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1], [4]]);
    });
  });

  describe("nesting", () => {
    test("union after union stays flat", async () => {
      const stmt = orderUsers.union(addressUsers).union(laterUsers);
      expect(sqlOf(stmt)).toEqual({
        sql: `${ORDER_USERS} union ${ADDRESS_USERS} union ${LATER_USERS}`,
        parameters: [2],
      });
      expect(await fetchRows(db, sorted(stmt))).toEqual([[1], [2], [3], [4], [null]]);
    });

    test("(a union b) intersect c keeps its parentheses (INTERSECT binds tighter)", async () => {
      const stmt = orderUsers.union(addressUsers).intersect(laterUsers);
      expect(sqlOf(stmt)).toEqual({
        sql: `(${ORDER_USERS} union ${ADDRESS_USERS}) intersect (${LATER_USERS})`,
        parameters: [2],
      });
      // Without the parentheses: a union (b intersect c) = {1, 2, NULL}.
      expect(await fetchRows(db, sorted(stmt))).toEqual([[2]]);
    });

    test("(a intersect b) union c needs none", async () => {
      const stmt = orderUsers.intersect(addressUsers).union(laterUsers);
      expect(sqlOf(stmt).sql).toBe(`${ORDER_USERS} intersect ${ADDRESS_USERS} union ${LATER_USERS}`);
      expect(await fetchRows(db, sorted(stmt))).toEqual([[1], [2], [3], [4]]);
    });

    test("a except (b except c) and (a except b) except c", async () => {
      const right = orderUsers.except(addressUsers.except(laterUsers));
      expect(sqlOf(right).sql).toBe(`${ORDER_USERS} except (${ADDRESS_USERS} except ${LATER_USERS})`);
      expect(await fetchRows(db, sorted(right))).toEqual([[2], [null]]);
      const left = orderUsers.except(addressUsers).except(laterUsers);
      expect(sqlOf(left).sql).toBe(`(${ORDER_USERS} except ${ADDRESS_USERS}) except (${LATER_USERS})`);
      expect(await fetchRows(db, sorted(left))).toEqual([[null]]);
    });

    test("a compound with ORDER BY used as a member is parenthesised", async () => {
      const stmt = orderUsers.union(addressUsers).orderBy(orders.c.userId).union(laterUsers);
      expect(sqlOf(stmt).sql).toBe(
        `(${ORDER_USERS} union ${ADDRESS_USERS} order by "user_id") union (${LATER_USERS})`,
      );
      expect(await fetchRows(db, sorted(stmt))).toEqual([[1], [2], [3], [4], [null]]);
    });
  });

  describe("compounds inside other statements", () => {
    test("as a subquery in FROM", async () => {
      const ids = orderUsers.union(addressUsers).subquery("ids");
      const stmt = select(func.count().label("n"), func.count(ids.c.userId).label("known")).selectFrom(ids);
      expect(sqlOf(stmt).sql).toBe(
        `select count(*) as "n", count("ids"."user_id") as "known" from (${ORDER_USERS} union ${ADDRESS_USERS}) as "ids"`,
      );
      expect(await fetchRows(db, stmt)).toEqual([[3, 2]]);
    });

    test("in IN (...)", async () => {
      const stmt = select(users.c.name)
        .where(users.c.id.in(firstAddressUser.union(select(orders.c.userId).where(orders.c.total.lt(100)))))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: `select "users"."name" from "users" where "users"."id" in (${FIRST_ADDRESS_USER} union select "orders"."user_id" from "orders" where "orders"."total" < $2) order by "users"."id"`,
        parameters: [1, 100],
      });
      expect(await fetchRows(db, stmt)).toEqual([["ed"], ["wendy"]]);
    });

    test("as a CTE", async () => {
      const everyone = orderUsers.union(laterUsers).cte("everyone");
      const stmt = select(everyone.c.userId).where(everyone.c.userId.isNotNull()).orderBy(everyone.c.userId);
      expect(sqlOf(stmt)).toEqual({
        sql: `with "everyone" as (${ORDER_USERS} union ${LATER_USERS}) select "everyone"."user_id" from "everyone" where "everyone"."user_id" is not null order by "everyone"."user_id"`,
        parameters: [2],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1], [2], [3], [4]]);
    });

    test("a compound's result columns are its first member's", () => {
      const stmt = select(users.c.name.label("label"), users.c.id).union(
        select(addresses.c.email, addresses.c.id),
      );
      expect(stmt.compile().resultColumns.map((column) => column.name)).toEqual(["label", "id"]);
    });
  });
});
