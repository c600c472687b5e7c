import { expect, test } from "vitest";
import { forEachDatabase } from "../src/index.ts";

// isolation-a and isolation-b create the same table: each test file must get a database of its own.
forEachDatabase((db) => {
  test("this file's database starts empty and is its own", async () => {
    expect(await db.query("select to_regclass('isolation_probe') as probe")).toEqual([{ probe: null }]);
    await db.query("create table isolation_probe (side text)");
    await db.query("insert into isolation_probe values ($1)", ["b"]);
    expect(await db.query("select side from isolation_probe")).toEqual([{ side: "b" }]);
  });
});
