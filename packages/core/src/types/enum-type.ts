import { z } from "zod";
import { ArgumentError, IdentifierError } from "../errors.ts";
import { SqlType } from "./sql-type.ts";
import { textProblem } from "./text-checks.ts";

/** A plain SQL identifier (also the form PostgreSQL keeps unquoted, modulo case). */
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** PostgreSQL's NAMEDATALEN - 1: the longest identifier and enum label, in bytes. */
const maxNameBytes = 63;
const utf8 = new TextEncoder();

/** A PostgreSQL native enum: `CREATE TYPE "name" AS ENUM (...)` (the DDL layer emits it). */
export interface NativeEnumOptions {
  /** The type's name: a plain identifier, emitted quoted (case kept). */
  name: string;
  /** The schema the type lives in (a plain identifier); default the search path's. */
  schema?: string;
  native?: true;
}

/** A VARCHAR column with a CHECK constraint instead of a native type. */
export interface NonNativeEnumOptions {
  native: false;
  /** Names the CHECK constraint, when given (a plain identifier). */
  name?: string;
  /** VARCHAR length; default (and minimum) the longest value's length in characters. */
  length?: number;
}

export type EnumOptions = NativeEnumOptions | NonNativeEnumOptions;

function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function checkIdentifier(what: string, name: unknown): void {
  // Plain identifiers are ASCII: characters are bytes.
  if (typeof name === "string" && identifierPattern.test(name) && name.length > maxNameBytes) {
    throw new IdentifierError(
      `Enum: ${what}: identifier ${JSON.stringify(name)} is ${name.length} bytes (UTF-8), over PostgreSQL's maximum identifier length of ${maxNameBytes} bytes`,
      name,
    );
  }
  if (typeof name !== "string" || !identifierPattern.test(name)) {
    throw new ArgumentError(
      `Enum: ${what} must be a plain identifier (letters, digits, _; not starting with a digit; at most ${maxNameBytes} characters), got ${JSON.stringify(name)}`,
    );
  }
}

/**
 * An enumeration of strings: the JS type is the union of the values. Native (default): a PostgreSQL
 * enum type named `name`, DDL the quoted name. `native: false`: VARCHAR(n), n = the longest value in
 * characters, which the DDL layer constrains with `checkExpression(column)`.
 */
class EnumType<T extends string> extends SqlType<T> {
  readonly name = "Enum";
  readonly schema: z.ZodType<T>;
  /** The values, in declaration order (a native enum's sort order). */
  readonly values: readonly T[];
  readonly native: boolean;
  /** The native type's name, or the CHECK constraint's (non-native; may be undefined). */
  readonly typeName: string | undefined;
  /** The native type's schema. */
  readonly typeSchema: string | undefined;
  /** VARCHAR length (non-native). */
  readonly length: number | undefined;
  private readonly members: ReadonlySet<string>;
  private readonly sqlName: string;

  constructor(values: readonly T[], options: EnumOptions) {
    super();
    if (!Array.isArray(values) || values.length === 0) {
      throw new ArgumentError("Enum(values, options): values must be a non-empty array of strings");
    }
    for (const value of values) {
      // Labels are written into DDL: an unpaired surrogate would reach the server as U+FFFD.
      if (typeof value !== "string" || value.length === 0 || textProblem(value) !== undefined) {
        throw new ArgumentError(
          `Enum: values must be non-empty strings without NUL or unpaired surrogates, got ${JSON.stringify(value)}`,
        );
      }
    }
    this.members = new Set(values);
    if (this.members.size !== values.length) throw new ArgumentError("Enum: values must be distinct");
    this.values = Object.freeze([...values]);
    this.native = options.native !== false;
    if (options.native === false) {
      if (options.name !== undefined) checkIdentifier("name", options.name);
      const longest = Math.max(...values.map((value) => [...value].length));
      if (options.length !== undefined && (!Number.isInteger(options.length) || options.length < longest)) {
        throw new ArgumentError(
          `Enum: length must be an integer of at least the longest value's length (${longest}), got ${options.length}`,
        );
      }
      this.typeName = options.name;
      this.typeSchema = undefined;
      this.length = options.length ?? longest;
      this.sqlName = `VARCHAR(${this.length})`;
    } else {
      checkIdentifier("name (required for a native enum)", options.name);
      if (options.schema !== undefined) checkIdentifier("schema", options.schema);
      for (const value of values) {
        if (utf8.encode(value).length > maxNameBytes) {
          throw new ArgumentError(
            `Enum: a native enum value is at most ${maxNameBytes} bytes: ${JSON.stringify(value)}`,
          );
        }
      }
      this.typeName = options.name;
      this.typeSchema = options.schema;
      this.length = undefined;
      this.sqlName =
        options.schema === undefined
          ? quoteIdentifier(options.name)
          : `${quoteIdentifier(options.schema)}.${quoteIdentifier(options.name)}`;
    }
    const list = values.map((value) => JSON.stringify(value)).join(", ");
    this.schema = z.enum(this.values, { error: (issue) => `${describe(issue.input)} is not one of ${list}` });
  }

  override validate(value: unknown): boolean {
    return typeof value === "string" && this.members.has(value);
  }

  override fromDriver(value: unknown): T {
    return String(value) as T;
  }

  ddl(): string {
    return this.sqlName;
  }

  /** The SQL list of the values: `'draft', 'published'` (for CREATE TYPE ... AS ENUM (...)). */
  sqlValues(): string {
    return this.values.map(quoteLiteral).join(", ");
  }

  /** The CHECK constraint's condition for a non-native enum column: `"status" IN ('draft', 'published')`. */
  checkExpression(column: string): string {
    return `${column} IN (${this.sqlValues()})`;
  }
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : `a ${value === null ? "null" : typeof value}`;
}

/**
 * `Enum(["draft", "published"] as const, { name: "post_status" })`: a native enum (JS type
 * `"draft" | "published"`); `Enum([...], { native: false })`: VARCHAR plus a CHECK constraint.
 */
export function Enum<const V extends readonly [string, ...string[]]>(
  values: V,
  options: EnumOptions,
): EnumType<V[number]> {
  return new EnumType<V[number]>(values, options);
}
export type { EnumType };
