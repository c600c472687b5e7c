import {
  and_,
  bindparam,
  type ColumnElement,
  false_,
  func,
  Integer,
  literal,
  not_,
  null_,
  or_,
  select,
  true_,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { createFixture, fetchRows, items, sqlOf, users } from "./schema-fixture.ts";

// users: 1 ed (age 30, "Ed Jones"), 2 wendy (25, "Wendy Williams"), 3 mary (NULL, NULL),
// 4 fred (40, "Fred 100%_sure/ok").

/** The ids of the users a condition keeps, in id order. */
function usersWhere(condition: ColumnElement<boolean | null>) {
  return select(users.c.id).where(condition).orderBy(users.c.id);
}

/** The WHERE clause of `usersWhere(condition)`, and its parameters. */
function whereOf(condition: ColumnElement<boolean | null>): { where: string; parameters: unknown[] } {
  const { sql, parameters } = sqlOf(usersWhere(condition));
  const prefix = 'select "users"."id" from "users" where ';
  const suffix = ' order by "users"."id"';
  expect(sql.startsWith(prefix) && sql.endsWith(suffix), sql).toBe(true);
  return { where: sql.slice(prefix.length, sql.length - suffix.length), parameters };
}

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  /** Pins the WHERE clause and parameters, then checks which users it keeps on the database. */
  async function check(
    condition: ColumnElement<boolean | null>,
    where: string,
    parameters: unknown[],
    expectedIds: number[],
  ): Promise<void> {
    expect(whereOf(condition)).toEqual({ where, parameters });
    const rows = await fetchRows(db, usersWhere(condition));
    expect(rows.map((row) => row[0])).toEqual(expectedIds);
  }

  describe("comparison", () => {
    test("eq ne lt le gt ge against a value (NULL never compares)", async () => {
      const age = users.c.age;
      await check(age.eq(30), '"users"."age" = $1', [30], [1]);
      await check(age.ne(30), '"users"."age" <> $1', [30], [2, 4]);
      await check(age.lt(30), '"users"."age" < $1', [30], [2]);
      await check(age.le(30), '"users"."age" <= $1', [30], [1, 2]);
      await check(age.gt(30), '"users"."age" > $1', [30], [4]);
      await check(age.ge(30), '"users"."age" >= $1', [30], [1, 4]);
    });

    test("against another expression", async () => {
      const stmt = select(items.c.id).where(items.c.quantity.mul(10).ge(items.c.price)).orderBy(items.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "items"."id" from "items" where "items"."quantity" * $1 >= "items"."price" order by "items"."id"',
        parameters: [10],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1], [3], [4]]);
    });

    test("eq(null) is IS NULL and ne(null) IS NOT NULL", async () => {
      await check(users.c.age.eq(null), '"users"."age" is null', [], [3]);
      await check(users.c.age.ne(null), '"users"."age" is not null', [], [1, 2, 4]);
      await check(users.c.fullname.isNull(), '"users"."fullname" is null', [], [3]);
      await check(users.c.fullname.isNotNull(), '"users"."fullname" is not null', [], [1, 2, 4]);
    });

    test("isDistinctFrom treats NULL as a value", async () => {
      await check(users.c.age.isDistinctFrom(30), '"users"."age" is distinct from $1', [30], [2, 3, 4]);
      await check(users.c.age.isDistinctFrom(null), '"users"."age" is distinct from null', [], [1, 2, 4]);
      await check(users.c.age.isNotDistinctFrom(null), '"users"."age" is not distinct from null', [], [3]);
    });

    test("a named bindparam takes its value from the execution params, else its own", async () => {
      const stmt = usersWhere(users.c.age.eq(bindparam("age", 30)));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" where "users"."age" = $1::INTEGER order by "users"."id"',
        parameters: [30],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1]]);
      expect(sqlOf(stmt, { age: 25 }).parameters).toEqual([25]);
      expect(await fetchRows(db, stmt, { age: 25 })).toEqual([[2]]);
    });

    test("literal() is a bound value too", async () => {
      await check(users.c.age.gt(literal(26)), '"users"."age" > $1::INTEGER', [26], [1, 4]);
    });

    // Was a bug, now fixed (the test guards it): PostgreSQL's comparison operators do not associate; "a > $1 = true" is a syntax error.
    test("a comparison of comparisons is parenthesised", async () => {
      expect(await fetchRows(db, usersWhere(users.c.age.gt(26).eq(true_())))).toEqual([[1], [4]]);
      expect(await fetchRows(db, usersWhere(users.c.age.eq(30).eq(users.c.name.eq("ed"))))).toEqual([
        [1],
        [2],
        [4],
      ]);
    });

    // Was a bug, now fixed (the test guards it): null_() compares with "=" (never true) where eq(null) gives IS NULL (SQLAlchemy: both).
    test("eq(null_()) is IS NULL, as eq(null) is", async () => {
      await check(users.c.age.eq(null_()), '"users"."age" is null', [], [3]);
    });
  });

  describe("IN, BETWEEN", () => {
    test("in and notIn a list (NOT IN leaves out NULL)", async () => {
      await check(users.c.age.in([30, 25]), '"users"."age" in ($1, $2)', [30, 25], [1, 2]);
      await check(users.c.age.notIn([30]), '"users"."age" not in ($1)', [30], [2, 4]);
      await check(users.c.name.in(["fred"]), '"users"."name" in ($1)', ["fred"], [4]);
    });

    test("a list may hold expressions", async () => {
      await check(
        users.c.age.in([users.c.id.mul(10), 25]),
        '"users"."age" in ("users"."id" * $1, $2)',
        [10, 25],
        [2, 4],
      );
    });

    test("an empty IN is false and an empty NOT IN true, for NULL values too", async () => {
      await check(users.c.age.in([]), "false", [], []);
      await check(users.c.age.notIn([]), "true", [], [1, 2, 3, 4]);
      await check(not_(users.c.age.in([])), "not false", [], [1, 2, 3, 4]);
      await check(
        and_(users.c.age.notIn([]), users.c.name.ne("ed")),
        'true and "users"."name" <> $1',
        ["ed"],
        [2, 3, 4],
      );
    });

    test("between and notBetween are inclusive; NULL is in neither", async () => {
      await check(users.c.age.between(25, 30), '"users"."age" between $1 and $2', [25, 30], [1, 2]);
      await check(users.c.age.notBetween(25, 30), '"users"."age" not between $1 and $2', [25, 30], [4]);
      await check(
        users.c.age.add(5).between(30, 35),
        '"users"."age" + $1 between $2 and $3',
        [5, 30, 35],
        [1, 2],
      );
    });
  });

  describe("LIKE", () => {
    test("like / notLike / ilike / notIlike take the pattern as written", async () => {
      await check(users.c.name.like("%e%"), '"users"."name" like $1', ["%e%"], [1, 2, 4]);
      await check(users.c.name.notLike("%e%"), '"users"."name" not like $1', ["%e%"], [3]);
      await check(users.c.fullname.like("E%"), '"users"."fullname" like $1', ["E%"], [1]);
      await check(users.c.fullname.like("e%"), '"users"."fullname" like $1', ["e%"], []);
      await check(users.c.fullname.ilike("e%"), '"users"."fullname" ilike $1', ["e%"], [1]);
      await check(users.c.fullname.notIlike("%W%"), '"users"."fullname" not ilike $1', ["%W%"], [1, 4]);
    });

    test("an ESCAPE character of one's own", async () => {
      await check(
        users.c.fullname.like("%!%!_%", { escape: "!" }),
        '"users"."fullname" like $1 escape \'!\'',
        ["%!%!_%"],
        [4],
      );
    });

    test("startswith / endswith / contains match the value literally: % _ and / are escaped", async () => {
      const fullname = users.c.fullname;
      await check(
        fullname.startswith("Fred 100%_"),
        `"users"."fullname" like $1 escape '/'`,
        ["Fred 100/%/_%"],
        [4],
      );
      // Unescaped, "E_" would match "Ed Jones".
      await check(fullname.startswith("E_"), `"users"."fullname" like $1 escape '/'`, ["E/_%"], []);
      await check(fullname.endswith("/ok"), `"users"."fullname" like $1 escape '/'`, ["%//ok"], [4]);
      // Unescaped, "%" would match every non-NULL fullname.
      await check(fullname.contains("%"), `"users"."fullname" like $1 escape '/'`, ["%/%%"], [4]);
      await check(fullname.contains("_"), `"users"."fullname" like $1 escape '/'`, ["%/_%"], [4]);
      await check(fullname.contains("Jones"), `"users"."fullname" like $1 escape '/'`, ["%Jones%"], [1]);
    });

    test("contains an expression concatenates the wildcards around it", async () => {
      await check(
        func.lower(users.c.fullname).contains(users.c.name),
        'lower("users"."fullname") like $1 || "users"."name" || $2',
        ["%", "%"],
        [1, 2, 4],
      );
    });
  });

  describe("arithmetic and concatenation", () => {
    test("precedence: (a + b) * c versus a + b * c; right operands of - get parentheses", async () => {
      const age = users.c.age;
      const stmt = select(
        age.add(1).mul(2).label("a"),
        age.add(age.mul(2)).label("b"),
        age.sub(age.sub(1)).label("c"),
        age.sub(1).sub(2).label("d"),
        age.div(7).mod(3).label("e"),
        age.mul(age.add(1).div(2)).label("f"),
      ).where(users.c.id.eq(1));
      expect(sqlOf(stmt)).toEqual({
        sql:
          'select ("users"."age" + $1) * $2 as "a", "users"."age" + "users"."age" * $3 as "b", ' +
          '"users"."age" - ("users"."age" - $4) as "c", "users"."age" - $5 - $6 as "d", ' +
          '"users"."age" / $7 % $8 as "e", "users"."age" * (("users"."age" + $9) / $10) as "f" ' +
          'from "users" where "users"."id" = $11',
        parameters: [1, 2, 2, 1, 1, 2, 7, 3, 1, 2, 1],
      });
      // age 30: 31 * 2, 30 + 60, 30 - 29, 30 - 1 - 2, (30 / 7) % 3 = 4 % 3, 30 * (31 / 2) = 30 * 15
      expect(await fetchRows(db, stmt)).toEqual([[62, 90, 1, 27, 1, 450]]);
    });

    test("unary minus", async () => {
      const age = users.c.age;
      const stmt = select(
        age.neg().label("a"),
        age.add(1).neg().label("b"),
        age.sub(age.neg()).label("c"),
      ).where(users.c.id.eq(1));
      expect(sqlOf(stmt).sql).toBe(
        'select -"users"."age" as "a", -("users"."age" + $1) as "b", "users"."age" - -"users"."age" as "c" from "users" where "users"."id" = $2',
      );
      expect(await fetchRows(db, stmt)).toEqual([[-30, -31, 60]]);
    });

    // Was a bug, now fixed (the test guards it): neg().neg() renders "--", which starts a SQL comment: the rest of the statement vanishes.
    test("a double negation does not write a SQL comment", async () => {
      const stmt = select(users.c.age.neg().neg().label("same"), users.c.id).where(users.c.id.eq(1));
      expect(sqlOf(stmt).sql).not.toContain("--");
      expect(await fetchRows(db, stmt)).toEqual([[30, 1]]);
    });

    test("concat is ||; NULL concatenates to NULL", async () => {
      const stmt = select(
        users.c.name.concat("!").label("a"),
        users.c.name.concat(users.c.name.concat("-")).label("b"),
        users.c.fullname.concat("?").label("c"),
      ).where(users.c.id.in([1, 3]));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name" || $1 as "a", "users"."name" || ("users"."name" || $2) as "b", "users"."fullname" || $3 as "c" from "users" where "users"."id" in ($4, $5)',
        parameters: ["!", "-", "?", 1, 3],
      });
      expect(await fetchRows(db, stmt.orderBy(users.c.id))).toEqual([
        ["ed!", "eded-", "Ed Jones?"],
        ["mary!", "marymary-", null],
      ]);
    });

    test("op() writes a custom operator; returnType types its result", async () => {
      await check(users.c.name.op("~")("^[ef]"), '"users"."name" ~ $1', ["^[ef]"], [1, 4]);
      await check(
        users.c.age.op("%", { returnType: Integer })(20).eq(0),
        '"users"."age" % $1 = $2',
        [20, 0],
        [4],
      );
    });
  });

  describe("AND, OR, NOT", () => {
    test("OR inside AND is parenthesised", async () => {
      await check(
        and_(users.c.age.gt(20), or_(users.c.name.eq("ed"), users.c.name.eq("fred"))),
        '"users"."age" > $1 and ("users"."name" = $2 or "users"."name" = $3)',
        [20, "ed", "fred"],
        [1, 4],
      );
    });

    test("AND inside OR needs no parentheses; the OR is parenthesised within WHERE's AND", async () => {
      await check(
        or_(and_(users.c.age.gt(26), users.c.age.lt(35)), users.c.name.eq("mary")),
        '("users"."age" > $1 and "users"."age" < $2 or "users"."name" = $3)',
        [26, 35, "mary"],
        [1, 3],
      );
      await check(
        or_(users.c.name.eq("mary"), and_(users.c.age.gt(20), or_(users.c.id.eq(1), users.c.id.eq(4)))),
        '("users"."name" = $1 or "users"."age" > $2 and ("users"."id" = $3 or "users"."id" = $4))',
        ["mary", 20, 1, 4],
        [1, 3, 4],
      );
    });

    test("nested ANDs and ORs are flattened", async () => {
      await check(
        and_(and_(users.c.age.gt(1), users.c.age.lt(35)), users.c.status.eq("active")),
        '"users"."age" > $1 and "users"."age" < $2 and "users"."status" = $3',
        [1, 35, "active"],
        [1, 2],
      );
      await check(
        or_(or_(users.c.id.eq(1), users.c.id.eq(2)), users.c.id.eq(3)),
        '("users"."id" = $1 or "users"."id" = $2 or "users"."id" = $3)',
        [1, 2, 3],
        [1, 2, 3],
      );
    });

    test("not_ of an OR is parenthesised; not_ of a comparison needs none (NOT binds looser)", async () => {
      // mary: NOT (NULL OR true) is false.
      await check(
        not_(or_(users.c.age.gt(26), users.c.name.eq("mary"))),
        'not ("users"."age" > $1 or "users"."name" = $2)',
        [26, "mary"],
        [2],
      );
      await check(not_(users.c.age.eq(30)), 'not "users"."age" = $1', [30], [2, 4]);
      await check(not_(users.c.name.like("%e%")), 'not "users"."name" like $1', ["%e%"], [3]);
      await check(
        not_(and_(users.c.age.gt(20), users.c.age.lt(35))),
        'not ("users"."age" > $1 and "users"."age" < $2)',
        [20, 35],
        [4],
      );
    });

    test("an empty and_() is true and an empty or_() false", async () => {
      await check(and_(), "true", [], [1, 2, 3, 4]);
      await check(or_(), "(false)", [], []);
    });

    test("true_(), false_() and null_() are keywords", async () => {
      const stmt = select(true_().label("t"), false_().label("f"), null_().label("n"));
      expect(sqlOf(stmt)).toEqual({ sql: 'select true as "t", false as "f", null as "n"', parameters: [] });
      expect(await fetchRows(db, stmt)).toEqual([[true, false, null]]);
      await check(true_(), "true", [], [1, 2, 3, 4]);
      await check(false_(), "false", [], []);
      await check(users.c.age.isNull().eq(false_()), '("users"."age" is null) = false', [], [1, 2, 4]);
    });
  });
});
