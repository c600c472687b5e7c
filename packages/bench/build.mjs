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
  // Drivers stay external: they are CommonJS with dynamic requires esbuild cannot bundle into ESM.
  external: ["pg-native", "pg", "pg-cursor", "postgres", "@electric-sql/pglite"],
  outfile: ".cache/bench.mjs",
  logLevel: "warning",
});
