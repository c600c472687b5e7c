import {
  AbortError,
  AdaptedConnection,
  type DriverConnection,
  type DriverResult,
  InvalidRequestError,
  run,
} from "@athanor/core";
import { type Deferred, deferred, ScriptedDialect } from "@athanor/core/testing";
import { rejection } from "@athanor/testing";
import { expect, test } from "vitest";

/**
 * A call cancelled mid-flight on a driver that keeps its session through a cancel (PGlite) leaves the
 * AdaptedConnection interrupted, not dropped: it refuses calls until reset(), which waits for the
 * cancelled call to end and then rolls back; close() waits for it too. Any other driver is asked to
 * cancel, and the connection is dropped. A recording driver stands in for the database: these tests
 * are about the order of driver calls, which the conformance suite then checks on real drivers.
 */

const empty: DriverResult = { rows: [], fields: [], returnsRows: false, rowcount: undefined };

class RecordingDriver implements DriverConnection {
  readonly driverConnection = "recording";
  readonly calls: string[] = [];
  readonly held: Deferred<DriverResult> = deferred<DriverResult>();
  terminated = false;
  cancelled = false;
  readonly keepsSessionOnCancel: boolean;

  constructor(keepsSessionOnCancel: boolean) {
    this.keepsSessionOnCancel = keepsSessionOnCancel;
  }

  execute(sql: string): Promise<DriverResult> {
    this.calls.push(sql);
    return sql === "select held" ? this.held.promise : Promise.resolve(empty);
  }
  executeMany(): Promise<{ rowcount: number | undefined }> {
    return Promise.resolve({ rowcount: 0 });
  }
  openCursor(): Promise<never> {
    return Promise.reject(new Error("no cursors here"));
  }
  close(): Promise<void> {
    this.calls.push("close");
    return Promise.resolve();
  }
  terminate(): void {
    this.terminated = true;
  }
  cancel(): Promise<void> {
    this.cancelled = true;
    return Promise.resolve();
  }
}

async function abortedCall(keepsSession: boolean) {
  const driver = new RecordingDriver(keepsSession);
  const connection = new AdaptedConnection(new ScriptedDialect(), driver);
  const controller = new AbortController();
  const call = run(connection.execute("select held"), { signal: controller.signal });
  controller.abort(new Error("stop"));
  expect(await rejection(call)).toBeInstanceOf(AbortError);
  return { driver, connection };
}

test("a driver that keeps its session: the connection is interrupted, refuses calls, and is not dropped", async () => {
  const { driver, connection } = await abortedCall(true);
  expect(connection.interrupted).toBe(true);
  expect(connection.usable).toBe(false);
  expect(connection.invalidated).toBe(false);
  expect(driver.terminated).toBe(false);
  const refused = await rejection(run(connection.execute("select 1")));
  expect(refused).toBeInstanceOf(InvalidRequestError);
  expect(refused).toMatchObject({
    message: expect.stringContaining("a cancelled call may still be running"),
  });
  expect(driver.calls).toEqual(["select held"]);
});

test("reset() waits for the cancelled call, then rolls back; the connection is usable again", async () => {
  const { driver, connection } = await abortedCall(true);
  let resetDone = false;
  const resetting = run(connection.reset()).then(() => {
    resetDone = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(resetDone).toBe(false);
  expect(driver.calls).toEqual(["select held"]);
  driver.held.resolve(empty);
  await resetting;
  expect(driver.calls).toEqual(["select held", "ROLLBACK"]);
  expect(connection.usable).toBe(true);
  await run(connection.execute("select 1"));
  expect(driver.calls).toEqual(["select held", "ROLLBACK", "select 1"]);
});

test("close() of an interrupted connection waits for the cancelled call, then closes", async () => {
  const { driver, connection } = await abortedCall(true);
  const closing = run(connection.close());
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(driver.calls).toEqual(["select held"]);
  driver.held.reject(new Error("the cancelled call failed in the end"));
  await closing;
  expect(driver.calls).toEqual(["select held", "close"]);
});

test("any other driver: the statement is cancelled on the server and the connection dropped", async () => {
  const { driver, connection } = await abortedCall(false);
  expect(driver.cancelled).toBe(true);
  expect(driver.terminated).toBe(true);
  expect(connection.invalidated).toBe(true);
  expect(connection.interrupted).toBe(false);
});
