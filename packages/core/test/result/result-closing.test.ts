import { describe, expect, test } from "vitest";
import { InvalidRequestError, ResourceClosedError } from "../../src/errors.ts";
import { Result } from "../../src/result/result.ts";
import { threeUsers, userColumns, users } from "./result-fixtures.ts";

const closedMessage = new ResourceClosedError("This result object is closed.");

describe("Result: closing", () => {
  test("after close(), every read raises ResourceClosedError", () => {
    const result = users(threeUsers);
    result.close();
    expect(result.closed).toBe(true);
    expect(() => result.all()).toThrow(closedMessage);
    expect(() => result.fetchone()).toThrow(closedMessage);
    expect(() => result.fetchmany(1)).toThrow(closedMessage);
    expect(() => result.fetchall()).toThrow(closedMessage);
    expect(() => result.first()).toThrow(closedMessage);
    expect(() => result.one()).toThrow(closedMessage);
    expect(() => result.oneOrNone()).toThrow(closedMessage);
    expect(() => result.scalar()).toThrow(closedMessage);
    expect(() => result.scalarOne()).toThrow(closedMessage);
    expect(() => result.scalarOneOrNone()).toThrow(closedMessage);
    expect(() => [...result]).toThrow(closedMessage);
    expect(() => [...result.partitions(1)]).toThrow(closedMessage);
    expect(() => result.freeze()).toThrow(closedMessage);
    expect(() => result.merge()).toThrow(closedMessage);
    // Closing twice is harmless.
    result.close();
  });

  test("first(), one(), scalar() close: the rows after the first are discarded", () => {
    const afterFirst = users(threeUsers);
    afterFirst.first();
    expect(() => afterFirst.all()).toThrow(closedMessage);
    const afterScalar = users(threeUsers);
    afterScalar.scalar();
    expect(() => afterScalar.fetchone()).toThrow(closedMessage);
  });

  test("exhausted is not closed: all() and fetch* give nothing, without raising", () => {
    const result = users(threeUsers);
    result.all();
    expect(result.closed).toBe(false);
    expect(result.all()).toEqual([]);
    expect(result.fetchone()).toBeNull();
  });

  test("ResourceClosedError is an InvalidRequestError", () => {
    const result = users([]);
    result.close();
    expect(() => result.all()).toThrow(InvalidRequestError);
  });

  test("a statement that returns no rows is closed from the start and says why", () => {
    const inserted = new Result([], [], { rowcount: 2 });
    expect(inserted.returnsRows).toBe(false);
    expect(inserted.closed).toBe(true);
    expect(inserted.rowcount).toBe(2);
    expect(() => inserted.all()).toThrow(
      new ResourceClosedError("This result object does not return rows. It has been closed automatically."),
    );
    // The creator may say so even with columns (and the reverse).
    expect(new Result(userColumns, [], { returnsRows: false }).returnsRows).toBe(false);
  });

  test("closing a view closes the result it came from, and the reverse", () => {
    const result = users(threeUsers);
    result.scalars().close();
    expect(result.closed).toBe(true);
    const other = users(threeUsers);
    const mappings = other.mappings();
    other.close();
    expect(mappings.closed).toBe(true);
    expect(() => mappings.all()).toThrow(closedMessage);
  });
});
