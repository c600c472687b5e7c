import {
  ArgumentError,
  Boolean,
  cast,
  Integer,
  literalColumn,
  StatementError,
  select,
  text,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { createFixture, execute, fetchRows, sqlOf, users } from "./schema-fixture.ts";

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  describe("text()", () => {
    test(":name binds take their values from bindparams()", async () => {
      const stmt = text(
        "select id, name from users where age > :min and status = :status order by id",
      ).bindparams({
        min: 26,
        status: "active",
      });
      expect(sqlOf(stmt)).toEqual({
        sql: "select id, name from users where age > $1 and status = $2 order by id",
        parameters: [26, "active"],
      });
      expect(await execute(db, stmt.compile())).toEqual([
        { id: 1, name: "ed" },
        { id: 4, name: "fred" },
      ]);
    });

    test("or from the execution params; a repeated name is bound each time", async () => {
      const stmt = text("select :x::integer + :x::integer as twice, :y as y");
      expect(sqlOf(stmt, { x: 21, y: "why" })).toEqual({
        sql: "select $1::integer + $2::integer as twice, $3 as y",
        parameters: [21, 21, "why"],
      });
      expect(await execute(db, stmt.compile(undefined, { x: 21, y: "why" }))).toEqual([
        { twice: 42, y: "why" },
      ]);
    });

    test("execution params override bindparams() values", () => {
      const stmt = text("select :a, :b").bindparams({ a: 1, b: 2 });
      expect(sqlOf(stmt, { b: 3 }).parameters).toEqual([1, 3]);
    });

    test(":: casts, quoted ':x', quoted identifiers, -- comments and \\: are not binds", async () => {
      const stmt = text(
        "select ':not' as \"a:b\", 'it''s :x' as q, name::text as n, 5 \\:: text -- :comment\n as c from users where id = :id",
      ).bindparams({ id: 2 });
      expect(sqlOf(stmt)).toEqual({
        sql: "select ':not' as \"a:b\", 'it''s :x' as q, name::text as n, 5 :: text -- :comment\n as c from users where id = $1",
        parameters: [2],
      });
      expect(await execute(db, stmt.compile())).toEqual([
        { "a:b": ":not", q: "it's :x", n: "wendy", c: "5" },
      ]);
    });

    test("array slices are not binds", async () => {
      const stmt = text("select (array[1, 2, 3])[2:3] as s");
      expect(sqlOf(stmt)).toEqual({ sql: "select (array[1, 2, 3])[2:3] as s", parameters: [] });
      expect(await execute(db, stmt.compile())).toEqual([{ s: [2, 3] }]);
    });

    // text() is a ColumnElement<unknown>, which where() (conditions: ColumnElement<boolean | null>)
    // refuses at compile time; a CAST to BOOLEAN makes it a condition without a TypeScript cast.
    test("text() as a WHERE condition and as an ORDER BY item", async () => {
      const stmt = select(users.c.name)
        .where(users.c.status.eq("active"), cast(text("users.age > :min").bindparams({ min: 26 }), Boolean))
        .orderBy(text("users.name desc"));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name" from "users" where "users"."status" = $1 and cast(users.age > $2 as BOOLEAN) order by users.name desc',
        parameters: ["active", 26],
      });
      expect(await fetchRows(db, stmt)).toEqual([["fred"], ["ed"]]);
    });

    test("a text's binds are numbered in the statement's order", async () => {
      const stmt = select(users.c.id)
        .where(cast(text("users.id < :limit").bindparams({ limit: 3 }), Boolean), users.c.age.gt(26))
        .orderBy(users.c.id);
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" where cast(users.id < $1 as BOOLEAN) and "users"."age" > $2 order by "users"."id"',
        parameters: [3, 26],
      });
      expect(await fetchRows(db, stmt)).toEqual([[1]]);
    });

    test("toString() is the source text", () => {
      expect(String(text("select :a"))).toBe("select :a");
    });

    // Was a bug, now fixed (the test guards it): the parameter scanner skips quotes and -- comments but not /* block comments */.
    test("a :name inside a /* block comment */ is not a bind", async () => {
      const stmt = text("select 1 as one /* :ignored */");
      expect(sqlOf(stmt)).toEqual({ sql: "select 1 as one /* :ignored */", parameters: [] });
      expect(await execute(db, stmt.compile())).toEqual([{ one: 1 }]);
    });
  });

  describe("literalColumn()", () => {
    test("raw SQL in the SELECT list, labelled, typed or not", async () => {
      const stmt = select(
        users.c.name,
        literalColumn("users.age * 2").label("double"),
        literalColumn("'x:y'"),
      ).where(users.c.id.eq(2));
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."name", users.age * 2 as "double", \'x:y\' from "users" where "users"."id" = $1',
        parameters: [2],
      });
      expect(await execute(db, stmt.compile())).toEqual([{ name: "wendy", double: 50, "?column?": "x:y" }]);
    });

    test("a typed literalColumn reads its values by type; selectFrom supplies the FROM", async () => {
      const stmt = select(literalColumn("count(*)", Integer()).label("n")).selectFrom(users);
      expect(sqlOf(stmt).sql).toBe('select count(*) as "n" from "users"');
      expect(stmt.compile().resultColumns.map((column) => column.type.name)).toEqual(["Integer"]);
      expect(await fetchRows(db, stmt)).toEqual([[4]]);
    });

    // As the left operand: a typed column's operators refuse a ColumnElement<unknown>, and
    // literalColumn("26", Integer()) is still typed ColumnElement<unknown>.
    test("as an operand; its colons are never binds", async () => {
      const stmt = select(users.c.id).where(
        literalColumn("26").lt(users.c.age),
        literalColumn("':x'").ne(users.c.name),
      );
      expect(sqlOf(stmt)).toEqual({
        sql: 'select "users"."id" from "users" where 26 < "users"."age" and \':x\' <> "users"."name"',
        parameters: [],
      });
      expect((await fetchRows(db, stmt.orderBy(users.c.id))).map((row) => row[0])).toEqual([1, 4]);
    });
  });

  describe("errors", () => {
    test("bindparams() naming no parameter of the text is an ArgumentError", () => {
      expect(() => text("select :a").bindparams({ b: 1 })).toThrow(ArgumentError);
      expect(() => text("select :a").bindparams({ b: 1 })).toThrow('text() has no parameter ":b"');
    });

    test("a parameter without a value is a StatementError at compile()", () => {
      const stmt = text("select :a, :b").bindparams({ a: 1 });
      expect(() => stmt.compile()).toThrow(StatementError);
      expect(() => stmt.compile()).toThrow('a value is required for bind parameter "b"');
    });

    test("an unterminated quote is an ArgumentError", () => {
      expect(() => text("select 'abc")).toThrow(ArgumentError);
      expect(() => text("select 'abc")).toThrow('text(): unterminated string in "select \'abc"');
      expect(() => text('select "abc')).toThrow("text(): unterminated quoted identifier");
    });
  });
});
