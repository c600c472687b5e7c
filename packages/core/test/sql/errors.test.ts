import {
  AmbiguousForeignKeysError,
  ArgumentError,
  AthanorError,
  bindparam,
  column,
  ForeignKey,
  func,
  type Insert,
  Integer,
  insert,
  MetaData,
  NoForeignKeysError,
  NoReferencedColumnError,
  NoReferencedTableError,
  StatementError,
  select,
  Table,
  Text,
  update,
} from "@athanor/core";
import { forEachDatabase, thrown } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { type Compilable, categories, createFixture, fetchRows, users } from "./schema-fixture.ts";

/** The StatementError compile() raises for `statement`. */
function statementError(statement: Compilable, params?: Record<string, unknown>): StatementError {
  const error = thrown(() => statement.compile(undefined, params));
  expect(error).toBeInstanceOf(StatementError);
  if (!(error instanceof StatementError)) throw error;
  return error;
}

forEachDatabase((db) => {
  beforeAll(() => createFixture(db));

  describe("StatementError: a value its column's type refuses, raised by compile()", () => {
    const cases: [string, () => Insert<typeof users>, string, unknown, string][] = [
      [
        "a string into an Integer column",
        // @ts-expect-error: age is a number
        () => insert(users).values({ id: 50, name: "x", age: "12" }),
        "users.age",
        "12",
        'invalid value for users.age: "12" is not a valid Integer (Invalid input: expected number, received string)',
      ],
      [
        "an integer out of the INTEGER range",
        () => insert(users).values({ id: 2 ** 31, name: "x" }),
        "users.id",
        2 ** 31,
        "invalid value for users.id: 2147483648 is not a valid Integer (Too big: expected number to be <=2147483647)",
      ],
      [
        "a fraction into an Integer column",
        () => insert(users).values({ id: 50, name: "x", age: 1.5 }),
        "users.age",
        1.5,
        "invalid value for users.age: 1.5 is not a valid Integer (Invalid input: expected int, received number)",
      ],
      [
        "NUL in text",
        () => insert(users).values({ id: 50, name: "a\u0000b" }),
        "users.name",
        "a\u0000b",
        'invalid value for users.name: "a\\u0000b" is not a valid String (text cannot contain NUL (\\u0000))',
      ],
      [
        "a string longer than VARCHAR(50)",
        () => insert(users).values({ id: 50, name: "n".repeat(51) }),
        "users.name",
        "n".repeat(51),
        "is not a valid String (longer than 50 characters)",
      ],
      [
        "undefined",
        () => insert(users).values({ id: 50, name: undefined }),
        "users.name",
        undefined,
        "invalid value for users.name: undefined is not a valid String (undefined is not a SQL value (use null for NULL))",
      ],
    ];
    for (const [name, statement, path, value, message] of cases) {
      test(name, async () => {
        const error = statementError(statement());
        expect(error.message).toContain(message);
        expect(error.column).toBe(path);
        expect(error.value).toBe(value);
        expect(error.statement).toMatch(/^insert into "users" \(/);
        expect(error).toBeInstanceOf(AthanorError);
        // Nothing was executed.
        expect(await fetchRows(db, select(users.c.id).where(users.c.id.eq(50)))).toEqual([]);
      });
    }

    test("in a WHERE comparison, an IN list, UPDATE values and INSERT params", () => {
      const age = users.c.age;
      const where = statementError(
        select(users.c.id).where(age.eq(bindparam("age", undefined, { type: Integer }))),
        {
          age: "x",
        },
      );
      expect(where.message).toBe(
        'invalid value for parameter "age": "x" is not a valid Integer (Invalid input: expected number, received string)',
      );
      expect(where.column).toBeUndefined();
      // @ts-expect-error: age is a number
      const set = statementError(update(users).values({ age: "7" }));
      expect([set.column, set.value]).toEqual(["users.age", "7"]);
      const params = statementError(insert(users), { id: "1", name: "x" });
      expect([params.column, params.value]).toEqual(["users.id", "1"]);
      expect(params.statement).toBe('insert into "users" ("id", "name", "status") values ($1, $2, $3)');
    });

    test("a comparison with a column binds the value as the column's type", () => {
      const error = statementError(select(users.c.id).where(users.c.age.in([1, 2 ** 40])));
      expect([error.column, error.value]).toEqual(["users.age", 2 ** 40]);
    });

    test("null passes (NOT NULL is the database's to enforce)", () => {
      // @ts-expect-error: name is NOT NULL
      expect(insert(users).values({ id: 50, name: null }).compile().parameters).toEqual([50, null, "active"]);
    });
  });

  describe("StatementError: a named bindparam without a value", () => {
    test("neither its own value nor an execution param", () => {
      const stmt = select(users.c.id).where(users.c.id.eq(bindparam("target")));
      const error = statementError(stmt);
      expect(error.message).toBe('a value is required for bind parameter "target"');
      expect(error.statement).toBe('select "users"."id" from "users" where "users"."id" = $1');
      expect(stmt.compile(undefined, { target: 2 }).parameters).toEqual([2]);
    });
  });

  describe("ArgumentError", () => {
    test("unknown columns in INSERT and UPDATE values", () => {
      // @ts-expect-error: no such column
      const badInsert = () => insert(users).values({ id: 1, bogus: 2 });
      expect(badInsert).toThrow(ArgumentError);
      expect(badInsert).toThrow('table "users" has no column "bogus"');
      // @ts-expect-error: no such column
      const badUpdate = () => update(users).values({ bogus: 2 });
      expect(badUpdate).toThrow('table "users" has no column "bogus"');
    });

    test("unknown keys in INSERT and UPDATE execution params", () => {
      const error = thrown(() => insert(users).compile(undefined, { id: 1, bogus: 2 }));
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error).toHaveProperty("message", 'table "users" has no column "bogus"');
      expect(() => update(users).compile(undefined, { bogus: 2 })).toThrow(
        'table "users" has no column "bogus"',
      );
    });

    test("an UPDATE with nothing to set", () => {
      expect(() => update(users).compile()).toThrow(ArgumentError);
      expect(() =>
        update(users)
          .where(users.c.id.eq(bindparam("id")))
          .compile(undefined, { id: 1 }),
      ).toThrow('UPDATE of "users" has no values to set');
    });

    test("limit(-1), offset(1.5)", () => {
      expect(() => select(users.c.id).limit(-1)).toThrow(ArgumentError);
      expect(() => select(users.c.id).limit(-1)).toThrow("limit must be a non-negative integer, got -1");
      expect(() => select(users.c.id).offset(1.5)).toThrow("offset must be a non-negative integer, got 1.5");
    });

    test("a function name that is not an identifier", () => {
      expect(() => func.call("drop table x;--", [])).toThrow(ArgumentError);
      expect(() => func.call("drop table x;--", [])).toThrow('not a SQL function name: "drop table x;--"');
      expect(() => func.call("a.b.c", [])).toThrow(ArgumentError);
    });

    // Was a bug, now fixed (the test guards it): these raise TypeError, not the ArgumentError Athanor uses for bad arguments.
    test("a LIKE escape of more than one character, or a quote; an operator that is not one", () => {
      expect(() => users.c.name.like("x", { escape: "ab" })).toThrow(ArgumentError);
      expect(() => users.c.name.like("x", { escape: "ab" })).toThrow(
        'a LIKE escape must be one character other than a quote, got "ab"',
      );
      expect(() => users.c.name.like("x", { escape: "'" })).toThrow(ArgumentError);
      expect(() => users.c.name.op("; drop table users")).toThrow(ArgumentError);
    });

    test("a scalar subquery of two columns", () => {
      expect(() => select(users.c.id, users.c.name).scalarSubquery()).toThrow(ArgumentError);
      expect(() => select(users.c.id, users.c.name).scalarSubquery()).toThrow(
        "a scalar subquery selects exactly one column, not 2",
      );
      expect(() => select(users).label("u")).toThrow("a scalar subquery selects exactly one column, not 5");
    });

    test("nowait with skipLocked; a set operation with nothing; ON CONFLICT without a target", () => {
      expect(() => select(users.c.id).withForUpdate({ nowait: true, skipLocked: true })).toThrow(
        "withForUpdate(): nowait and skipLocked exclude each other",
      );
      expect(() => select(users.c.id).union()).toThrow("union() needs at least one other SELECT");
      const stmt = insert(users).values({ id: 1, name: "x" });
      expect(() => stmt.onConflictDoUpdate({ set: { name: "y" } })).toThrow(
        "onConflictDoUpdate() needs indexElements or constraint",
      );
      expect(() => stmt.onConflictDoUpdate({ indexElements: ["id"], set: {} })).toThrow(
        "onConflictDoUpdate() needs at least one column to set",
      );
      expect(() => insert(users).values([])).toThrow("values() needs at least one row");
    });

    test("a join from a SELECT with no FROM", () => {
      expect(() => select().join(users)).toThrow("join(): this SELECT has no FROM item to join from");
    });
  });

  describe("schema", () => {
    test("a table defined twice in one MetaData", () => {
      const metadata = new MetaData();
      new Table("t", metadata, { id: column(Integer) });
      expect(() => new Table("t", metadata, { id: column(Integer) })).toThrow(ArgumentError);
      expect(() => new Table("t", metadata, { id: column(Integer) })).toThrow(
        'table "t" is already defined in this MetaData',
      );
      // Another schema is another name.
      expect(new Table("t", metadata, { id: column(Integer) }, { schema: "s" }).fullname).toBe("s.t");
    });

    test("a ForeignKey to a missing table: NoReferencedTableError (when the key is used)", () => {
      const metadata = new MetaData();
      const other = new Table("other", metadata, { id: column(Integer) });
      const t = new Table("t", metadata, {
        id: column(Integer),
        ref: column(Integer, ForeignKey("missing.id")),
      });
      const error = thrown(() => select(t.c.id).join(other));
      expect(error).toBeInstanceOf(NoReferencedTableError);
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error).toHaveProperty(
        "message",
        'foreign key on "t" references table "missing", which its MetaData does not hold',
      );
    });

    test("a ForeignKey to a missing column: NoReferencedColumnError", () => {
      const metadata = new MetaData();
      const u = new Table("u", metadata, { id: column(Integer) });
      const t = new Table("t", metadata, { id: column(Integer), ref: column(Integer, ForeignKey("u.nope")) });
      expect(() => select(t.c.id).join(u)).toThrow(NoReferencedColumnError);
      expect(() => select(t.c.id).join(u)).toThrow('foreign key on "t" references "u.nope": no such column');
    });
  });

  describe("joins", () => {
    test("no foreign key: NoForeignKeysError", () => {
      expect(() => select(users.c.id).join(categories)).toThrow(NoForeignKeysError);
      expect(() => users.join(categories)).toThrow(
        'no foreign key joins "users" and "categories"; give the ON clause explicitly',
      );
    });

    test("two foreign keys: AmbiguousForeignKeysError", () => {
      const metadata = new MetaData();
      const people = new Table("people", metadata, {
        id: column(Integer, { primaryKey: true }),
        name: column(Text),
      });
      const messages = new Table("messages", metadata, {
        id: column(Integer, { primaryKey: true }),
        sender: column(Integer, ForeignKey("people.id")),
        recipient: column(Integer, ForeignKey("people.id")),
      });
      expect(() => select(messages.c.id).join(people)).toThrow(AmbiguousForeignKeysError);
      expect(() => messages.join(people)).toThrow(
        'more than one foreign key joins "messages" and "people"; give the ON clause explicitly',
      );
      // An explicit ON clause settles it.
      expect(select(messages.c.id).join(people, messages.c.sender.eq(people.c.id)).compile().sql).toBe(
        'select "messages"."id" from "messages" inner join "people" on "messages"."sender" = "people"."id"',
      );
    });
  });
});
