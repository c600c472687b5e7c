/**
 * Engine overhead against the raw drivers, on a real PostgreSQL (ATHANOR_PG_URL; run with
 * `pnpm with-postgres pnpm bench engine`). Two workloads, alternated per round so both sides see the
 * same machine state; each round on fresh connections; the ratio is the median of per-round ratios:
 * - W3: 1,000 sequential primary-key selects, each through `conn.execute(select(...))` inside one run,
 *   and through the asyncio facade (`await asyncConn.execute(...)`, one run per statement), the
 *   latter also with SQL text (execDriverSql) and with one prebuilt statement, to show the split;
 * - executemany: 10,000 rows inserted with one `conn.execute(insert(t), rows)`, in a transaction.
 * The raw references are postgres.js (prepared statements; its multi-row insert helper) and pg.
 */
import "@athanor/dialect-postgres";
import { type AsyncConnection, AsyncEngine } from "@athanor/asyncio";
import {
  bindparam,
  column,
  createEngine,
  type Engine,
  Integer,
  insert,
  MetaData,
  run,
  select,
  Table,
  Text,
} from "@athanor/core";
import pg from "pg";
import postgres from "postgres";

const metadata = new MetaData();
const items = new Table("bench_items", metadata, {
  id: column(Integer, { primaryKey: true, autoincrement: false }),
  name: column(Text),
  value: column(Integer),
});
const byId = select(items.c.id, items.c.name, items.c.value).where(items.c.id.eq(bindparam<number>("id")));
const ROWS = 1000;
const MANY = 10_000;
const ROUNDS = 25;

/** One side of a comparison: `fresh` (untimed) opens new connections, `once` is timed. */
interface Workload {
  fresh(): Promise<void>;
  once(): Promise<unknown>;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(once: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await once();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function w3Athanor(engine: Engine): () => Promise<unknown> {
  return () =>
    run(
      engine.connect(function* (conn) {
        let sum = 0;
        for (let id = 1; id <= ROWS; id++) {
          const row = (yield* conn.execute(
            select(items.c.id, items.c.name, items.c.value).where(items.c.id.eq(id)),
          )).one();
          sum += row[2] ?? 0;
        }
        return sum;
      }),
    );
}

/** W3 through the asyncio facade: `value` reads row `id`'s value column. */
function w3Facade(
  engine: Engine,
  value: (conn: AsyncConnection, id: number) => Promise<number>,
): () => Promise<unknown> {
  return () =>
    AsyncEngine.of(engine).connect(async (conn) => {
      let sum = 0;
      for (let id = 1; id <= ROWS; id++) sum += await value(conn, id);
      return sum;
    });
}

function manyAthanor(
  engine: Engine,
  rows: { id: number; name: string; value: number }[],
): () => Promise<unknown> {
  return () =>
    run(
      engine.begin(function* (conn) {
        yield* conn.execDriverSql("delete from bench_many");
        yield* conn.execute(insert(many), rows);
      }),
    );
}

const many = new Table("bench_many", metadata, {
  id: column(Integer, { primaryKey: true, autoincrement: false }),
  name: column(Text),
  value: column(Integer),
});

export async function engineBench(): Promise<void> {
  const url = process.env.ATHANOR_PG_URL;
  if (!url) {
    console.log("engine bench: set ATHANOR_PG_URL (pnpm with-postgres pnpm bench engine)");
    return;
  }
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("drop table if exists bench_items, bench_many");
  await setup.query("create table bench_items (id integer primary key, name text, value integer)");
  await setup.query("create table bench_many (id integer primary key, name text, value integer)");
  await setup.query(`insert into bench_items select i, 'item ' || i, i from generate_series(1, ${ROWS}) i`);
  await setup.end();
  const rows = Array.from({ length: MANY }, (_, i) => ({ id: i + 1, name: `row ${i}`, value: i }));

  // Each round gets fresh connections (new backends), set up untimed: on a small shared machine a
  // backend's CPU placement moves a run by +-20%, so one connection per side for the whole run
  // would decide the ratio by luck.
  let sql = postgres(url, { max: 1, prepare: true });
  let client = new pg.Client({ connectionString: url });
  await client.connect();
  const enginePg = createEngine(url.replace(/^postgres(ql)?:/, "postgresql+pg:"), { poolSize: 1 });
  const engineJs = createEngine(url.replace(/^postgres(ql)?:/, "postgresql+postgresjs:"), { poolSize: 1 });
  const freshRaw = async (): Promise<void> => {
    await sql.end();
    sql = postgres(url, { max: 1, prepare: true });
    await sql`select id, name, value from bench_items where id = ${1}`.values();
  };
  const freshPg = async (): Promise<void> => {
    await client.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  };
  const freshEngine = (engine: Engine) => async (): Promise<void> => {
    await run(engine.dispose());
    await run(
      engine.connect(function* (conn) {
        yield* conn.execute(select(items.c.id).where(items.c.id.eq(1)));
      }),
    );
  };

  const w3: Record<string, Workload> = {
    "raw postgres.js": {
      fresh: freshRaw,
      once: async () => {
        let sum = 0;
        for (let id = 1; id <= ROWS; id++) {
          const [row] = await sql`select id, name, value from bench_items where id = ${id}`.values();
          sum += row![2] as number;
        }
        return sum;
      },
    },
    "raw pg": {
      fresh: freshPg,
      once: async () => {
        let sum = 0;
        for (let id = 1; id <= ROWS; id++) {
          const result = await client.query({
            text: "select id, name, value from bench_items where id = $1",
            values: [id],
            rowMode: "array",
          });
          sum += (result.rows[0] as number[])[2]!;
        }
        return sum;
      },
    },
    "athanor + postgres.js": { fresh: freshEngine(engineJs), once: w3Athanor(engineJs) },
    "athanor + pg": { fresh: freshEngine(enginePg), once: w3Athanor(enginePg) },
    "async facade + postgres.js": {
      fresh: freshEngine(engineJs),
      once: w3Facade(engineJs, async (conn, id) => {
        const statement = select(items.c.id, items.c.name, items.c.value).where(items.c.id.eq(id));
        return (await conn.execute(statement)).one()[2] ?? 0;
      }),
    },
    // Where the facade's time goes: the same loop with the SQL as a string (no statement built or
    // compiled), and with one statement built once and given its id as a parameter.
    "  facade, execDriverSql": {
      fresh: freshEngine(engineJs),
      once: w3Facade(engineJs, async (conn, id) =>
        Number(
          (await conn.execDriverSql("select id, name, value from bench_items where id = $1", [id])).one()[2],
        ),
      ),
    },
    "  facade, statement built once": {
      fresh: freshEngine(engineJs),
      once: w3Facade(engineJs, async (conn, id) => (await conn.execute(byId, { id })).one()[2] ?? 0),
    },
  };
  const manyWork: Record<string, Workload> = {
    "raw postgres.js": {
      fresh: freshRaw,
      once: () =>
        sql.begin(async (tx) => {
          await tx`delete from bench_many`;
          await tx`insert into bench_many ${tx(rows, "id", "name", "value")}`;
        }),
    },
    "athanor + postgres.js": { fresh: freshEngine(engineJs), once: manyAthanor(engineJs, rows) },
    "athanor + pg": { fresh: freshEngine(enginePg), once: manyAthanor(enginePg, rows) },
  };

  for (const [title, work] of [
    ["W3: 1,000 sequential PK selects", w3],
    [`executemany: ${MANY.toLocaleString("en")} rows`, manyWork],
  ] as const) {
    for (const { once } of Object.values(work)) await once(); // warm up: prepared statements, JIT
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(work).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, { fresh, once }] of Object.entries(work)) {
        await fresh();
        samples[name]!.push(await timed(once));
      }
    }
    // Each round's ratio pairs two runs made moments apart; the median of those ratios resists the
    // drift of a shared machine better than a ratio of two medians.
    const base = samples["raw postgres.js"]!;
    console.log(
      `\n${title} (${ROUNDS} rounds, fresh connections each; median ms, median of per-round ratios)`,
    );
    for (const [name, list] of Object.entries(samples)) {
      const ratio = median(list.map((ms, round) => ms / base[round]!));
      console.log(`  ${name.padEnd(32)} ${median(list).toFixed(1).padStart(8)} ms   ${ratio.toFixed(2)}x`);
    }
  }
  await sql.end();
  await client.end();
  await run(enginePg.dispose());
  await run(engineJs.dispose());
}
