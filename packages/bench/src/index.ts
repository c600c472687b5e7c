/** Benchmarks, run on demand: `pnpm bench [name...]`. Names: runtime, compile, rows, engine (needs ATHANOR_PG_URL). */
import { compileBench } from "./compile.ts";
import { engineBench } from "./engine.ts";
import { rowsBench } from "./rows.ts";
import { runtimeBench } from "./runtime.ts";

const benches: Record<string, () => Promise<void>> = {
  runtime: runtimeBench,
  compile: compileBench,
  rows: rowsBench,
  engine: engineBench,
};
const names = process.argv.slice(2);
for (const name of names.length > 0 ? names : Object.keys(benches)) {
  const bench = benches[name];
  if (bench === undefined) {
    console.error(`unknown bench "${name}"; known: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await bench();
}
