import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  AbortError,
  configureOpTracking,
  IORequest,
  type Op,
  op,
  opFn,
  pure,
  run,
  runBlocking,
} from "@athanor/core";
import { ScriptedDriver } from "@athanor/core/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { query } from "./query-request.ts";

// The never-driven check: an op that is created and then dropped without ever being driven is
// reported, like Python's "coroutine was never awaited". In-process tests observe the report through
// garbage collection (vitest runs with --expose-gc); the at-exit report is seen in child processes.

const gc = globalThis.gc;

interface SeenWarning {
  name: string;
  code: unknown;
  message: string;
}

let warnings: SeenWarning[] = [];
const onWarning = (warning: Error) => {
  warnings.push({
    name: warning.name,
    code: "code" in warning ? warning.code : undefined,
    message: warning.message,
  });
};

beforeEach(() => {
  warnings = [];
  process.on("warning", onWarning);
});
afterEach(() => {
  process.off("warning", onWarning);
  configureOpTracking({ enabled: true, captureStacks: false });
});

const athanorWarnings = () => warnings.filter((warning) => warning.name === "AthanorWarning");
const athanorWarningsAbout = (label: string) =>
  athanorWarnings().filter((warning) => warning.message.includes(`op "${label}"`));

/** Collects garbage until a warning about `label` arrives (or 50 tries pass); returns those warnings. */
async function collectUntilWarned(label: string): Promise<SeenWarning[]> {
  for (let tries = 0; tries < 50 && athanorWarningsAbout(label).length === 0; tries++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return athanorWarningsAbout(label);
}

// The test's own record of which objects were collected, to prove a "no warning" really means the op
// was collected without one (and not that it simply stayed alive).
const collected = new Set<string>();
const collection = new FinalizationRegistry<string>((name) => collected.add(name));
function watched<T extends object>(value: T, name: string): T {
  collection.register(value, name);
  return value;
}

/** Collects garbage until `name` has been collected (or 50 tries pass), then lets warnings surface. */
async function collectUntilCollected(name: string): Promise<boolean> {
  for (let tries = 0; tries < 50 && !collected.has(name); tries++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  return collected.has(name);
}

const forgottenOp = opFn(function* forgottenOp() {
  return yield* pure(1);
});
const drivenOp = opFn(function* drivenOp() {
  return yield* pure(2);
});
const untrackedOp = opFn(function* untrackedOp() {
  return yield* pure(3);
});
const stackedOp = opFn(function* stackedOp() {
  return yield* pure(4);
});

class Ping extends IORequest<number> {
  readonly kind = "ping";
  perform(): number {
    return 1;
  }
}

// Each op is made in a helper so that nothing in the test keeps it reachable.
function createAndDrop(make: () => Op<unknown>, name: string): void {
  watched(make(), name);
}
function createAndDrive(make: () => Op<number>, name: string): number {
  return runBlocking(watched(make(), name));
}

test("the test process exposes gc()", () => {
  expect(typeof gc).toBe("function");
});

test("an op created and never driven gives an AthanorWarning ATHANOR_OP_NOT_DRIVEN naming it", async () => {
  createAndDrop(forgottenOp, "forgotten 1");
  await Promise.resolve(); // the sweep that starts watching it runs at the next microtask
  const seen = await collectUntilWarned("forgottenOp");
  expect(seen).toHaveLength(1);
  expect(seen[0]?.code).toBe("ATHANOR_OP_NOT_DRIVEN");
  expect(seen[0]?.message).toContain('op "forgottenOp" was never driven and was garbage-collected');
  expect(seen[0]?.message).toContain("created outside any run");
});

test("a forgotten request is reported by its kind", async () => {
  createAndDrop(() => new Ping(), "forgotten ping");
  await Promise.resolve();
  const seen = await collectUntilWarned("ping");
  expect(seen).toHaveLength(1);
  expect(seen[0]?.code).toBe("ATHANOR_OP_NOT_DRIVEN");
});

test("an op created inside a running op and dropped says which op created it", async () => {
  const forgottenInside = opFn(function* forgottenInside() {
    return yield* pure(0);
  });
  const outerCreator = op(function* outerCreator() {
    forgottenInside();
    return yield* query<number>("select 1");
  });
  expect(await run(outerCreator, { handler: ScriptedDriver.async(() => 1) })).toBe(1);
  const seen = await collectUntilWarned("forgottenInside");
  expect(seen).toHaveLength(1);
  expect(seen[0]?.message).toContain('created inside op "outerCreator"');
});

test("driven ops are collected without a warning", async () => {
  expect(createAndDrive(drivenOp, "driven root")).toBe(2);
  expect(
    createAndDrive(
      () =>
        op(function* drivesInside() {
          return yield* watched(drivenOp(), "driven inside");
        }),
      "driving root",
    ),
  ).toBe(2);
  expect(await collectUntilCollected("driven root")).toBe(true);
  expect(await collectUntilCollected("driven inside")).toBe(true);
  expect(await collectUntilCollected("driving root")).toBe(true);
  expect(athanorWarnings()).toEqual([]);
});

test("an op created outside a run and driven in a later turn is collected without a warning", async () => {
  async function createThenDriveLater(): Promise<number> {
    const later = watched(drivenOp(), "driven later");
    await new Promise((resolve) => setTimeout(resolve, 5)); // well past the sweep: `later` is watched
    return run(later);
  }
  expect(await createThenDriveLater()).toBe(2);
  expect(await collectUntilCollected("driven later")).toBe(true);
  expect(athanorWarnings()).toEqual([]);
});

test("configureOpTracking({ enabled: false }) turns the check off", async () => {
  configureOpTracking({ enabled: false });
  createAndDrop(untrackedOp, "untracked");
  await Promise.resolve();
  configureOpTracking({ enabled: true });
  expect(await collectUntilCollected("untracked")).toBe(true);
  expect(athanorWarnings()).toEqual([]);
});

test("with captureStacks, a dropped op is still collected and reported with its creation stack", async () => {
  configureOpTracking({ captureStacks: true });
  createAndDrop(stackedOp, "stacked");
  await Promise.resolve();
  configureOpTracking({ captureStacks: false });
  expect(await collectUntilCollected("stacked")).toBe(true);
  const seen = await collectUntilWarned("stackedOp");
  expect(seen).toHaveLength(1);
  expect(seen[0]?.message).toContain("created at:");
  expect(seen[0]?.message).toContain("op-tracking.test.ts");
  expect(seen[0]?.message).toContain("createAndDrop");
  // The runtime's own frames are left out of the creation stack.
  expect(seen[0]?.message).not.toContain("gen-op.ts");
});

/** Passes a fresh op to run() with an already-aborted signal; gives the rejection's reason. */
async function runAborted(make: () => Op<unknown>, name: string): Promise<unknown> {
  return run(watched(make(), name), { signal: AbortSignal.abort("before the run") }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

test("ops passed to run() with an already-aborted signal are collected without a warning", async () => {
  // A GenOp and a request, each passed straight to run() (so driven, in the run's sense) and dropped.
  expect(await runAborted(drivenOp, "aborted genop")).toBeInstanceOf(AbortError);
  expect(await runAborted(() => new Ping(), "aborted request")).toBeInstanceOf(AbortError);
  expect(await collectUntilCollected("aborted genop")).toBe(true);
  expect(await collectUntilCollected("aborted request")).toBe(true);
  expect(athanorWarningsAbout("drivenOp")).toEqual([]);
  expect(athanorWarningsAbout("ping")).toEqual([]);
});

describe("at process exit (child processes)", () => {
  const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
  const exitPrefix = /^\(node:\d+\) \[ATHANOR_OP_NOT_DRIVEN\] AthanorWarning: /;

  function runFixture(name: string, env: Record<string, string>, args: string[] = []) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", ...env };
    if (env["ATHANOR_TRACE_OPS"] === undefined) delete childEnv["ATHANOR_TRACE_OPS"];
    const child = spawnSync(process.execPath, ["--import", "tsx", fixture(name), ...args], {
      cwd: repoRoot,
      env: childEnv,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(child.status).toBe(0);
    return child.stderr.split("\n").filter((line) => line !== "");
  }

  test("an undriven op still pending at exit is reported on stderr, created outside any run", () => {
    const lines = runFixture("undriven-at-exit", {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(exitPrefix);
    expect(lines[0]).toContain('op "forgottenAtExit" was never driven and was still pending at exit');
    expect(lines[0]).toContain("created outside any run");
    expect(lines[0]).toContain("ATHANOR_TRACE_OPS=1");
  });

  test("with NODE_ENV=production nothing is printed", () => {
    expect(runFixture("undriven-at-exit", { NODE_ENV: "production" })).toEqual([]);
    expect(runFixture("undriven-inside-op", { NODE_ENV: "production" })).toEqual([]);
  });

  test("with ATHANOR_TRACE_OPS=1 the message shows the creation stack in the fixture", () => {
    const stderr = runFixture("undriven-at-exit", { ATHANOR_TRACE_OPS: "1" }).join("\n");
    expect(stderr).toMatch(exitPrefix);
    expect(stderr).toContain(
      'op "forgottenAtExit" was never driven and was still pending at exit, created at:',
    );
    expect(stderr).toContain(fixture("undriven-at-exit"));
    expect(stderr).not.toContain("packages/core/src/runtime/");
  });

  test("an op created inside a running op names that op", () => {
    const lines = runFixture("undriven-inside-op", {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(exitPrefix);
    expect(lines[0]).toContain('op "forgottenInside" was never driven');
    expect(lines[0]).toContain('created inside op "outerForgetter"');
  });

  test("a script whose ops are all driven prints nothing", () => {
    expect(runFixture("all-driven", {})).toEqual([]);
  });

  test("past ten pending ops the exit report summarises the rest", () => {
    const lines = runFixture("undriven-at-exit", {}, ["12"]);
    expect(lines).toHaveLength(11);
    expect(lines.slice(0, 10).every((line) => line.includes('op "forgottenAtExit"'))).toBe(true);
    expect(lines[10]).toMatch(exitPrefix);
    expect(lines[10]).toContain("... and 2 more undriven ops");
  });
});
