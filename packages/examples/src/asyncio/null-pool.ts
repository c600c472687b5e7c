// The seed's NullPool advice: an engine shared by several event loops / tasks without pooling.
// In JavaScript an engine made at module load serves any later async context; NullPool opens a
// connection per checkout and closes it on return.
import { createAsyncEngine } from "@athanor/asyncio";
import { NullPool, text } from "@athanor/core";
import { exampleUrl } from "./example-url.ts";

const engine = createAsyncEngine(exampleUrl, { poolclass: "null" });
console.log("pool:", engine.pool instanceof NullPool ? "NullPool" : engine.pool.constructor.name);

async function task(n: number): Promise<number> {
  return engine.connect(async (conn) => Number(await conn.scalar(text("select :n::int * 10"), { n })));
}

// Two tasks started later, in their own async contexts, on the engine made above.
const results = await Promise.all(
  [1, 2].map((n) => new Promise<number>((resolve) => setTimeout(() => resolve(task(n)), 10))),
);
console.log(results);
console.log("checked out after:", engine.pool.checkedout());
await engine.dispose();
