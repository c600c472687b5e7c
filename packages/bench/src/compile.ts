/**
 * Compile-cache benchmark: a 3-table join with 5 predicates, compiled on a cache hit (shape
 * traversal, lookup, values) and on a miss (also lowering to Kysely nodes and rendering).
 * Goals (issue 3): hit < 2 µs, miss < 30 µs. Run: pnpm bench compile
 */
import { column, ForeignKey, Integer, MetaData, PostgresDialect, String, select, Table } from "@athanor/core";

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
});
const orders = new Table("orders", metadata, {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, ForeignKey("users.id"), { name: "user_id" }),
  status: column(String(20)),
  total: column(Integer),
});
const items = new Table("items", metadata, {
  id: column(Integer, { primaryKey: true }),
  orderId: column(Integer, ForeignKey("orders.id"), { name: "order_id" }),
  sku: column(String(20)),
});

function statement(id: number) {
  return select(users.c.id, users.c.name, orders.c.total, items.c.sku)
    .join(orders)
    .join(items)
    .where(
      users.c.id.eq(id),
      orders.c.total.gt(10),
      items.c.sku.like("a%"),
      users.c.name.isNotNull(),
      orders.c.status.in(["new", "paid"]),
    );
}

function measure(name: string, iterations: number, once: (i: number) => unknown): void {
  const samples: number[] = [];
  for (let round = 0; round < 9; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) once(i);
    samples.push(Number(process.hrtime.bigint() - start) / iterations / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(52)} ${samples[4]!.toFixed(2).padStart(8)} µs`);
}

export async function compileBench(): Promise<void> {
  console.log("compile cache: 3-table join, 5 predicates; median of 9 rounds");
  const dialect = new PostgresDialect();
  const prebuilt = statement(1);
  prebuilt.compile(dialect);
  console.log(`  SQL: ${prebuilt.compile(dialect).sql}`);
  measure("build the statement (no compile)", 20_000, (i) => statement(i));
  measure("hit: compile a prebuilt statement", 50_000, () => prebuilt.compile(dialect));
  measure("hit: build + compile (new values each time)", 20_000, (i) => statement(i).compile(dialect));
  const uncached = new PostgresDialect({ queryCacheSize: 0 });
  measure("miss: compile a prebuilt statement (no cache)", 5_000, () => prebuilt.compile(uncached));
  measure("miss: build + compile", 5_000, (i) => statement(i).compile(uncached));
}
