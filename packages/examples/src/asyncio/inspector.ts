// The seed's inspector example: the Inspector is sync-layer, so it runs through run_sync.
import { createAsyncEngine } from "@athanor/asyncio";
import { type Connection, column, Integer, inspect, MetaData, Table } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const meta = new MetaData();
new Table("inspected", meta, { id: column(Integer, { primaryKey: true }) });

const engine = createAsyncEngine(exampleUrl);

function* useInspector(conn: Connection) {
  const inspector = inspect(conn);
  // use the inspector
  console.log(yield* inspector.getViewNames());
  // return any value to the caller
  return yield* inspector.getTableNames();
}

await engine.begin(async (conn) => {
  await conn.runSync(meta.createAll);
  const tables = await conn.runSync(useInspector);
  console.log(tables);
  await conn.runSync(meta.dropAll);
});
await engine.dispose();
