/**
 * The cancellation stress program (run as a child process by cancellation-stress.test.ts): workers
 * run inserts, each in a transaction of its own, through an engine's held connections (plain, inside
 * a SAVEPOINT block, or followed by a streamed read), engine.begin() bodies and the asyncio facade,
 * while AbortSignals fire at random points (synchronously, in a
 * microtask, in a later microtask, on setImmediate, on a timer). Then it checks what must hold and
 * prints one JSON line: no checkout left, no backend idle in a transaction, the committed rows
 * exactly (every committed row present, no row of a transaction that did not commit). It never
 * calls process.exit: the parent checks that the process ends by itself once the engine is disposed.
 *
 *   ATHANOR_STRESS_DRIVER=pglite|pg|postgresjs  ATHANOR_STRESS_URL=<server URL, for pg / postgresjs>
 *   ATHANOR_STRESS_OPERATIONS (default 1200)  ATHANOR_STRESS_SEED (default: random)
 */
import "@athanor/dialect-pglite";
import "@athanor/dialect-postgres";
import { AsyncEngine } from "@athanor/asyncio";
import {
  AbortError,
  type Connection,
  createEngine,
  type Engine,
  type EngineOptions,
  op,
  run,
  text,
} from "@athanor/core";

const driver = process.env.ATHANOR_STRESS_DRIVER ?? "pglite";
const operations = Number(process.env.ATHANOR_STRESS_OPERATIONS ?? 1200);
const seed = Number(process.env.ATHANOR_STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const workers = 10;
const applicationName = `athanor_stress_${driver}_${process.pid}`;

/** mulberry32: a small seeded generator, so a failing run's choices can be replayed. */
function seeded(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function makeEngine(): Engine {
  const pool: EngineOptions = { poolSize: 5, maxOverflow: 0, poolTimeout: 120 };
  if (driver === "pglite") return createEngine("postgresql+pglite://", { poolTimeout: 120 });
  const url = process.env.ATHANOR_STRESS_URL;
  if (url === undefined) throw new Error("ATHANOR_STRESS_URL is not set");
  const connectArgs =
    driver === "pg"
      ? { application_name: applicationName }
      : { connection: { application_name: applicationName } };
  return createEngine(url.replace(/^postgres(ql)?:/, `postgresql+${driver}:`), { ...pool, connectArgs });
}

type AbortPoint = "never" | "sync" | "microtask" | "later-microtask" | "immediate" | "timer";
const abortPoints: readonly AbortPoint[] = [
  "never",
  "never",
  "sync",
  "microtask",
  "later-microtask",
  "immediate",
  "timer",
  "timer",
];

/** Fires `controller.abort()` at the chosen point after the operation started (synchronously). */
function scheduleAbort(controller: AbortController, point: AbortPoint): void {
  const abort = () => controller.abort(new Error(`aborted (${point})`));
  switch (point) {
    case "never":
      return;
    case "sync":
      abort();
      return;
    case "microtask":
      queueMicrotask(abort);
      return;
    case "later-microtask": {
      let chain = Promise.resolve();
      for (let hop = Math.floor(random() * 20); hop > 0; hop--) chain = chain.then(() => {});
      void chain.then(abort);
      return;
    }
    case "immediate":
      setImmediate(abort);
      return;
    case "timer":
      setTimeout(abort, Math.floor(random() * 4));
      return;
  }
}

interface Tally {
  attempted: number;
  committed: number[];
  aborted: number;
  abortPoints: Record<string, number>;
  unexpected: string[];
}

const tally: Tally = { attempted: 0, committed: [], aborted: 0, abortPoints: {}, unexpected: [] };

function note(error: unknown, where: string): void {
  if (error instanceof AbortError) {
    tally.aborted++;
    return;
  }
  tally.unexpected.push(
    `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
}

let nextId = 1;

async function worker(engine: Engine, asyncEngine: AsyncEngine, count: number): Promise<void> {
  let held: Connection | undefined;
  for (let index = 0; index < count; index++) {
    const id = nextId++;
    const insert = text("insert into stress_rows (id) values (:id)");
    const kind = pick(["held", "held", "savepoint", "stream", "begin", "facade"] as const);
    const point = pick(abortPoints);
    tally.abortPoints[point] = (tally.abortPoints[point] ?? 0) + 1;
    tally.attempted++;
    const controller = new AbortController();
    const signal = controller.signal;
    const reuses = kind === "held" || kind === "savepoint" || kind === "stream";
    if (!reuses && held !== undefined) {
      // One connection per worker at a time: a worker holding one while it waits for another could
      // wait for itself (PGlite has one connection in all).
      await run(held.close());
      held = undefined;
    }
    try {
      if (reuses) {
        if (held === undefined) held = await run(engine.connect());
        const conn = held;
        const body = op(function* insertAndCommit() {
          if (kind === "savepoint") {
            // Inside a SAVEPOINT that is released: written only if the outer COMMIT is.
            yield* conn.beginNested(function* () {
              yield* conn.execute(insert, { id });
            });
          } else {
            yield* conn.execute(insert, { id });
          }
          if (kind === "stream") {
            const stream = (yield* conn.stream(text("select g from generate_series(1, 300) as g"))).yieldPer(
              50,
            );
            const read = yield* stream.scalars().all();
            if (read.length !== 300) throw new Error(`the stream read ${read.length} rows of 300`);
          }
          if (random() < 0.3)
            yield* conn.execute(text("select count(*) from stress_rows where id < :id"), { id });
          yield* conn.commit();
        });
        const done = run(body, { signal });
        scheduleAbort(controller, point);
        await done;
      } else if (kind === "begin") {
        const done = run(
          engine.begin(function* (conn) {
            yield* conn.execute(insert, { id });
          }),
          { signal },
        );
        scheduleAbort(controller, point);
        await done;
      } else {
        const conn = await asyncEngine.connect();
        try {
          const done = conn.execute(insert, { id }, { signal });
          scheduleAbort(controller, point);
          await done;
          await conn.commit();
        } finally {
          await conn.close();
        }
      }
      tally.committed.push(id);
    } catch (error) {
      note(error, `${kind} #${id} (abort ${point})`);
      if (held !== undefined && reuses) {
        // The connection is reused after its aborted operation: roll back what the abort left.
        try {
          await run(held.rollback());
        } catch (rollbackError) {
          note(rollbackError, `rollback after ${kind} #${id}`);
        }
      }
    }
    // Give the connection back now and then, so that other workers (and pool waits) get it.
    if (held !== undefined && random() < 0.4) {
      await run(held.close());
      held = undefined;
    }
  }
  if (held !== undefined) await run(held.close());
}

async function main(): Promise<void> {
  const engine = makeEngine();
  await run(
    engine.begin(function* (conn) {
      yield* conn.execute(text("drop table if exists stress_rows"));
      yield* conn.execute(text("create table stress_rows (id integer primary key)"));
    }),
  );
  const asyncEngine = AsyncEngine.of(engine);
  const perWorker = Math.ceil(operations / workers);
  await Promise.all(Array.from({ length: workers }, () => worker(engine, asyncEngine, perWorker)));

  const checkedOut = engine.pool.checkedout();
  const { rows, idleInTransaction } = await run(
    engine.connect(function* (conn) {
      const ids = yield* conn.execute(text("select id from stress_rows order by id"));
      const idle =
        driver === "pglite"
          ? 0
          : yield* conn.scalar(
              text(
                "select count(*)::integer from pg_stat_activity where application_name = :name and state like 'idle in transaction%'",
              ),
              { name: applicationName },
            );
      return { rows: ids.scalars().all(), idleInTransaction: idle };
    }),
  );
  const present = new Set(rows);
  const committed = new Set(tally.committed);
  const missing = tally.committed.filter((id) => !present.has(id));
  const uncommittedPresent = rows.filter((id) => typeof id !== "number" || !committed.has(id));
  await run(engine.dispose());
  console.log(
    JSON.stringify({
      driver,
      seed,
      applicationName,
      attempted: tally.attempted,
      committed: tally.committed.length,
      aborted: tally.aborted,
      abortPoints: tally.abortPoints,
      unexpected: tally.unexpected,
      checkedOutAtEnd: checkedOut,
      idleInTransaction,
      missing,
      uncommittedPresent,
    }),
  );
}

await main();
