// The seed's events example, Core part: a sync-style "connect" handler on engine.syncEngine that
// runs a query through the adapted DBAPI connection's cursor, and "beforeExecute" on every Engine.
import { createAsyncEngine } from "@athanor/asyncio";
import { Engine, event, text } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const engine = createAsyncEngine(exampleUrl);

// connect event on instance of Engine
event.listen(engine.syncEngine, "connect", function* myOnConnect(dbapiCon) {
  console.log("New DBAPI connection:", `${dbapiCon}`);
  const cursor = dbapiCon.cursor();
  // sync style API use for adapted DBAPI connection / cursor
  yield* cursor.execute("select 'execute from event'");
  console.log(cursor.fetchone()?.[0]);
});

// before_execute event on all Engine instances
function myBeforeExecute(): void {
  console.log("before execute!");
}
event.listen(Engine, "beforeExecute", myBeforeExecute);

async function go(): Promise<void> {
  await engine.connect(async (conn) => {
    await conn.execute(text("select 1"));
    await conn.commit();
  });
  await engine.dispose();
  event.remove(Engine, "beforeExecute", myBeforeExecute);
}

await go();
