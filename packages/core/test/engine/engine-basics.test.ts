import {
  column,
  createEngine,
  Integer,
  insert,
  MetaData,
  registerDialect,
  run,
  String,
  select,
  Table,
  text,
} from "@athanor/core";
import { forPgliteDatabase } from "@athanor/testing";
import { beforeAll, expect, test } from "vitest";
import { TinyDialect } from "./tiny-dialect.ts";

registerDialect("tiny", (options) => new TinyDialect(options));

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
});

// The tiny dialect runs on a PGlite instance; the real drivers' behaviour is the conformance suite's.
forPgliteDatabase((db) => {
  const engine = () => createEngine("tiny://", { connectArgs: { database: db.pglite } });

  beforeAll(async () => {
    await run(
      engine().begin(function* (conn) {
        yield* metadata.createAll(conn);
      }),
    );
  });

  test("execute, commit, read back", async () => {
    const e = engine();
    const rows = await run(function* () {
      const conn = yield* e.connect();
      const inserted = yield* conn.execute(insert(users), { name: "ed" });
      yield* conn.commit();
      const result = yield* conn.execute(
        select(users.c.id, users.c.name).where(users.c.id.eq(inserted.insertedPrimaryKey[0] as number)),
      );
      const all = result.all();
      const count = yield* conn.scalar(text("select count(*) from users"));
      yield* conn.close();
      return { all, count, key: inserted.insertedPrimaryKey };
    });
    expect(rows.all.map((row) => [...row])).toEqual([[1, "ed"]]);
    expect(rows.key).toEqual([1]);
  });
});
