import { arrayParser, formatArrayText, type ParseText } from "./array-text.ts";

/**
 * The driver values every Athanor PostgreSQL driver produces (bool, numbers, int8 as bigint, numeric
 * and dates as the server's text, JSON parsed, bytea as bytes, arrays as JS arrays), and how JS
 * parameters are sent. Installed on each postgres.js instance of its own, replacing every default
 * parser and serializer: postgres.js's turn dates into JS Dates, send JSON text through
 * JSON.stringify again, send any bool parameter that is not `true` (the text "true" included) as false,
 * and re-parse date text through Date (microseconds lost).
 */

export const oids = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  jsonb: 3802,
} as const;

function parseBool(text: string): boolean {
  return text === "t";
}

/** `\x0a1b` (hex, the default bytea_output) or the escape format (`a\000\\`). */
export function parseBytea(text: string): Buffer {
  if (text.startsWith("\\x")) return Buffer.from(text.slice(2), "hex");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 92) bytes.push(code);
    else if (text.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i++;
    } else {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

/** Parsers of the types that are not read as their text, by type OID. */
const scalarParsers: ReadonlyMap<number, ParseText> = new Map<number, ParseText>([
  [oids.bool, parseBool],
  [oids.bytea, parseBytea],
  [oids.int8, BigInt],
  [oids.int2, Number],
  [oids.int4, Number],
  [oids.oid, Number],
  [oids.float4, Number],
  [oids.float8, Number],
  [oids.json, JSON.parse],
  [oids.jsonb, JSON.parse],
]);

/** Array type OID -> element type OID, for the built-in types of the canonical table. */
const arrayElements: ReadonlyMap<number, number> = new Map([
  [1000, 16], // bool
  [1001, 17], // bytea
  [1002, 18], // "char"
  [1003, 19], // name
  [1005, 21], // int2
  [1007, 23], // int4
  [1009, 25], // text
  [1014, 1042], // bpchar
  [1015, 1043], // varchar
  [1016, 20], // int8
  [1021, 700], // float4
  [1022, 701], // float8
  [1028, 26], // oid
  [1115, 1114], // timestamp
  [1182, 1082], // date
  [1183, 1083], // time
  [1185, 1184], // timestamptz
  [1187, 1186], // interval
  [1231, 1700], // numeric
  [1270, 1266], // timetz
  [199, 114], // json
  [2951, 2950], // uuid
  [3807, 3802], // jsonb
]);

/**
 * Built-in types read as their text: no parser, and no catalog lookup when a result has them. Any
 * other type (an enum, a domain, an array of either, a built-in array not listed above) is looked up
 * once per connection (type-catalog.ts).
 */
const textOids: ReadonlySet<number> = new Set([
  18, 19, 22, 24, 25, 27, 28, 29, 30, 142, 194, 600, 601, 602, 603, 604, 628, 650, 705, 718, 774, 790, 829,
  869, 1033, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1266, 1560, 1562, 1700, 1790, 2205, 2206, 2249, 2275,
  2278, 2950, 2970, 3220, 3614, 3615, 3734, 3769, 3904, 3906, 3908, 3910, 3912, 3926, 4072, 4089, 4096, 5038,
  5069,
]);

/** The parser of a type known without looking at the catalog, or undefined (its text is its value). */
export function builtinParser(oid: number): ParseText | undefined {
  const scalar = scalarParsers.get(oid);
  if (scalar !== undefined) return scalar;
  const element = arrayElements.get(oid);
  return element === undefined ? undefined : arrayParser(scalarParsers.get(element));
}

/** Whether values of this type need no catalog lookup to be read. */
export function isKnownType(oid: number): boolean {
  return scalarParsers.has(oid) || arrayElements.has(oid) || textOids.has(oid);
}

/** The parsers table a postgres.js instance starts with: ours only, by type OID. */
export function initialParsers(): Record<number, ParseText> {
  const parsers: Record<number, ParseText> = {};
  for (const oid of scalarParsers.keys()) parsers[oid] = builtinParser(oid)!;
  for (const oid of arrayElements.keys()) parsers[oid] = builtinParser(oid)!;
  return parsers;
}

/**
 * Serializers by the parameter's type OID (as the server described it). Parameters reach them already
 * converted (toDriverParameter), so text goes through unchanged; only bytes need encoding. Every type
 * without an entry is sent as `"" + value`.
 */
export function initialSerializers(): Record<number, (value: unknown) => unknown> {
  return { [oids.bytea]: byteaText };
}

function byteaText(value: unknown): string {
  return value instanceof Uint8Array
    ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`
    : String(value);
}

/**
 * A JS parameter as postgres.js should send it: text for everything whose text PostgreSQL reads
 * (bigint, Date as ISO 8601, plain objects as JSON, arrays as array literals), so the server infers the
 * parameter's type from the statement; booleans and bytes stay typed (postgres.js declares them bool
 * and bytea). undefined is NULL.
 */
export function toDriverParameter(value: unknown): unknown {
  switch (typeof value) {
    case "number":
      // postgres.js sends `"" + value`, and "" + -0 is "0".
      return Object.is(value, -0) ? "-0" : value;
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
      return null;
    case "object":
      if (value === null || value instanceof Uint8Array) return value;
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return formatArrayText(value, elementText);
      return JSON.stringify(value);
    default:
      throw new TypeError(`cannot send a ${typeof value} as a query parameter`);
  }
}

/** An array element's text inside an array literal. */
function elementText(value: unknown): string {
  if (typeof value === "boolean") return value ? "t" : "f";
  if (value instanceof Uint8Array) return byteaText(value);
  const converted = toDriverParameter(value);
  return typeof converted === "string" ? converted : String(converted);
}
