import type { Instruction } from "./instruction.ts";

/**
 * The never-driven check, Python's "coroutine was never awaited" for ops. On in development (any
 * NODE_ENV but "production"), it costs an array push per op: ops created in one synchronous stretch
 * are swept at the next microtask, and only those still undriven then are watched by a
 * FinalizationRegistry. One collected, or still undriven at process exit, gives an AthanorWarning
 * naming the op and where it was created.
 */

export interface OpTrackingSettings {
  /** Watch for ops that are never driven. Default: NODE_ENV !== "production". */
  enabled?: boolean;
  /** Record the JS stack at every op's creation (about 3 µs each). Default: ATHANOR_TRACE_OPS=1. */
  captureStacks?: boolean;
}

/** What the scheduler exposes while it runs a frame, so a new op can say where it was created. */
export interface CreationContext {
  currentOp(): Instruction | undefined;
}

const env = globalThis.process?.env;
let enabled = env?.NODE_ENV !== "production";
let captureStacks = env?.ATHANOR_TRACE_OPS === "1" || env?.ATHANOR_TRACE_OPS === "true";
const runtimeDir = new URL(".", import.meta.url).pathname;
const SWEEP_AT = 4096;
/** Past this many undriven ops at once, the check stops watching new ones (a loop of them is one bug). */
const MAX_WATCHED = 1000;
const SHOWN_AT_EXIT = 10;

// Ops created since the last sweep, and where (parallel arrays keep Instruction itself small). The
// arrays are reused: only the first `freshCount` slots are live.
const fresh: (Instruction | undefined)[] = [];
const sites: (Instruction | Error | undefined)[] = [];
let freshCount = 0;
let sweepScheduled = false;
let active: CreationContext | undefined;

interface WatchRecord {
  readonly label: string;
  /** The creation stack, formatted, when stacks are captured. */
  readonly createdAt: string | undefined;
  /** Otherwise the label of the op that was running (kept as a label so that op can be collected). */
  readonly createdInside: string | undefined;
}
const watching = new Set<WatchRecord>();
let registry: FinalizationRegistry<WatchRecord> | undefined;
let exitHooked = false;
let overflowReported = false;

export function configureOpTracking(settings: OpTrackingSettings): void {
  if (settings.enabled !== undefined) enabled = settings.enabled;
  if (settings.captureStacks !== undefined) captureStacks = settings.captureStacks;
}

export function enterRun(context: CreationContext): CreationContext | undefined {
  const previous = active;
  active = context;
  return previous;
}

/** Leaving the outermost run's synchronous stretch sweeps what it created (no microtask needed). */
export function exitRun(previous: CreationContext | undefined): void {
  active = previous;
  if (previous === undefined && freshCount > 0) sweep();
}

export function trackCreation(instruction: Instruction): void {
  if (!enabled) return;
  // Sweep before pushing: the instruction being constructed has no label yet.
  if (freshCount >= SWEEP_AT) sweep();
  fresh[freshCount] = instruction;
  sites[freshCount] = captureStacks ? new Error("op created here") : active?.currentOp();
  freshCount++;
  if (active === undefined && !sweepScheduled) {
    sweepScheduled = true;
    queueMicrotask(sweep);
  }
}

export function markDriven(instruction: Instruction): void {
  instruction.driven = true;
  const record = instruction.watch as WatchRecord | undefined;
  if (record === undefined) return;
  instruction.watch = undefined;
  registry?.unregister(record);
  watching.delete(record);
}

function sweep(): void {
  sweepScheduled = false;
  const count = freshCount;
  freshCount = 0;
  for (let i = 0; i < count; i++) {
    const instruction = fresh[i]!;
    const site = sites[i];
    fresh[i] = undefined;
    sites[i] = undefined;
    if (!instruction.driven) watch(instruction, site);
  }
}

function watch(instruction: Instruction, site: Instruction | Error | undefined): void {
  if (watching.size >= MAX_WATCHED) {
    if (!overflowReported) {
      overflowReported = true;
      emit(
        `more than ${MAX_WATCHED} ops are undriven at once; the never-driven check stops watching new ones`,
      );
    }
    return;
  }
  registry ??= new FinalizationRegistry(reportCollected);
  const record: WatchRecord =
    site instanceof Error
      ? // Format now: an unformatted Error keeps its frames' objects (this op among them) alive.
        { label: instruction.label, createdAt: creationFrames(site), createdInside: undefined }
      : { label: instruction.label, createdAt: undefined, createdInside: site?.label };
  instruction.watch = record;
  registry.register(instruction, record, record);
  watching.add(record);
  if (!exitHooked && globalThis.process) {
    exitHooked = true;
    process.once("exit", reportAtExit);
  }
}

function reportCollected(record: WatchRecord): void {
  if (watching.delete(record)) emit(message(record, "was garbage-collected"));
}

function emit(text: string): void {
  process.emitWarning(text, { type: "AthanorWarning", code: "ATHANOR_OP_NOT_DRIVEN" });
}

// Warnings emitted from an "exit" listener would be lost (they go out on a later tick): write directly.
function reportAtExit(): void {
  const prefix = `(node:${process.pid}) [ATHANOR_OP_NOT_DRIVEN] AthanorWarning:`;
  let shown = 0;
  for (const record of watching) {
    if (shown++ === SHOWN_AT_EXIT) {
      process.stderr.write(`${prefix} ... and ${watching.size - SHOWN_AT_EXIT} more undriven ops\n`);
      break;
    }
    process.stderr.write(`${prefix} ${message(record, "was still pending at exit")}\n`);
  }
  watching.clear();
}

function message(record: WatchRecord, fate: string): string {
  const where =
    record.createdAt !== undefined
      ? `, created at:\n${record.createdAt}\n`
      : ` (created ${record.createdInside ? `inside op "${record.createdInside}"` : "outside any run"}; ` +
        "set ATHANOR_TRACE_OPS=1 to record where ops are created)";
  return (
    `op "${record.label}" was never driven and ${fate}${where}. ` +
    "Drive an op with `yield*` inside another op, or pass it to run()."
  );
}

function creationFrames(site: Error): string {
  const lines = (site.stack ?? "").split("\n").slice(1);
  const outside = lines.filter((line) => !line.includes(runtimeDir));
  return (outside.length > 0 ? outside : lines).join("\n");
}
