import { parseArray, type TextParser } from "./pg-array-parser.ts";

/**
 * Text-format parsers giving core's canonical driver values: bool, int2/int4/oid numbers, int8
 * bigint, float numbers, json parsed, bytea a Buffer, arrays JS arrays; every other type (numeric,
 * dates and times, uuid, enums...) stays the server's text. Dates are never made into JS Dates.
 */

const keepText: TextParser = (text) => text;

const parseBool: TextParser = (text) => text === "t";
const parseNumber: TextParser = (text) => Number(text);
const parseBigInt: TextParser = (text) => BigInt(text);
const parseJson: TextParser = (text) => JSON.parse(text);

/** bytea in either output format: hex (`\x0a0b`, the default) or escape (`a\012\\`). */
export const parseBytea: TextParser = (text) => {
  if (text.startsWith("\\x")) return Buffer.from(text.slice(2), "hex");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x5c /* \ */) bytes.push(code);
    else if (text[i + 1] === "\\") {
      bytes.push(0x5c);
      i++;
    } else {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
};

/** Built-in scalar types that do not stay text, by oid. */
const scalarParsers = new Map<number, TextParser>([
  [16, parseBool],
  [17, parseBytea],
  [20, parseBigInt],
  [21, parseNumber],
  [23, parseNumber],
  [26, parseNumber],
  [114, parseJson],
  [700, parseNumber],
  [701, parseNumber],
  [3802, parseJson],
]);

/**
 * Built-in array types, oid -> element oid. Oids below 10000 are fixed by PostgreSQL's catalog in
 * every version (from pg_type where typcategory = 'A', less int2vector and oidvector, whose output
 * is not an array literal); higher ones are assigned at initdb and looked up at run time.
 */
const builtinArrays: readonly (readonly [number, number])[] = [
  [199, 114],
  [1000, 16],
  [1001, 17],
  [1005, 21],
  [1007, 23],
  [1016, 20],
  [1021, 700],
  [1022, 701],
  [1028, 26],
  [3807, 3802],
];
const builtinTextArrays = [
  143, 210, 270, 271, 272, 273, 629, 651, 719, 775, 791, 1002, 1003, 1006, 1008, 1009, 1010, 1011, 1012, 1013,
  1014, 1015, 1017, 1018, 1019, 1020, 1027, 1034, 1040, 1041, 1115, 1182, 1183, 1185, 1187, 1231, 1263, 1270,
  1561, 1563, 2201, 2207, 2208, 2209, 2210, 2211, 2949, 2951, 3221, 3643, 3644, 3645, 3735, 3770, 3905, 3907,
  3909, 3911, 3913, 3927, 4073, 4090, 4097, 4192, 5039, 6150, 6151, 6152, 6153, 6155, 6157,
];
/** box[] is the one built-in array whose elements are separated by ';' (box text contains commas). */
const boxArray = 1020;

/** Oids from here on are not fixed by the catalog: user types and initdb-assigned ones. */
export const firstUnfixedOid = 10000;

export function arrayParser(parseElement: TextParser, delimiter: string): TextParser {
  return (text) => parseArray(text, parseElement, delimiter);
}

function builtinParsers(): Map<number, TextParser> {
  const parsers = new Map(scalarParsers);
  for (const [arrayOid, elementOid] of builtinArrays) {
    parsers.set(arrayOid, arrayParser(scalarParsers.get(elementOid) ?? keepText, ","));
  }
  for (const arrayOid of builtinTextArrays) {
    parsers.set(arrayOid, arrayParser(keepText, arrayOid === boxArray ? ";" : ","));
  }
  return parsers;
}

const builtins = builtinParsers();

/** What pg_type says about one type, enough to parse its values. */
export interface TypeRow {
  readonly oid: number;
  /** The base type of a domain, else 0. */
  readonly baseOid: number;
  /** The element type of an array type, else 0. */
  readonly elementOid: number;
  readonly delimiter: string;
}

/**
 * The parsers of one engine's clients (pg's per-client `types` option), so nothing is set on pg's
 * global parsers. Types whose oid is not fixed (enums, domains, their arrays) are learnt from
 * pg_type through `learn` and kept for every later statement.
 */
export class PgTypeParsers {
  private readonly learnt = new Map<number, TextParser>();

  /** pg calls this once per result column when the row description arrives. */
  getTypeParser(oid: number, format?: string): TextParser {
    if (format === "binary") return keepText;
    return builtins.get(oid) ?? this.learnt.get(oid) ?? keepText;
  }

  /** Whether values of `oid` may need a parser not yet learnt from pg_type. */
  isUnknown(oid: number): boolean {
    return oid >= firstUnfixedOid && !this.learnt.has(oid);
  }

  /**
   * Records what pg_type said. Returns the oids still unknown that those rows refer to (a domain's
   * base type, an array's element type), to be looked up in turn.
   */
  learn(rows: readonly TypeRow[]): number[] {
    const byOid = new Map(rows.map((row) => [row.oid, row]));
    const missing: number[] = [];
    const resolve = (oid: number, depth: number): TextParser | undefined => {
      const known = builtins.get(oid) ?? this.learnt.get(oid);
      if (known !== undefined) return known;
      if (oid < firstUnfixedOid) return keepText;
      const row = byOid.get(oid);
      if (row === undefined || depth > 8) {
        missing.push(oid);
        return undefined;
      }
      let parser: TextParser | undefined = keepText;
      if (row.baseOid !== 0) parser = resolve(row.baseOid, depth + 1);
      else if (row.elementOid !== 0) {
        const element = resolve(row.elementOid, depth + 1);
        parser = element === undefined ? undefined : arrayParser(element, row.delimiter);
      }
      if (parser !== undefined) this.learnt.set(oid, parser);
      return parser;
    };
    for (const row of rows) resolve(row.oid, 0);
    return missing;
  }
}
