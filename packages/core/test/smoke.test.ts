import { op, pure, runBlocking } from "@athanor/core";
import { expect, test } from "vitest";

test("smoke", () => {
  expect(
    runBlocking(
      op(function* () {
        return yield* pure(1);
      }),
    ),
  ).toBe(1);
});
