/**
 * Shared checks for SQL types: the validate/schema agreement property, and round trips through a real
 * database (as the driver parses the value, as PostgreSQL's text output, and through a table column).
 */
import { inspect } from "node:util";
import type { DatabaseTarget, TestDatabase } from "@athanor/testing";
import fc from "fast-check";
import { expect } from "vitest";
import type { SqlType } from "../../src/types/sql-type.ts";

/** Everything fast-check can make, odd objects included (boxed values, typed arrays, holes, ...). */
export const oddValues: fc.Arbitrary<unknown> = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: "binary",
});

/**
 * `validate(v) === schema.safeParse(v).success` over arbitrary values, the type's valid values (which
 * must all be valid) and near misses.
 */
export function expectValidateMatchesSchema<T>(
  type: SqlType<T>,
  valid: fc.Arbitrary<unknown>,
  ...nearMisses: fc.Arbitrary<unknown>[]
): void {
  fc.assert(
    fc.property(valid, (value) => type.validate(value) && type.schema.safeParse(value).success),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(fc.oneof(oddValues, fc.anything(), valid, ...nearMisses), (value) => {
      expect(type.validate(value), inspect(value)).toBe(type.schema.safeParse(value).success);
    }),
    { numRuns: 600 },
  );
}

export interface RoundTripCase<T> {
  value: T;
  /** What reads back, when PostgreSQL or the type normalises (default: `value`). */
  expected?: T;
  /** Targets whose driver-parsed form cannot carry this value (documented driver limits). */
  skipDriverParsed?: readonly DatabaseTarget[];
}

/** Cases for values that read back unchanged. */
export function same<T>(...values: T[]): RoundTripCase<T>[] {
  return values.map((value) => ({ value }));
}

function label<T>(type: SqlType<T>, value: T, path: string): string {
  return `${type.ddl()} ${inspect(value, { depth: 4, maxStringLength: 60, breakLength: Number.POSITIVE_INFINITY })} (${path})`;
}

/**
 * `select $1::<ddl>` with `toDriver(value)`: what the driver parses must read back through
 * `fromDriver`, and the `::text` form through `fromDriverText`, as the expected value.
 */
export async function expectSelectRoundTrips<T>(
  db: TestDatabase,
  type: SqlType<T>,
  cases: readonly RoundTripCase<T>[],
): Promise<void> {
  const ddl = type.ddl();
  for (const { value, expected = value, skipDriverParsed = [] } of cases) {
    expect(type.validate(value), label(type, value, "valid")).toBe(true);
    const parameter = type.toDriver(value);
    const [row] = await db.query<{ parsed: unknown; text: unknown }>(
      `select $1::${ddl} as parsed, ($1::${ddl})::text as text`,
      [parameter],
    );
    if (!skipDriverParsed.includes(db.target)) {
      expect(type.fromDriver(row?.parsed), label(type, value, "driver-parsed")).toEqual(expected);
    }
    expect(type.fromDriverText(String(row?.text)), label(type, value, "text")).toEqual(expected);
  }
}

/** The same through a table column of the type: create, insert every value, select them back. */
export async function expectTableRoundTrips<T>(
  db: TestDatabase,
  type: SqlType<T>,
  table: string,
  cases: readonly RoundTripCase<T>[],
): Promise<void> {
  await db.query(`create table ${table} (id integer primary key, v ${type.ddl()})`);
  try {
    for (const [id, { value }] of cases.entries()) {
      await db.query(`insert into ${table} (id, v) values ($1, $2)`, [id, type.toDriver(value)]);
    }
    await db.query(`insert into ${table} (id, v) values ($1, null)`, [cases.length]);
    const rows = await db.query<{ id: number; v: unknown; t: unknown }>(
      `select id, v, v::text as t from ${table} order by id`,
    );
    expect(rows).toHaveLength(cases.length + 1);
    for (const [id, { value, expected = value, skipDriverParsed = [] }] of cases.entries()) {
      const row = rows[id];
      if (!skipDriverParsed.includes(db.target)) {
        expect(type.fromDriver(row?.v), label(type, value, "column, driver-parsed")).toEqual(expected);
      }
      expect(type.fromDriverText(String(row?.t)), label(type, value, "column, text")).toEqual(expected);
    }
    expect(rows[cases.length]?.v).toBeNull();
  } finally {
    await db.query(`drop table ${table}`);
  }
}
