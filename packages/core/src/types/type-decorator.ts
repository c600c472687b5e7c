import { SqlType } from "./sql-type.ts";

/**
 * A custom type over an implementation type, like SQLAlchemy's TypeDecorator: values of T are
 * converted to the implementation's JS type Impl on the way in (`processBind`) and back on the way out
 * (`processResult`); DDL, casts and driver handling are the implementation's.
 *
 * Subclasses give `name`, `schema` (the zod schema of T; `validate` defaults to it, override it with
 * an equivalent fast check where it matters), `impl`, `processBind` and `processResult`.
 * `processBind` gets valid values only and must return a valid Impl value. SQL NULL never reaches
 * either hook.
 *
 * @example
 * // Money as integer cents in a BIGINT column; JS values are decimal strings like "12.34".
 * class Money extends TypeDecorator<bigint, string> {
 *   readonly name = "Money";
 *   readonly schema = z.string().regex(/^-?\d+\.\d{2}$/);
 *   readonly impl = BigInteger();
 *   processBind(value: string): bigint {
 *     return BigInt(value.replace(".", ""));
 *   }
 *   processResult(cents: bigint): string {
 *     const text = (cents < 0n ? -cents : cents).toString().padStart(3, "0");
 *     return `${cents < 0n ? "-" : ""}${text.slice(0, -2)}.${text.slice(-2)}`;
 *   }
 * }
 */
export abstract class TypeDecorator<Impl, T> extends SqlType<T> {
  /** The type the database sees. */
  abstract readonly impl: SqlType<Impl>;

  /** A valid JS value -> the implementation type's JS value. */
  abstract processBind(value: T): Impl;

  /** The implementation type's JS value (already through its fromDriver) -> a JS value. */
  abstract processResult(value: Impl): T;

  override toDriver(value: T): unknown {
    return this.impl.toDriver(this.processBind(value));
  }

  override fromDriver(value: unknown): T {
    return this.processResult(this.impl.fromDriver(value));
  }

  override fromDriverText(text: string): T {
    return this.processResult(this.impl.fromDriverText(text));
  }

  ddl(): string {
    return this.impl.ddl();
  }
}
