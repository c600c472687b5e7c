// The seed's first Core example: create_async_engine, run_sync(drop_all / create_all), an
// executemany insert, then a buffered select.
import { createAsyncEngine } from "@athanor/asyncio";
import { column, Integer, insert, MetaData, String, select, Table } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const meta = new MetaData();
const t1 = new Table("t1", meta, {
  id: column(Integer, { primaryKey: true }),
  name: column(String),
});

async function asyncMain(): Promise<void> {
  const engine = createAsyncEngine(exampleUrl, { echo: true });

  await engine.begin(async (conn) => {
    await conn.runSync(meta.dropAll);
    await conn.runSync(meta.createAll);
    await conn.execute(insert(t1), [{ name: "some name 1" }, { name: "some name 2" }]);
  });

  await engine.connect(async (conn) => {
    // select a Result, which will be delivered with buffered results
    const result = await conn.execute(select(t1).where(t1.c.name.eq("some name 1")));
    console.log(result.fetchall());
  });

  // for AsyncEngine created in function scope, close and clean-up pooled connections
  await engine.dispose();
}

await asyncMain();
