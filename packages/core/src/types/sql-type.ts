import type { z } from "zod";

/**
 * A SQL type: how a JS value of type T is validated, sent to a driver, read back, and named in DDL.
 * Instances are immutable. `validate` is the fast check run on every bound value; it must accept
 * exactly what `schema` accepts (a property test holds the built-in types to that).
 */
export abstract class SqlType<T = unknown> {
  /** Phantom: the JS type of values of this SQL type. */
  declare readonly __js: T;
  /** A short, stable name; also part of compiled-statement shape keys where the type shows in SQL. */
  abstract readonly name: string;
  /** The zod schema of valid JS values (used for validation messages and derived model schemas). */
  abstract readonly schema: z.ZodType<T>;

  /** True when `value` is a valid bound value of this type. */
  validate(value: unknown): boolean {
    return this.schema.safeParse(value).success;
  }

  /** Why `value` is invalid, for error messages. */
  explain(value: unknown): string {
    const result = this.schema.safeParse(value);
    return result.success ? "valid" : result.error.issues.map((issue) => issue.message).join("; ");
  }

  /** The value handed to the driver for a valid JS value. */
  toDriver(value: T): unknown {
    return value;
  }

  /** The JS value for what the driver returned (drivers differ; this normalises). */
  fromDriver(value: unknown): T {
    return value as T;
  }

  /**
   * The JS value for the server's text form of a value: an element of an array that reached us as
   * PostgreSQL array text. Differs from fromDriver only where drivers hand over a parsed value (JSON).
   */
  fromDriverText(text: string): T {
    return this.fromDriver(text);
  }

  /** The type as written in PostgreSQL DDL and casts. */
  abstract ddl(): string;
}

/** A type, or a factory of one that can be passed bare: `column(Integer)`, `column(String(50))`. */
export type TypeArg<T> = SqlType<T> | (() => SqlType<T>);

export function resolveType<T>(type: TypeArg<T>): SqlType<T> {
  return typeof type === "function" ? type() : type;
}

/** The JS type of a TypeArg. */
export type JsOf<A> = A extends SqlType<infer T> ? T : A extends () => SqlType<infer T> ? T : never;
