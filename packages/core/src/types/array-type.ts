import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { resolveType, SqlType, type TypeArg } from "./sql-type.ts";

/** PostgreSQL arrays have at most 6 dimensions. */
export type ArrayDimensions = 1 | 2 | 3 | 4 | 5 | 6;

/** The JS value of an ARRAY of T with D dimensions: nested arrays whose elements may be null (SQL NULL). */
export type ArrayValue<T, D extends ArrayDimensions = 1> = D extends 1
  ? (T | null)[]
  : D extends 2
    ? (T | null)[][]
    : D extends 3
      ? (T | null)[][][]
      : D extends 4
        ? (T | null)[][][][]
        : D extends 5
          ? (T | null)[][][][][]
          : (T | null)[][][][][][];

export interface ArrayOptions<D extends ArrayDimensions> {
  /** Nesting depth of the JS value and the DDL (`INTEGER[][]`). Default 1. */
  dimensions?: D;
}

/**
 * `<item>[]`: a JS array (nested `dimensions` deep) of the item type's values or null.
 *
 * Valid: every element null or valid for the item type; with 2+ dimensions, rectangular (PostgreSQL
 * multi-dimensional arrays are) with non-empty sub-arrays (PostgreSQL turns `{{}}` into `{}`); the
 * whole array may be empty. Arrays of arrays are written with `dimensions`, not ARRAY(ARRAY(...)).
 *
 * Sent as PostgreSQL array text built from the items' driver values (`{"1",NULL,"a \"b\""}`), not as
 * a JS array: PGlite serialises a JS array only for the built-in array types it knows (an array of an
 * enum went as `a,,b`), and node-postgres builds this same text from a JS array anyway. Every item is
 * quoted, so JSON items (their JSON text) and strings spelling NULL stay what they are.
 *
 * Read from a JS array (items through the item type's fromDriver, `dimensions` deep) or PostgreSQL array
 * text (`{1,NULL,"a b",{...}}`, `[1:2]=` bounds ignored). A null element is SQL NULL (for ARRAY(JSON),
 * also JSON null).
 */
class ArrayType<T, D extends ArrayDimensions = 1> extends SqlType<ArrayValue<T, D>> {
  readonly name = "ARRAY";
  readonly schema: z.ZodType<ArrayValue<T, D>>;
  readonly item: SqlType<T>;
  readonly dimensions: D;

  constructor(item: SqlType<T>, dimensions: D) {
    super();
    this.item = item;
    this.dimensions = dimensions;
    let element: z.ZodType = item.schema.nullable();
    for (let depth = dimensions; depth > 1; depth--)
      element = z.array(element).min(1, { error: "an empty sub-array" });
    const array = z.array(element);
    // Built level by level, so its static type is lost; it parses exactly ArrayValue<T, D>.
    this.schema = (dimensions === 1
      ? array
      : array.refine((value) => isRectangular(value, dimensions), {
          error: "sub-arrays of different lengths (PostgreSQL arrays are rectangular)",
        })) as unknown as z.ZodType<ArrayValue<T, D>>;
  }

  override validate(value: unknown): boolean {
    return this.valid(value, 1, []);
  }

  override toDriver(value: ArrayValue<T, D>): unknown {
    return this.formatText(value, 1);
  }

  override fromDriver(value: unknown): ArrayValue<T, D> {
    if (typeof value === "string") return this.mapText(parseArrayText(value)) as ArrayValue<T, D>;
    if (Array.isArray(value)) return this.mapFromDriver(value, 1) as ArrayValue<T, D>;
    throw new TypeError(`ARRAY: cannot read ${typeof value} ${String(value)} from the driver as an array`);
  }

  ddl(): string {
    return this.item.ddl() + "[]".repeat(this.dimensions);
  }

  /** `shape[d]` is the length every array at depth d + 1 must have (set by the first one met). */
  private valid(value: unknown, depth: number, shape: number[]): boolean {
    if (!Array.isArray(value)) return false;
    if (depth > 1) {
      if (value.length === 0) return false;
      const expected = shape[depth - 1];
      if (expected === undefined) shape[depth - 1] = value.length;
      else if (expected !== value.length) return false;
    }
    if (depth < this.dimensions) {
      for (let i = 0; i < value.length; i++) if (!this.valid(value[i], depth + 1, shape)) return false;
      return true;
    }
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (element !== null && !this.item.validate(element)) return false;
    }
    return true;
  }

  private formatText(value: readonly unknown[], depth: number): string {
    let text = "{";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ",";
      const element = value[i];
      text +=
        element === null || element === undefined
          ? "NULL"
          : depth < this.dimensions && Array.isArray(element)
            ? this.formatText(element, depth + 1)
            : quoteArrayItem(this.item.toDriver(element as T));
    }
    return `${text}}`;
  }

  private mapFromDriver(value: readonly unknown[], depth: number): unknown[] {
    const result = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      result[i] =
        element === null || element === undefined
          ? null
          : depth < this.dimensions && Array.isArray(element)
            ? this.mapFromDriver(element, depth + 1)
            : this.item.fromDriver(element);
    }
    return result;
  }

  private mapText(value: readonly ArrayText[]): unknown[] {
    const result = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      result[i] =
        element === null || element === undefined
          ? null
          : typeof element === "string"
            ? this.item.fromDriverText(element)
            : this.mapText(element);
    }
    return result;
  }
}

/**
 * An item's driver value inside array text: always quoted (NULL is only ever the unquoted word). -0 is
 * written as such (String(-0) is "0"). An Invalid Date has no text: refused with a TypeError, which
 * the compiler reports as the value's StatementError (types that do not check their values, such as
 * Unmapped, let one through validation).
 */
function quoteArrayItem(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number") text = Object.is(value, -0) ? "-0" : String(value);
  else if (value instanceof Uint8Array) text = `\\x${hex(value)}`;
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError("an Invalid Date has no text to put in an array");
    text = value.toISOString();
  } else if (typeof value === "object" && value !== null) text = JSON.stringify(value);
  else text = String(value);
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

const hexPairs = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += hexPairs[bytes[i]!];
  return text;
}

/** Same length for all arrays at each depth, down to `dimensions` (defensive: any input). */
function isRectangular(value: unknown, dimensions: number): boolean {
  const shape: number[] = [];
  const walk = (node: unknown, depth: number): boolean => {
    if (!Array.isArray(node)) return false;
    const expected = shape[depth - 1];
    if (expected === undefined) shape[depth - 1] = node.length;
    else if (depth > 1 && expected !== node.length) return false;
    if (depth < dimensions) for (const child of node) if (!walk(child, depth + 1)) return false;
    return true;
  };
  return walk(value, 1);
}

/** PostgreSQL array text, parsed: strings, nulls and nested arrays. */
type ArrayText = string | null | ArrayText[];

/**
 * Parses PostgreSQL array output (and input) text: `{1,2}`, `{{1,2},{3,4}}`, `{"a b","q\"",NULL}`,
 * `[0:1]={1,2}`. Quoted elements keep everything between the quotes (backslash escapes the next
 * character); unquoted ones drop surrounding whitespace and are SQL NULL when they spell NULL (any case)
 * without escapes. The delimiter is the comma (every type here uses it).
 */
export function parseArrayText(text: string): ArrayText[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new TypeError(
      `ARRAY: malformed array text at ${i} (${what}): ${JSON.stringify(text.slice(0, 80))}`,
    );
  };
  const skipSpace = (): void => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  const list = (): ArrayText[] => {
    i++; // {
    const items: ArrayText[] = [];
    skipSpace();
    if (text[i] === "}") {
      i++;
      return items;
    }
    for (;;) {
      skipSpace();
      const c = text[i];
      if (c === "{") items.push(list());
      else if (c === '"') {
        i++;
        let value = "";
        for (;;) {
          if (i >= text.length) fail("unterminated quoted element");
          const ch = text[i]!;
          if (ch === '"') break;
          if (ch === "\\") {
            i++;
            if (i >= text.length) fail("backslash at end");
          }
          value += text[i];
          i++;
        }
        i++; // closing quote
        items.push(value);
      } else {
        let value = "";
        let kept = 0; // length of value up to its last escaped or non-space character
        let escaped = false;
        for (;;) {
          if (i >= text.length) fail("unterminated array");
          const ch = text[i]!;
          if (ch === "," || ch === "}") break;
          if (ch === "{" || ch === '"') fail("unexpected character in an unquoted element");
          if (ch === "\\") {
            i++;
            if (i >= text.length) fail("backslash at end");
            value += text[i];
            kept = value.length;
            escaped = true;
          } else {
            value += ch;
            if (!isSpace(ch.charCodeAt(0))) kept = value.length;
          }
          i++;
        }
        value = value.slice(0, kept);
        if (value.length === 0) fail("empty unquoted element");
        items.push(!escaped && value.toUpperCase() === "NULL" ? null : value);
      }
      skipSpace();
      const next = text[i];
      i++;
      if (next === ",") continue;
      if (next === "}") return items;
      fail("expected , or }");
    }
  };
  if (text[0] === "[") {
    const equals = text.indexOf("=");
    if (equals === -1) fail("dimension bounds without =");
    i = equals + 1;
  }
  skipSpace();
  if (text[i] !== "{") fail("expected {");
  const result = list();
  skipSpace();
  if (i !== text.length) fail("text after the array");
  return result;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

const cache = new WeakMap<SqlType<unknown>, ArrayType<unknown>>();

/**
 * `ARRAY(Integer)` -> INTEGER[] of `(number | null)[]`; `ARRAY(Text, { dimensions: 2 })` -> TEXT[][] of
 * `(string | null)[][]`.
 */
export function ARRAY<T, const D extends ArrayDimensions = 1>(
  item: TypeArg<T>,
  options?: ArrayOptions<D>,
): ArrayType<T, D> {
  const itemType = resolveType(item);
  if (itemType instanceof ArrayType) {
    throw new ArgumentError(
      "ARRAY(ARRAY(...)): PostgreSQL has no arrays of arrays; use ARRAY(item, { dimensions: 2 })",
    );
  }
  const dimensions = options?.dimensions;
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 6)) {
    throw new ArgumentError(
      `ARRAY(item, { dimensions }): dimensions must be an integer from 1 to 6, got ${dimensions}`,
    );
  }
  if (dimensions === undefined || dimensions === 1) {
    let type = cache.get(itemType);
    if (type === undefined) {
      type = new ArrayType<unknown>(itemType, 1);
      cache.set(itemType, type);
    }
    return type as ArrayType<T, D>;
  }
  return new ArrayType(itemType, dimensions);
}
export type { ArrayType };
