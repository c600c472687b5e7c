import {
  CompiledCache,
  func,
  Integer,
  insert,
  literal,
  PostgresDialect,
  type SelectBase,
  select,
  Text,
  text,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { addresses, columnOf, createFixture, execute, orders, users } from "./schema-fixture.ts";

/** Compiles with `dialect`: whether it was a cache hit, and the parameters. */
function compileWith(dialect: PostgresDialect, statement: SelectBase, params?: Record<string, unknown>) {
  const compiled = statement.compile(dialect, params);
  return { cached: compiled.cached, sql: compiled.sql, parameters: [...compiled.parameters] };
}

describe("the compiled cache", () => {
  test("the same shape built twice from new objects hits, with each statement's values", () => {
    const dialect = new PostgresDialect();
    const byName = (name: string, age: number) =>
      select(users.c.id, users.c.name).where(users.c.name.eq(name), users.c.age.gt(age)).limit(5);
    const sql =
      'select "users"."id", "users"."name" from "users" where "users"."name" = $1 and "users"."age" > $2 limit $3';
    expect(compileWith(dialect, byName("ed", 1))).toEqual({ cached: false, sql, parameters: ["ed", 1, 5] });
    expect(compileWith(dialect, byName("wendy", 2))).toEqual({
      cached: true,
      sql,
      parameters: ["wendy", 2, 5],
    });
    expect(compileWith(dialect, byName("x", 3).limit(9))).toEqual({
      cached: true,
      sql,
      parameters: ["x", 3, 9],
    });
    expect(dialect.compiledCache.size).toBe(1);
    expect(dialect.compiledCache.hits).toBe(2);
    expect(dialect.compiledCache.misses).toBe(1);
  });

  test("different shapes miss", () => {
    const dialect = new PostgresDialect();
    const statements = [
      select(users.c.id).where(users.c.name.eq("a")),
      select(users.c.id).where(users.c.name.ne("a")),
      select(users.c.id).where(users.c.fullname.eq("a")),
      select(users.c.name).where(users.c.name.eq("a")),
      select(users.c.id).where(users.c.name.eq("a")).limit(1),
      select(users.c.id).where(users.c.name.eq("a")).orderBy(users.c.id),
      select(users.c.id).where(users.c.name.eq("a")).orderBy(users.c.id.desc()),
      select(users.c.id.label("a")),
      select(users.c.id.label("b")),
      select(addresses.c.id),
      select(users.c.id).distinct(),
      select(users.c.id).withForUpdate(),
      select(users.c.id).withForUpdate({ nowait: true }),
    ];
    for (const statement of statements) expect(compileWith(dialect, statement).cached).toBe(false);
    expect(dialect.compiledCache.size).toBe(statements.length);
    for (const statement of statements) expect(compileWith(dialect, statement).cached).toBe(true);
  });

  test("IN lists of different lengths are different shapes; an empty list is one more", () => {
    const dialect = new PostgresDialect();
    const ages = (values: number[]) => select(users.c.id).where(users.c.age.in(values));
    expect(compileWith(dialect, ages([1, 2])).cached).toBe(false);
    expect(compileWith(dialect, ages([3, 4]))).toEqual({
      cached: true,
      sql: 'select "users"."id" from "users" where "users"."age" in ($1, $2)',
      parameters: [3, 4],
    });
    expect(compileWith(dialect, ages([3, 4, 5])).cached).toBe(false);
    expect(compileWith(dialect, ages([])).cached).toBe(false);
    expect(compileWith(dialect, ages([6])).cached).toBe(false);
  });

  test("anonymous subqueries built per call share a shape", () => {
    const dialect = new PostgresDialect();
    const bigOrders = (min: number) => {
      const sq = select(orders.c.userId).where(orders.c.total.gt(min)).subquery();
      return select(sq.c.userId).where(sq.c.userId.isNotNull());
    };
    const sql =
      'select "anon_1"."user_id" from (select "orders"."user_id" from "orders" where "orders"."total" > $1) as "anon_1" where "anon_1"."user_id" is not null';
    expect(compileWith(dialect, bigOrders(1))).toEqual({ cached: false, sql, parameters: [1] });
    expect(compileWith(dialect, bigOrders(2))).toEqual({ cached: true, sql, parameters: [2] });
  });

  test("aliases: same name of the same table share a shape; of different tables they do not", () => {
    const dialect = new PostgresDialect();
    const ofUsers = () => {
      const x = users.alias("x");
      return select(columnOf(x, "id")).where(columnOf(x, "id").gt(1));
    };
    expect(compileWith(dialect, ofUsers()).cached).toBe(false);
    expect(compileWith(dialect, ofUsers()).cached).toBe(true);
    const x = addresses.alias("x");
    expect(compileWith(dialect, select(columnOf(x, "id")).where(columnOf(x, "id").gt(1)))).toEqual({
      cached: false,
      sql: 'select "x"."id" from "addresses" as "x" where "x"."id" > $1',
      parameters: [1],
    });
  });

  test("INSERT from execution params: the keys given are part of the shape", () => {
    const dialect = new PostgresDialect();
    const stmt = insert(users);
    expect(stmt.compile(dialect, { id: 1, name: "a" }).cached).toBe(false);
    const again = stmt.compile(dialect, { name: "b", id: 2 });
    expect([again.cached, [...again.parameters]]).toEqual([true, [2, "b", "active"]]);
    expect(stmt.compile(dialect, { id: 3, name: "c", age: 4 }).cached).toBe(false);
  });

  test("text() shares a shape only with the same text", () => {
    const dialect = new PostgresDialect();
    expect(text("select :a").bindparams({ a: 1 }).compile(dialect).cached).toBe(false);
    expect(text("select :a").bindparams({ a: 2 }).compile(dialect).parameters).toEqual([2]);
    expect(text("select :a").compile(dialect, { a: 3 }).cached).toBe(true);
    expect(text("select :b").compile(dialect, { b: 3 }).cached).toBe(false);
  });

  test("queryCacheSize 2 evicts the least recently used", () => {
    const dialect = new PostgresDialect({ queryCacheSize: 2 });
    const a = select(users.c.id);
    const b = select(users.c.name);
    const c = select(users.c.age);
    expect(compileWith(dialect, a).cached).toBe(false);
    expect(compileWith(dialect, b).cached).toBe(false);
    expect(compileWith(dialect, a).cached).toBe(true); // a is now more recent than b
    expect(compileWith(dialect, c).cached).toBe(false); // evicts b
    expect(dialect.compiledCache.size).toBe(2);
    expect(compileWith(dialect, a).cached).toBe(true);
    expect(compileWith(dialect, c).cached).toBe(true);
    expect(compileWith(dialect, b).cached).toBe(false); // evicts a
    expect(compileWith(dialect, a).cached).toBe(false);
  });

  test("clear() empties the cache; size 0 caches nothing", () => {
    const dialect = new PostgresDialect();
    compileWith(dialect, select(users.c.id));
    compileWith(dialect, select(users.c.name));
    dialect.compiledCache.clear();
    expect(dialect.compiledCache.size).toBe(0);
    expect(compileWith(dialect, select(users.c.id)).cached).toBe(false);
    const none = new PostgresDialect({ queryCacheSize: 0 });
    compileWith(none, select(users.c.id));
    expect(compileWith(none, select(users.c.id)).cached).toBe(false);
    expect(none.compiledCache.size).toBe(0);
  });

  test("a cache size must be a non-negative integer", () => {
    expect(() => new CompiledCache(-1)).toThrow(RangeError);
    expect(() => new PostgresDialect({ queryCacheSize: 1.5 })).toThrow(
      "cache size must be an integer >= 0, got 1.5",
    );
  });

  test("compile() without a dialect uses the shared default dialect's cache", () => {
    const once = () => select(users.c.id.label("only_in_this_test")).where(users.c.id.eq(1));
    expect(once().compile().cached).toBe(false);
    expect(once().compile().cached).toBe(true);
    expect(once().compile(new PostgresDialect()).cached).toBe(false);
  });

  // Was a bug, now fixed (the test guards it): op()'s precedence decides the parentheses, but is not part of the shape key: the second
  // statement gets the first one's SQL, "(age + $1) * $2" for "age + $1 * $2".
  test("statements that differ only in an op()'s precedence do not share a shape", () => {
    const dialect = new PostgresDialect();
    const plusTimes = (precedence: number) =>
      select(users.c.age.op("+", { returnType: Integer, precedence })(1).mul(2).label("x"));
    expect(plusTimes(1).compile(dialect).sql).toBe('select ("users"."age" + $1) * $2 as "x" from "users"');
    expect(plusTimes(20).compile(dialect).sql).toBe('select "users"."age" + $1 * $2 as "x" from "users"');
  });

  // Was a bug, now fixed (the test guards it): result columns are cached with the SQL, so a statement that renders the same SQL but
  // declares other result types is read with the first statement's types.
  test("a cache hit reports the result types of the statement compiled", () => {
    const dialect = new PostgresDialect();
    const typeNames = (statement: SelectBase) =>
      statement.compile(dialect).resultColumns.map((column) => column.type.name);
    expect(typeNames(select(func.call("f", [users.c.id], Integer)))).toEqual(["Integer"]);
    expect(typeNames(select(func.call("f", [users.c.id], Text)))).toEqual(["Text"]);
    expect(typeNames(select(literal(1).label("v")))).toEqual(["Integer"]);
    expect(typeNames(select(literal("one").label("v")))).toEqual(["String"]);
  });

  test("statements of one shape and equal result columns share one columns array (and Result layout)", () => {
    const dialect = new PostgresDialect();
    const byId = (id: number) => select(users.c.id, users.c.name).where(users.c.id.eq(id)).compile(dialect);
    const first = byId(1);
    const second = byId(2);
    expect(second.cached).toBe(true);
    expect(second.resultColumns).toBe(first.resultColumns);
    // Same SQL, other result types: the hit has its own columns, and switching back is right again.
    const asInteger = () => select(func.call("f", [users.c.id], Integer)).compile(dialect);
    const asText = () => select(func.call("f", [users.c.id], Text)).compile(dialect);
    expect(asInteger().resultColumns.map((column) => column.type.name)).toEqual(["Integer"]);
    const text1 = asText();
    expect(text1.cached).toBe(true);
    expect(text1.resultColumns.map((column) => column.type.name)).toEqual(["Text"]);
    expect(asInteger().resultColumns.map((column) => column.type.name)).toEqual(["Integer"]);
  });
});

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  test("a cached form executes with the new statement's values in the right places", async () => {
    const dialect = new PostgresDialect();
    const shape = (min: number, name: string, limit: number) => {
      const sq = select(orders.c.userId, orders.c.total).where(orders.c.total.gt(min)).subquery();
      const big = select(sq.c.userId).where(sq.c.total.gt(min)).cte("big");
      return select(users.c.name)
        .where(users.c.id.in(select(big.c.userId)), users.c.name.ne(name))
        .orderBy(users.c.id)
        .limit(limit);
    };
    const first = shape(50, "nobody", 10).compile(dialect);
    const second = shape(200, "wendy", 1).compile(dialect);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect([...second.parameters]).toEqual([200, 200, "wendy", 1]);
    expect(await execute(db, first)).toEqual([{ name: "ed" }, { name: "wendy" }]);
    expect(await execute(db, second)).toEqual([{ name: "ed" }]);
  });
});
