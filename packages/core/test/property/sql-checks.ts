import { expect } from "vitest";
import { VALUE_MARKER } from "./arbitraries.ts";
import type { Expectation } from "./build.ts";

/** A compiled statement split into quoted identifiers, quoted strings and the SQL around them. */
export interface ScannedSql {
  /** Double-quoted identifiers, with `""` read back as `"`. */
  readonly identifiers: readonly string[];
  /** Single-quoted strings, with `''` read back as `'`. */
  readonly strings: readonly string[];
  /** The SQL outside quotes, each quoted token replaced by a space. */
  readonly outside: string;
}

export function scanSql(sql: string): ScannedSql {
  const identifiers: string[] = [];
  const strings: string[] = [];
  let outside = "";
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    if (char !== '"' && char !== "'") {
      outside += char;
      i += 1;
      continue;
    }
    let token = "";
    let j = i + 1;
    for (;;) {
      if (j >= sql.length) throw new Error(`unterminated ${char} at ${i} in ${sql}`);
      if (sql[j] === char) {
        if (sql[j + 1] !== char) break;
        token += char;
        j += 2;
      } else {
        token += sql[j];
        j += 1;
      }
    }
    (char === '"' ? identifiers : strings).push(token);
    outside += " ";
    i = j + 1;
  }
  return { identifiers, strings, outside };
}

/** Every word Athanor writes into SQL itself (anything else outside quotes is a leak). */
const sqlWords = new Set(
  (
    "select from where and or not in is null true false between like ilike escape as case when then " +
    "else end cast text integer smallint bigint double precision real boolean varchar order by asc desc " +
    "nulls first last limit offset distinct union intersect except all exists inner left full join on " +
    "insert into values default update set delete using returning coalesce lower upper length with"
  ).split(" "),
);

const anonymous = /^anon_\d+$/;

/**
 * The checks of property 1 on compiled SQL: values only as parameters, identifiers only quoted,
 * nothing outside quotes but Athanor's own keywords, operators and $n placeholders. (A name that is
 * itself one of those keywords, `select`, could also appear unquoted unnoticed; every other name
 * would show as an unknown word or as non-ASCII outside quotes.)
 */
export function checkCompiled(
  sql: string,
  parameters: readonly unknown[],
  expectation: Expectation,
  known: ReadonlySet<string>,
): void {
  expect(sql, "a value was written into the SQL").not.toContain(VALUE_MARKER);
  if (expectation.sql !== undefined) {
    // text(): the SQL is the user's; only the parameters are ours.
    expect(sql).toBe(expectation.sql);
    expect(parameters.map(key)).toEqual(expectation.parameters.map(key));
    return;
  }
  const scanned = scanSql(sql);
  for (const name of scanned.identifiers) {
    if (!known.has(name) && !anonymous.test(name))
      expect.fail(`unknown quoted identifier ${JSON.stringify(name)} in ${sql}`);
  }
  const quoted = new Set(scanned.identifiers);
  for (const name of expectation.used) {
    if (!quoted.has(name)) expect.fail(`${JSON.stringify(name)} is not a quoted identifier in ${sql}`);
  }
  // The only string Athanor writes itself is the LIKE escape character.
  for (const string of scanned.strings) expect(string).toBe("/");
  const outside = scanned.outside;
  expect(outside, "comment or statement separator outside quotes").not.toMatch(/--|\/\*|;/);
  expect(outside, "non-ASCII outside quotes: an unquoted identifier").toMatch(/^[\x20-\x7e]*$/);
  for (const word of outside.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    if (!sqlWords.has(word.toLowerCase())) expect.fail(`unquoted word ${JSON.stringify(word)} in ${sql}`);
  }
  const placeholders = [...outside.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
  expect(placeholders, sql).toEqual(parameters.map((_, i) => i + 1));
  // Every bound value is sent (as often as it is bound, or more: a subquery referenced twice is
  // written twice), and nothing else is.
  const actual = counts(parameters);
  const expected = counts(expectation.parameters);
  for (const [value, count] of expected) {
    if ((actual.get(value) ?? 0) < count)
      expect.fail(`${value} is bound ${count}x but sent ${actual.get(value) ?? 0}x: ${sql}`);
  }
  for (const value of actual.keys()) {
    if (!expected.has(value)) expect.fail(`${value} is sent but was never bound: ${sql}`);
  }
}

function counts(values: readonly unknown[]): Map<string, number> {
  const found = new Map<string, number>();
  for (const value of values) found.set(key(value), (found.get(key(value)) ?? 0) + 1);
  return found;
}

/** A parameter as a comparable string: -0, NaN and the type show. */
function key(value: unknown): string {
  if (typeof value === "number") return `number:${Object.is(value, -0) ? "-0" : String(value)}`;
  if (typeof value === "string") return `string:${JSON.stringify(value)}`;
  return `${typeof value}:${String(value)}`;
}

export function sameParameters(actual: readonly unknown[], expected: readonly unknown[]): void {
  expect(actual.map(key)).toEqual(expected.map(key));
}
