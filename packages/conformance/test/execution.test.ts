import { forEachDriver } from "@athanor/conformance";
import {
  BigInteger,
  Boolean,
  column,
  DateTime,
  delete_,
  ForeignKey,
  func,
  Integer,
  IntegrityError,
  insert,
  MetaData,
  Numeric,
  ProgrammingError,
  run,
  String,
  select,
  Table,
  Text,
  text,
  update,
} from "@athanor/core";
import { beforeAll, describe, expect, expectTypeOf, test } from "vitest";

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50), { nullable: false }),
  karma: column(BigInteger, { default: 0n }),
  active: column(Boolean, { serverDefault: text("true") }),
});
const posts = new Table("posts", metadata, {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, ForeignKey("users.id"), { name: "user_id" }),
  title: column(Text),
  score: column(Numeric(10, 2)),
  createdAt: column(DateTime({ timezone: true }), { name: "created_at", serverDefault: func.now() }),
});

forEachDriver((target) => {
  const engine = () => target.engine();

  beforeAll(async () => {
    await run(
      engine().begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
      }),
    );
  });

  describe("statements", () => {
    test("insert with RETURNING, insertedPrimaryKey, typed select, update, delete, rowcounts", async () => {
      const e = engine();
      await run(
        e.begin(function* (conn) {
          const ed = yield* conn.execute(insert(users).values({ name: "ed" }));
          expect(ed.insertedPrimaryKey).toEqual([1]);
          const many = yield* conn.execute(
            insert(users)
              .values([{ name: "wendy", karma: 5n }, { name: "mary" }])
              .returning(users.c.id, users.c.name),
          );
          expect(many.all().map((row) => [...row])).toEqual([
            [2, "wendy"],
            [3, "mary"],
          ]);
          yield* conn.execute(insert(posts), [
            { id: 1, userId: 1, title: "first", score: "1.50" },
            { id: 2, userId: 2, title: "second", score: "2.25" },
            { id: 3, userId: 2, title: "third", score: "10.00" },
          ]);
          const result = yield* conn.execute(
            select(users.c.name, func.count(posts.c.id).label("posts"), users.c.karma)
              .join(posts)
              .groupBy(users.c.name, users.c.karma)
              .orderBy(users.c.name),
          );
          const rows = result.all();
          expectTypeOf(rows[0]!.name).toEqualTypeOf<string>();
          expectTypeOf(rows[0]!.posts).toEqualTypeOf<number>();
          expectTypeOf(rows[0]!.karma).toEqualTypeOf<bigint | null>();
          expect(rows.map((row) => [row.name, row.posts, row.karma])).toEqual([
            ["ed", 1, 0n],
            ["wendy", 2, 5n],
          ]);
          const updated = yield* conn.execute(
            update(posts).values({ title: "edited" }).where(posts.c.userId.eq(2)),
          );
          expect(updated.rowcount).toBe(2);
          expect(updated.returnsRows).toBe(false);
          const deleted = yield* conn.execute(
            delete_(posts).where(posts.c.id.eq(3)).returning(posts.c.score),
          );
          expect(deleted.scalars().all()).toEqual(["10.00"]);
          const active = yield* conn.scalar(select(users.c.active).where(users.c.id.eq(1)));
          expect(active).toBe(true);
          const created = yield* conn.scalar(select(posts.c.createdAt).where(posts.c.id.eq(1)));
          expect(created).toBeInstanceOf(Date);
          const names = yield* conn.scalars(select(users.c.name).orderBy(users.c.id));
          expect(names.all()).toEqual(["ed", "wendy", "mary"]);
        }),
      );
    });

    test("text() with named parameters, execDriverSql with $n, and a Kysely-style compiled query", async () => {
      const e = engine();
      const values = await run(
        e.connect(function* (conn) {
          const viaText = (yield* conn.execute(text("select :a::int + :b::int as total"), {
            a: 2,
            b: 3,
          })).one();
          const viaDriver = (yield* conn.execDriverSql(
            "select $1::text || $2::text as joined, 1 as one, 2 as one",
            ["x", "y"],
          )).one();
          const compiled = {
            sql: "select $1::int * 2 as doubled",
            parameters: [21],
            query: { kind: "RawNode" },
          };
          const viaKysely = (yield* conn.execute(compiled)).scalar();
          return { total: viaText.total, fields: viaDriver._fields, joined: viaDriver[0], viaKysely };
        }),
      );
      expect(values).toEqual({ total: 5, fields: ["joined", "one", "one"], joined: "xy", viaKysely: 42 });
    });

    test("a constraint violation is an IntegrityError with SQLSTATE, statement and parameters; a bad table a ProgrammingError", async () => {
      const e = engine();
      const error = await run(
        e.begin(function* (conn) {
          yield* conn.execute(insert(users).values({ id: 1, name: "dup" }));
        }),
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IntegrityError);
      const integrity = error as IntegrityError;
      expect(integrity.code).toBe("23505");
      expect(integrity.statement).toBe('insert into "users" ("id", "name", "karma") values ($1, $2, $3)');
      expect(integrity.params).toEqual([1, "dup", "0"]);
      expect(integrity.connectionInvalidated).toBe(false);
      const missing = await run(
        e.connect(function* (conn) {
          yield* conn.execDriverSql("select * from no_such_table");
        }),
      ).catch((caught: unknown) => caught);
      expect(missing).toBeInstanceOf(ProgrammingError);
      expect((missing as ProgrammingError).code).toBe("42P01");
    });

    test("a bad value is refused before anything is sent, naming the column", async () => {
      const e = engine();
      const error = await run(
        e.begin(function* (conn) {
          // @ts-expect-error: the type refuses it too; this checks the runtime guard
          yield* conn.execute(insert(users).values({ name: 42 }));
        }),
      ).catch((caught: unknown) => caught);
      expect((error as Error).message).toBe(
        "invalid value for users.name: 42 is not a valid String (Invalid input: expected string, received number)",
      );
      const count = await target.db.query<{ n: number }>(
        "select count(*)::int as n from users where name = '42'",
      );
      expect(count[0]!.n).toBe(0);
    });
  });

  describe("transactions", () => {
    const count = async (): Promise<number> =>
      (await target.db.query<{ n: number }>("select count(*)::int as n from users where name like 'tx%'"))[0]!
        .n;

    test("rollback discards, commit keeps; savepoints roll back alone; visible from another connection only after commit", async () => {
      const e = engine();
      const before = await count();
      // PGlite has one session: the helper's query would see the open transaction, so the
      // "not visible before commit" checks need a second connection, i.e. a real server.
      const separate = target.name !== "pglite";
      const conn = await run(e.connect());
      await run(conn.execute(insert(users).values({ name: "tx-rolled-back" })));
      await run(conn.rollback());
      expect(await count()).toBe(before);
      await run(conn.execute(insert(users).values({ name: "tx-kept" })));
      const savepoint = await run(conn.beginNested());
      await run(conn.execute(insert(users).values({ name: "tx-savepoint" })));
      await run(savepoint.rollback());
      if (separate) expect(await count()).toBe(before);
      await run(conn.commit());
      expect(await count()).toBe(before + 1);
      await run(conn.close());
    });

    test("engine.begin(body) commits, and a throwing body rolls back", async () => {
      const e = engine();
      const before = await count();
      await run(
        e.begin(function* (conn) {
          yield* conn.execute(insert(users).values({ name: "tx-begin" }));
        }),
      );
      expect(await count()).toBe(before + 1);
      await expect(
        run(
          e.begin(function* (conn) {
            yield* conn.execute(insert(users).values({ name: "tx-failed" }));
            throw new Error("changed my mind");
          }),
        ),
      ).rejects.toThrow("changed my mind");
      expect(await count()).toBe(before + 1);
    });

    test("isolation levels reach the server; AUTOCOMMIT commits each statement", async () => {
      const e = target.engine({ isolationLevel: "SERIALIZABLE" });
      const level = await run(
        e.connect(function* (conn) {
          return yield* conn.scalar(text("show transaction_isolation"));
        }),
      );
      expect(level).toBe("serializable");
      const auto = target.engine({ executionOptions: { isolationLevel: "AUTOCOMMIT" } });
      const before = await count();
      await run(
        auto.connect(function* (conn) {
          yield* conn.execute(insert(users).values({ name: "tx-auto" }));
          expect(conn.inTransaction()).toBe(true);
        }),
      );
      expect(await count()).toBe(before + 1);
    });
  });
});
