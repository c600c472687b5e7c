// Benchmarks measure what users run in production: plain JS, bundled, NODE_ENV=production.
// Not tsx: its esbuild `keepNames` adds `static { __name(...) }` to every class, which makes
// constructing a derived class ~4x slower on Node 20's V8 and would distort the runtime figures.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["pg-native"],
  outfile: ".cache/bench.mjs",
  logLevel: "warning",
});
