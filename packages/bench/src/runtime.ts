/**
 * Runtime micro-benchmark: cost per IO request through the scheduler, answered synchronously at
 * depth 1 and 100, and answered through one promise. Run: pnpm bench runtime
 */
import {
  configureOpTracking,
  type Instruction,
  IORequest,
  type Op,
  op,
  opFn,
  type RequestHandler,
  run,
  runBlocking,
} from "@athanor/core";

class Ping extends IORequest<number> {
  readonly kind = "ping";
  perform(): number {
    return 1;
  }
}

const syncHandler: RequestHandler = { answer: () => 1 };
const resolved = Promise.resolve(1);
const promiseHandler: RequestHandler = { answer: () => resolved };

const loop = opFn(function* loop(count: number) {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += yield* new Ping();
  return sum;
});

const nest: (depth: number, count: number) => Op<number> = opFn(function* nest(
  depth: number,
  count: number,
): Generator<Instruction, number, unknown> {
  if (depth <= 1) return yield* loop(count);
  return yield* nest(depth - 1, count);
});

// The same workload as a native `yield*` chain of plain generators, for comparison.
interface PlainRequest {
  readonly kind: string;
}
function* nativeLoop(count: number): Generator<PlainRequest, number, number> {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += yield { kind: "ping" };
  return sum;
}
function* nativeNest(depth: number, count: number): Generator<PlainRequest, number, number> {
  if (depth <= 1) return yield* nativeLoop(count);
  return yield* nativeNest(depth - 1, count);
}
function driveNative(gen: Generator<PlainRequest, number, number>): number {
  let step = gen.next(0);
  while (!step.done) step = gen.next(1);
  return step.value;
}

/** The language floor: the same op body, its `yield*`ed requests answered by a bare loop, no scheduler. */
function driveBare(count: number): number {
  const body = loop(count).start();
  let step = body.next();
  while (step.done !== true) step = body.next(1);
  return step.value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(name: string, count: number, once: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < 9; round++) {
    const start = process.hrtime.bigint();
    const result = once();
    if (result instanceof Promise) await result;
    samples.push(Number(process.hrtime.bigint() - start) / count);
  }
  const ns = median(samples.slice(2));
  console.log(`${name.padEnd(48)} ${ns.toFixed(1).padStart(8)} ns/request`);
  return ns;
}

export async function runtimeBench(): Promise<void> {
  const N = 1_000_000;
  const tracking = process.env.NODE_ENV !== "production";
  configureOpTracking({ enabled: tracking });
  console.log(`runtime (op tracking ${tracking ? "on" : "off"}), median of 7 rounds of ${N} requests`);
  await measure("sync answer, depth 1 (runBlocking)", N, () =>
    runBlocking(loop(N), { handler: syncHandler }),
  );
  await measure("sync answer, depth 1 (run)", N, () => run(loop(N), { handler: syncHandler }));
  await measure("sync answer, depth 100 (run)", N, () => run(nest(100, N), { handler: syncHandler }));
  await measure("sync answer via perform(), depth 1 (run)", N, () => run(loop(N)));
  await measure("one await per request, depth 1 (run)", N, () => run(loop(N), { handler: promiseHandler }));
  await measure("one await per request, depth 100 (run)", N, () =>
    run(nest(100, N), { handler: promiseHandler }),
  );
  await measure("floor: same body, bare loop instead of scheduler", N, () => driveBare(N));
  await measure("reference: native yield* chain, depth 1", N, () => driveNative(nativeNest(1, N)));
  await measure("reference: native yield* chain, depth 100", N / 10, () =>
    driveNative(nativeNest(100, N / 10)),
  );
  await measure("op creation + drive of a 1-request op (run)", N, () =>
    run(
      op(function* () {
        let sum = 0;
        for (let i = 0; i < N; i++) sum += yield* loop(1);
        return sum;
      }),
      { handler: syncHandler },
    ),
  );
}
