import {
  DatabaseError,
  DataError,
  DBAPIError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  StatementError,
  wrapDriverError,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";

describe("the SQLSTATE class decides the DBAPI error", () => {
  const cases = [
    ["23505", IntegrityError],
    ["23503", IntegrityError],
    ["22P02", DataError],
    ["42P01", ProgrammingError],
    ["42601", ProgrammingError],
    ["25P02", InternalError],
    ["40001", OperationalError],
    ["57P01", OperationalError],
    ["08006", OperationalError],
    ["0A000", NotSupportedError],
    ["P0001", InternalError],
    ["XX000", InternalError],
    ["01000", DatabaseError],
  ] as const;
  test.each(cases)("%s", (code, Class) => {
    const orig = Object.assign(new Error(`server said ${code}`), { code });
    const error = wrapDriverError({ orig, statement: "select 1", params: [1, "x"] });
    expect(error).toBeInstanceOf(Class);
    expect(error.constructor).toBe(Class);
    expect(error.code).toBe(code);
    expect(error.orig).toBe(orig);
    expect(error.cause).toBe(orig);
    expect(error.message).toBe(`server said ${code}`);
  });
});

describe("errors without a SQLSTATE", () => {
  test("a disconnect is an OperationalError, anything else an InterfaceError; both keep the original", () => {
    const lost = Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
    const disconnect = wrapDriverError({ orig: lost, disconnect: true, connectionInvalidated: true });
    expect(disconnect).toBeInstanceOf(OperationalError);
    expect(disconnect.code).toBeUndefined();
    expect(disconnect.connectionInvalidated).toBe(true);
    const misuse = wrapDriverError({ orig: new TypeError("bad parameter") });
    expect(misuse).toBeInstanceOf(InterfaceError);
    expect(misuse.connectionInvalidated).toBe(false);
  });

  test("a thrown non-Error is carried as its text", () => {
    const error = wrapDriverError({ orig: "string failure" });
    expect(error.message).toBe("string failure");
    expect(error.orig).toBe("string failure");
  });

  test("wrapping twice returns the same error", () => {
    const once = wrapDriverError({ orig: Object.assign(new Error("dup"), { code: "23505" }) });
    expect(wrapDriverError({ orig: once })).toBe(once);
  });
});

test("the hierarchy is SQLAlchemy's", () => {
  const error = wrapDriverError({ orig: Object.assign(new Error("dup"), { code: "23505" }) });
  expect(error).toBeInstanceOf(DatabaseError);
  expect(error).toBeInstanceOf(DBAPIError);
  expect(error).toBeInstanceOf(StatementError);
  expect(error.name).toBe("IntegrityError");
});

test("toString shows the class, the message, the SQL and the parameters", () => {
  const error = wrapDriverError({
    orig: Object.assign(new Error('duplicate key value violates unique constraint "t_pkey"'), {
      code: "23505",
    }),
    statement: "insert into t (id) values ($1)",
    params: [1],
  });
  expect(String(error)).toBe(
    '(IntegrityError) duplicate key value violates unique constraint "t_pkey"\n[SQL: insert into t (id) values ($1)]\n[parameters: [1]]',
  );
});

// The real drivers' errors, from both databases: their SQLSTATE reaches the right class.
forEachDatabase((db) => {
  beforeAll(async () => {
    await db.query("create table err_parent (id integer primary key)");
    await db.query(
      "create table err_child (id integer primary key, parent_id integer not null references err_parent, n integer check (n > 0))",
    );
    await db.query("insert into err_parent values (1)");
  });

  async function failure(sql: string, params: unknown[] = []): Promise<DBAPIError> {
    try {
      await db.query(sql, params);
    } catch (orig) {
      return wrapDriverError({ orig, statement: sql, params });
    }
    throw new Error(`expected ${sql} to fail`);
  }

  test.each([
    ["unique violation", "insert into err_parent values (1)", IntegrityError, "23505"],
    ["foreign key violation", "insert into err_child values (1, 99, 1)", IntegrityError, "23503"],
    ["not null violation", "insert into err_child values (2, null, 1)", IntegrityError, "23502"],
    ["check violation", "insert into err_child values (3, 1, -1)", IntegrityError, "23514"],
    ["invalid integer text", "select 'abc'::integer", DataError, "22P02"],
    ["division by zero", "select 1 / 0", DataError, "22012"],
    ["missing table", "select * from no_such_table", ProgrammingError, "42P01"],
    ["syntax error", "selec 1", ProgrammingError, "42601"],
    ["plpgsql raise", "do $$ begin raise exception 'boom'; end $$", InternalError, "P0001"],
  ] as const)("%s", async (_, sql, Class, code) => {
    const error = await failure(sql);
    expect(error).toBeInstanceOf(Class);
    expect(error.code).toBe(code);
    expect(error.statement).toBe(sql);
  });

  test("a statement in an aborted transaction", async () => {
    await db.query("begin");
    try {
      await failure("select * from no_such_table");
      const error = await failure("select 1");
      expect(error).toBeInstanceOf(InternalError);
      expect(error.code).toBe("25P02");
    } finally {
      await db.query("rollback");
    }
  });
});
