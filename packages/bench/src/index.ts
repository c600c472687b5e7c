/** Benchmarks, run on demand: `pnpm bench [name...]`. Names: runtime, compile, rows. */
import { compileBench } from "./compile.ts";
import { rowsBench } from "./rows.ts";
import { runtimeBench } from "./runtime.ts";

const benches: Record<string, () => Promise<void>> = {
  runtime: runtimeBench,
  compile: compileBench,
  rows: rowsBench,
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
