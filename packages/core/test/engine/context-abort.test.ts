import { AbortError, run, text } from "@athanor/core";
import { deferred, scriptedEngine } from "@athanor/core/testing";
import { expect, test } from "vitest";

/**
 * A context block (begin(body), beginNested(body)) cut short by an abort runs no catch, only finally
 * blocks. The connection must still leave the block: after the rollback the abort requires, the same
 * connection runs statements again (not "Can't operate on closed transaction inside context manager"
 * for ever), and the exact requests show what was sent.
 */

function heldEngine() {
  const held = deferred<never>();
  const scripted = scriptedEngine((request) => (request.sql === "select held" ? held.promise : undefined));
  return { ...scripted, held };
}

for (const form of ["begin", "beginNested"] as const) {
  test(`an abort inside ${form}(body): after rollback() the connection is usable again`, async () => {
    const { engine, driver, log } = heldEngine();
    const conn = await run(engine.connect(), { handler: driver });
    const body = function* () {
      yield* conn.execute(text("select held"));
    };
    const controller = new AbortController();
    const block = form === "begin" ? conn.begin(body) : conn.beginNested(body);
    const outcome = run(block, { handler: driver, signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(outcome).rejects.toBeInstanceOf(AbortError);
    // The cancelled statement took its (scripted) connection with it: roll back, then go on.
    expect(conn.invalidated).toBe(true);
    await run(conn.rollback(), { handler: driver });
    await run(conn.execute(text("select 1")), { handler: driver });
    await run(conn.commit(), { handler: driver });
    await run(conn.close(), { handler: driver });
    const sent = log();
    expect(sent.slice(-4)).toEqual(["connect", "begin: BEGIN", "execute: select 1", "commit: COMMIT"]);
  });
}
