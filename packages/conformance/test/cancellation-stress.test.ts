import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { databaseTargets, useDatabase } from "@athanor/testing";
import { describe, expect, test } from "vitest";
import { driversOf } from "../src/drivers.ts";

/**
 * AbortSignals fired at random points (synchronous, microtask, later microtask, setImmediate, timer)
 * over 1,200 operations with connection reuse, on every driver, in a child process
 * (src/cancellation-stress.ts): afterwards nothing is checked out, no backend is idle in a
 * transaction, every committed row is there and no other, no backend outlives dispose(), and the
 * process ends by itself. The child has no deadline of its own; the limit here only bounds a hang.
 */

const program = fileURLToPath(new URL("../src/cancellation-stress.ts", import.meta.url));
const hangLimitMs = 10 * 60_000;

interface Summary {
  driver: string;
  seed: number;
  applicationName: string;
  attempted: number;
  committed: number;
  aborted: number;
  abortPoints: Record<string, number>;
  unexpected: string[];
  checkedOutAtEnd: number;
  idleInTransaction: number;
  missing: number[];
  uncommittedPresent: unknown[];
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", program], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    // "exit" only fires once the event loop is empty: a leaked socket, timer or PGlite instance
    // keeps it from ever firing, and the test's hang limit fails it.
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function isSummary(value: unknown): value is Summary {
  if (value === null || typeof value !== "object") return false;
  const fields = ["driver", "seed", "applicationName", "attempted", "committed", "aborted", "unexpected"];
  return fields.every((field) => field in value);
}

function summaryOf(outcome: Outcome): Summary {
  expect(outcome.stderr).not.toMatch(/Error|Warning/);
  expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: 0, signal: null });
  const parsed: unknown = JSON.parse(outcome.stdout.trim().split("\n").at(-1) ?? "");
  if (!isSummary(parsed)) expect.fail(`not a stress summary: ${outcome.stdout}`);
  return parsed;
}

function expectHeld(summary: Summary): void {
  expect(summary.attempted).toBeGreaterThanOrEqual(1000);
  expect(summary.unexpected).toEqual([]);
  expect(summary.checkedOutAtEnd).toBe(0);
  expect(summary.idleInTransaction).toBe(0);
  expect(summary.missing).toEqual([]);
  expect(summary.uncommittedPresent).toEqual([]);
  expect(summary.committed + summary.aborted).toBe(summary.attempted);
  // The aborts really cut operations short, and some operations still committed.
  expect(summary.aborted).toBeGreaterThan(100);
  expect(summary.committed).toBeGreaterThan(100);
}

describe("pglite", () => {
  test(
    "1,200 operations under random aborts on an in-memory database of the engine's own",
    async () => {
      const summary = summaryOf(await runChild({ ATHANOR_STRESS_DRIVER: "pglite" }));
      expectHeld(summary);
    },
    hangLimitMs,
  );
});

describe.runIf(databaseTargets().includes("postgres"))("postgres", () => {
  for (const driver of driversOf("postgres")) {
    describe(driver, () => {
      const db = useDatabase("postgres");
      test(
        "1,200 operations under random aborts over a pool of 5 for 10 workers",
        async () => {
          const summary = summaryOf(
            await runChild({ ATHANOR_STRESS_DRIVER: driver, ATHANOR_STRESS_URL: db.url }),
          );
          expectHeld(summary);
          // The process ended, so its sockets are closed; the server notices within moments.
          let left: unknown[] = [];
          for (let attempt = 0; attempt < 500; attempt++) {
            left = await db.query("select pid from pg_stat_activity where application_name = $1", [
              summary.applicationName,
            ]);
            if (left.length === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          expect(left).toEqual([]);
        },
        hangLimitMs,
      );
    });
  }
});
