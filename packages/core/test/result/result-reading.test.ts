import { describe, expect, test } from "vitest";
import { InvalidRequestError, MultipleResultsFound, NoResultFound } from "../../src/errors.ts";
import { threeUsers, users } from "./result-fixtures.ts";

describe("Result: reading rows", () => {
  test("all() gives every row, then [] once exhausted (the result stays open)", () => {
    const result = users(threeUsers);
    expect(result.all()).toEqual([
      [1, "ann"],
      [2, "bob"],
      [3, null],
    ]);
    expect(result.all()).toEqual([]);
    expect(result.closed).toBe(false);
  });

  test("first() gives the first row and closes; null when empty", () => {
    const result = users(threeUsers);
    expect(result.first()).toEqual([1, "ann"]);
    expect(result.closed).toBe(true);
    const empty = users([]);
    expect(empty.first()).toBeNull();
    expect(empty.closed).toBe(true);
  });

  test("one() gives the only row; no row or two rows raise, and close", () => {
    expect(users([["1", "ann"]]).one()).toEqual([1, "ann"]);
    const empty = users([]);
    expect(() => empty.one()).toThrow(new NoResultFound("No row was found when one was required"));
    expect(empty.closed).toBe(true);
    const many = users(threeUsers);
    expect(() => many.one()).toThrow(
      new MultipleResultsFound("Multiple rows were found when exactly one was required"),
    );
    expect(many.closed).toBe(true);
  });

  test("oneOrNone() gives the row or null; two rows raise", () => {
    expect(users([["1", "ann"]]).oneOrNone()).toEqual([1, "ann"]);
    expect(users([]).oneOrNone()).toBeNull();
    expect(() => users(threeUsers).oneOrNone()).toThrow(
      new MultipleResultsFound("Multiple rows were found when one or none was required"),
    );
  });

  test("one() counts from where reading stopped", () => {
    const result = users(threeUsers);
    result.fetchmany(2);
    expect(result.one()).toEqual([3, null]);
  });

  test("scalar() is the first column of the first row, or null; closes", () => {
    const result = users(threeUsers);
    expect(result.scalar()).toBe(1);
    expect(result.closed).toBe(true);
    expect(users([]).scalar()).toBeNull();
  });

  test("scalarOne() / scalarOneOrNone(): the first column of exactly one / at most one row", () => {
    expect(users([["1", "ann"]]).scalarOne()).toBe(1);
    expect(() => users([]).scalarOne()).toThrow(new NoResultFound("No row was found when one was required"));
    expect(() => users(threeUsers).scalarOne()).toThrow(
      new MultipleResultsFound("Multiple rows were found when exactly one was required"),
    );
    expect(users([["1", "ann"]]).scalarOneOrNone()).toBe(1);
    expect(users([]).scalarOneOrNone()).toBeNull();
    expect(() => users(threeUsers).scalarOneOrNone()).toThrow(
      new MultipleResultsFound("Multiple rows were found when one or none was required"),
    );
  });

  test("errors are InvalidRequestErrors of SQLAlchemy's classes and names", () => {
    expect(() => users([]).one()).toThrow(NoResultFound);
    expect(() => users([]).one()).toThrow(InvalidRequestError);
    expect(() => users(threeUsers).oneOrNone()).toThrow(MultipleResultsFound);
    expect(() => users([]).one()).toThrow(expect.objectContaining({ name: "NoResultFound" }));
    expect(() => users(threeUsers).one()).toThrow(expect.objectContaining({ name: "MultipleResultsFound" }));
  });

  test("keys() are the column names; rowcount and returnsRows as the creator gave them", () => {
    const result = users(threeUsers, { rowcount: 3 });
    expect(result.keys()).toEqual(["id", "name"]);
    expect(result.rowcount).toBe(3);
    expect(result.returnsRows).toBe(true);
    expect(users([]).rowcount).toBeUndefined();
  });
});
