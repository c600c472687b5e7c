import { z } from "zod";
import { SqlType } from "./sql-type.ts";
import { hasLoneSurrogate } from "./text-checks.ts";

/** A value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A plain object as zod's record sees one: no prototype, Object's, or another realm's Object's (its
 * constructor's prototype owns `isPrototypeOf`). Class instances, Dates, Maps, boxed values are not.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const ctor: unknown = Reflect.get(value, "constructor");
  if (ctor === undefined || typeof ctor !== "function") return true;
  const prototype: unknown = Reflect.get(ctor, "prototype");
  if (typeof prototype !== "object" || prototype === null || Array.isArray(prototype)) return false;
  return Object.hasOwn(prototype, "isPrototypeOf");
}

/** JSONB (and PostgreSQL's jsonb input) refuses NUL and unpaired surrogates in strings and keys. */
function jsonbStringProblem(s: string): string | undefined {
  if (s.includes("\u0000")) return "jsonb cannot hold NUL (\\u0000) in a string";
  if (hasLoneSurrogate(s)) return "jsonb cannot hold an unpaired UTF-16 surrogate in a string";
  return undefined;
}

function pathText(path: readonly (string | number)[]): string {
  let text = "$";
  for (const part of path) text += typeof part === "number" ? `[${part}]` : `.${part}`;
  return text;
}

/**
 * Why `value` is not JSON, or undefined when it is. `ancestors` holds the containers being walked
 * (cycles are refused; the same object twice, not nested in itself, is fine).
 */
function jsonProblem(
  value: unknown,
  jsonb: boolean,
  path: (string | number)[],
  ancestors: object[],
): string | undefined {
  switch (typeof value) {
    case "string": {
      const problem = jsonb ? jsonbStringProblem(value) : undefined;
      return problem === undefined ? undefined : `${pathText(path)}: ${problem}`;
    }
    case "number":
      return Number.isFinite(value) ? undefined : `${pathText(path)}: ${value} is not a finite number`;
    case "boolean":
      return undefined;
    case "object": {
      if (value === null) return undefined;
      if (ancestors.includes(value)) return `${pathText(path)}: a cycle (the value contains itself)`;
      ancestors.push(value);
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            path.push(i);
            const problem = jsonProblem(value[i], jsonb, path, ancestors);
            path.pop();
            if (problem !== undefined) return problem;
          }
          return undefined;
        }
        if (!isPlainObject(value)) {
          const kind = Reflect.get(value, "constructor");
          const name = typeof kind === "function" && kind.name ? kind.name : "object";
          return `${pathText(path)}: a ${name} is not JSON (only plain objects, arrays, strings, finite numbers, booleans, null)`;
        }
        for (const key of Reflect.ownKeys(value)) {
          if (key === "__proto__" || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
          if (typeof key === "symbol") return `${pathText(path)}: a symbol key is not JSON`;
          const keyProblem = jsonb ? jsonbStringProblem(key) : undefined;
          if (keyProblem !== undefined) return `${pathText(path)}: key ${JSON.stringify(key)}: ${keyProblem}`;
          path.push(key);
          const problem = jsonProblem(value[key], jsonb, path, ancestors);
          path.pop();
          if (problem !== undefined) return problem;
        }
        return undefined;
      } finally {
        ancestors.pop();
      }
    }
    case "undefined":
      return `${pathText(path)}: undefined is not JSON`;
    default:
      return `${pathText(path)}: a ${typeof value} is not JSON`;
  }
}

/** Why `value` is not a JSON value (as JSON, not JSONB, holds it), or undefined when it is. */
export function jsonValueProblem(value: unknown): string | undefined {
  return jsonProblem(value, false, [], []);
}

/** Cycles through what zod's JSON schema walks (array items, own enumerable string keys of plain objects). */
function isAcyclic(value: unknown, ancestors: object[] = []): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (ancestors.includes(value)) return false;
  if (!Array.isArray(value) && !isPlainObject(value)) return true;
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!isAcyclic(value[i], ancestors)) return false;
      return true;
    }
    for (const key of Reflect.ownKeys(value)) {
      if (key === "__proto__" || typeof key === "symbol") continue;
      if (!Object.prototype.propertyIsEnumerable.call(value, key)) continue;
      if (!isAcyclic(value[key], ancestors)) return false;
    }
    return true;
  } finally {
    ancestors.pop();
  }
}

function jsonValueSchema(jsonb: boolean): z.ZodType<JsonValue> {
  const string = jsonb
    ? z.string().refine((s) => jsonbStringProblem(s) === undefined, {
        error: (issue) => jsonbStringProblem(String(issue.input)),
      })
    : z.string();
  const value: z.ZodType<JsonValue> = z.lazy(() =>
    z.union([string, z.number(), z.boolean(), z.null(), z.array(value), z.record(string, value)]),
  );
  return z
    .custom<unknown>((input) => isAcyclic(input), { error: "a cycle (the value contains itself)" })
    .pipe(value);
}

function explainWith(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  return result.success ? "valid" : z.prettifyError(result.error);
}

const jsonSchema = jsonValueSchema(false);
const jsonbSchema = jsonValueSchema(true);

/**
 * JSON / JSONB: any JSON value as its JS value; T (default unknown) is the JS type you declare, and a
 * zod schema for it, when given, is checked too: `JSON(z.object({ tags: z.array(z.string()) }))`.
 *
 * Valid: null, booleans, finite numbers, strings, arrays and plain objects (also null-prototype) of
 * valid values. Refused: undefined (also as an object property value; JSON.stringify would drop it),
 * functions, symbols and symbol keys, bigints, NaN and the infinities, cycles, sparse array holes, and
 * every non-plain object: Dates (convert with toISOString), Maps, Sets, typed arrays, boxed values,
 * class instances (they would not read back as themselves). JSONB also refuses NUL and unpaired
 * surrogates in strings and keys (PostgreSQL's jsonb cannot hold them; JSON keeps them as escapes).
 *
 * Sent as `JSON.stringify(value)` text, so drivers never guess. Read from text (parsed) or from the
 * value a driver parsed already. A string from the driver is always taken as JSON text: a driver
 * that parses json itself (node-postgres, PGlite, postgres.js by default) hands a top-level JSON
 * string as a bare JS string, indistinguishable from text, so dialects register text parsers for
 * json/jsonb. JSONB normalises on write: key order, duplicate keys, number spelling (`1.50` -> 1.5);
 * -0 reads back as 0.
 *
 * A JS null bound to a JSON column is SQL NULL when the statement layer binds it as NULL; toDriver(null)
 * itself gives the JSON text `null`.
 */
class JsonType<T> extends SqlType<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly jsonb: boolean;
  private readonly valueSchema: z.ZodType<T> | undefined;

  constructor(jsonb: boolean, valueSchema?: z.ZodType<T>) {
    super();
    this.jsonb = jsonb;
    this.name = jsonb ? "JSONB" : "JSON";
    this.valueSchema = valueSchema;
    const valueJson = jsonb ? jsonbSchema : jsonSchema;
    // zod's own JSON schema is the reference (the property tests hold validate's walk to it).
    this.schema = z.custom<T>(
      (value) =>
        valueJson.safeParse(value).success &&
        (valueSchema === undefined || valueSchema.safeParse(value).success),
      { error: (issue) => this.explain(issue.input) },
    );
  }

  override validate(value: unknown): boolean {
    return (
      jsonProblem(value, this.jsonb, [], []) === undefined &&
      (this.valueSchema === undefined || this.valueSchema.safeParse(value).success)
    );
  }

  override explain(value: unknown): string {
    const problem = jsonProblem(value, this.jsonb, [], []);
    if (problem !== undefined) return problem;
    return this.valueSchema === undefined ? "valid" : explainWith(this.valueSchema, value);
  }

  override toDriver(value: T): unknown {
    return JSON.stringify(value);
  }

  /** Drivers hand JSON over parsed (a JSON string value arrives as a JS string, not as its text). */
  override fromDriver(value: unknown): T {
    return value as T;
  }

  override fromDriverText(text: string): T {
    return JSON.parse(text) as T;
  }

  ddl(): string {
    return this.jsonb ? "JSONB" : "JSON";
  }
}

const json = new JsonType<unknown>(false);
const jsonb = new JsonType<unknown>(true);

/** `JSON` (or `JSON<MyShape>()`, or `JSON(zodSchema)`): PostgreSQL json, the text kept as written. */
function jsonFactory<T = unknown>(schema?: z.ZodType<T>): JsonType<T> {
  return schema === undefined ? (json as JsonType<T>) : new JsonType(false, schema);
}

/** `JSONB` (or `JSONB<MyShape>()`, or `JSONB(zodSchema)`): PostgreSQL jsonb, binary and indexable. */
export function JSONB<T = unknown>(schema?: z.ZodType<T>): JsonType<T> {
  return schema === undefined ? (jsonb as JsonType<T>) : new JsonType(true, schema);
}

export type { JsonType };
// Exported as JSON (SQLAlchemy's name) without shadowing the global inside this module.
export { jsonFactory as JSON };
