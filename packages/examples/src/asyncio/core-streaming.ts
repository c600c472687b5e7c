// The seed's streaming example: AsyncConnection.stream() gives an AsyncResult on a server-side
// cursor, read with `for await`.
import { createAsyncEngine } from "@athanor/asyncio";
import { column, Integer, insert, MetaData, String, select, Table } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const meta = new MetaData();
const t1 = new Table("t1_stream", meta, {
  id: column(Integer, { primaryKey: true }),
  name: column(String),
});

const engine = createAsyncEngine(exampleUrl);
await engine.begin(async (conn) => {
  await conn.runSync(meta.createAll);
  await conn.execute(insert(t1), [{ name: "some name 1" }, { name: "some name 2" }]);
});

await engine.connect(async (conn) => {
  const asyncResult = await conn.stream(select(t1).orderBy(t1.c.id));
  for await (const row of asyncResult) {
    console.log(row);
  }
});

await engine.begin(async (conn) => {
  await conn.runSync(meta.dropAll);
});
await engine.dispose();
