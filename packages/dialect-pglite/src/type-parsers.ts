import { types } from "@electric-sql/pglite";

/** Turns one column value's text (never NULL) into its canonical JS value. */
export type TextParser = (text: string) => unknown;

/** Built-in type OIDs (fixed in pg_type.dat, the same on every PostgreSQL). */
export const typeOids = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  money: 790,
  inet: 869,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Array type OID -> element type OID for the types above (pg_type.typarray, also fixed). */
export const arrayTypeOids: ReadonlyMap<number, number> = new Map([
  [1000, typeOids.bool],
  [1001, typeOids.bytea],
  [1002, typeOids.char],
  [1003, typeOids.name],
  [1016, typeOids.int8],
  [1005, typeOids.int2],
  [1007, typeOids.int4],
  [1009, typeOids.text],
  [1028, typeOids.oid],
  [199, typeOids.json],
  [143, typeOids.xml],
  [1021, typeOids.float4],
  [1022, typeOids.float8],
  [791, typeOids.money],
  [1041, typeOids.inet],
  [1014, typeOids.bpchar],
  [1015, typeOids.varchar],
  [1182, typeOids.date],
  [1183, typeOids.time],
  [1115, typeOids.timestamp],
  [1185, typeOids.timestamptz],
  [1187, typeOids.interval],
  [1270, typeOids.timetz],
  [1231, typeOids.numeric],
  [2951, typeOids.uuid],
  [3807, typeOids.jsonb],
]);

const asText: TextParser = (text) => text;
const asNumber: TextParser = (text) => Number(text); // "NaN", "Infinity", "-Infinity" included
const asJson: TextParser = (text) => JSON.parse(text);

/** bytea in hex output (`\x0102`), which every connection is set to. */
function asBytes(text: string): Uint8Array {
  const bytes = new Uint8Array((text.length - 2) / 2);
  // Decode straight into the result's memory: a plain Uint8Array, no pooled Buffer behind it.
  Buffer.from(bytes.buffer).write(text.slice(2), "hex");
  return bytes;
}

/**
 * The scalar types whose PGlite default differs from the canonical value (int8 as number, dates as
 * Date), and every other type of the canonical table, so that parsers a given instance was created
 * with cannot change what the dialect returns. Text types pass through as the server's text.
 */
const scalarParsers: Readonly<Record<number, TextParser>> = {
  [typeOids.bool]: (text) => text === "t",
  [typeOids.bytea]: asBytes,
  [typeOids.int8]: (text) => BigInt(text),
  [typeOids.int2]: asNumber,
  [typeOids.int4]: asNumber,
  [typeOids.oid]: asNumber,
  [typeOids.float4]: asNumber,
  [typeOids.float8]: asNumber,
  [typeOids.json]: asJson,
  [typeOids.jsonb]: asJson,
  [typeOids.char]: asText,
  [typeOids.name]: asText,
  [typeOids.text]: asText,
  [typeOids.xml]: asText,
  [typeOids.money]: asText,
  [typeOids.inet]: asText,
  [typeOids.bpchar]: asText,
  [typeOids.varchar]: asText,
  [typeOids.date]: asText,
  [typeOids.time]: asText,
  [typeOids.timestamp]: asText,
  [typeOids.timestamptz]: asText,
  [typeOids.interval]: asText,
  [typeOids.timetz]: asText,
  [typeOids.numeric]: asText,
  [typeOids.uuid]: asText,
};

/** A parser for an array type's text (`{1,NULL,3}`, nested for more dimensions; NULL elements as null). */
export function arrayParser(
  arrayOid: number,
  elementOid: number,
  parsers: Readonly<Record<number, TextParser>>,
): TextParser {
  const element = parsers[elementOid] ?? asText;
  // PGlite's array literal parser; it takes the array OID only to pick box's ";" delimiter.
  return (text: string): unknown => types.arrayParser(text, element, arrayOid);
}

/** A fresh table of the canonical parsers by type OID, scalars and arrays (each connection extends its own). */
export function canonicalParsers(): Record<number, TextParser> {
  const parsers: Record<number, TextParser> = { ...scalarParsers };
  for (const [arrayOid, elementOid] of arrayTypeOids) {
    parsers[arrayOid] = arrayParser(arrayOid, elementOid, scalarParsers);
  }
  return parsers;
}
