// The seed's run_async example: inside a sync "connect" handler, reach the driver's own async API
// (asyncpg's set_type_codec there; here a driver call that sets a session parameter) with
// `yield* dbapiConnection.runAsync((driverConnection) => promise)`.
import { createAsyncEngine } from "@athanor/asyncio";
import { event, text } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const engine = createAsyncEngine(exampleUrl);

/** The same session setting through each driver's own API. */
function setApplicationName(driverConnection: unknown, driver: string, name: string): Promise<unknown> {
  const sql = `set application_name = '${name}'`;
  if (driver === "postgresjs")
    return (driverConnection as { unsafe(sql: string): Promise<unknown> }).unsafe(sql);
  return (driverConnection as { query(sql: string): Promise<unknown> }).query(sql);
}

event.listen(engine.syncEngine, "connect", function* registerSessionSettings(dbapiConnection) {
  yield* dbapiConnection.runAsync((driverConnection) =>
    setApplicationName(driverConnection, engine.driver, "athanor-example"),
  );
});

await engine.connect(async (conn) => {
  console.log(await conn.scalar(text("show application_name")));
});
await engine.dispose();
