import { z } from "zod";
import { SqlType } from "./sql-type.ts";
import { hasLoneSurrogate, textProblem } from "./text-checks.ts";

/**
 * VARCHAR(n) / VARCHAR / TEXT. NUL is rejected up front: PostgreSQL cannot store it in text. So is an
 * unpaired UTF-16 surrogate: it has no UTF-8 form, and every driver would send U+FFFD in its place.
 */
class StringType extends SqlType<string> {
  readonly name: string;
  readonly schema: z.ZodType<string>;
  readonly length: number | undefined;
  private readonly sqlName: string;

  constructor(name: string, sqlName: string, length?: number) {
    super();
    if (length !== undefined && (!Number.isInteger(length) || length < 1)) {
      throw new TypeError(`${name}(length): length must be a positive integer, got ${length}`);
    }
    this.name = name;
    this.length = length;
    this.sqlName = length === undefined ? sqlName : `${sqlName}(${length})`;
    const base = z
      .string()
      .refine((s) => textProblem(s) === undefined, { error: (issue) => textProblem(String(issue.input)) });
    this.schema =
      length === undefined
        ? base
        : base.refine((s) => characters(s) <= length, `longer than ${length} characters`);
  }

  override validate(value: unknown): boolean {
    return (
      typeof value === "string" &&
      (this.length === undefined || value.length <= this.length || characters(value) <= this.length) &&
      !value.includes("\u0000") &&
      !hasLoneSurrogate(value)
    );
  }

  ddl(): string {
    return this.sqlName;
  }
}

const unboundedString = new StringType("String", "VARCHAR");
const text = new StringType("Text", "TEXT");

// Exported as String (SQLAlchemy's name) without shadowing the global inside this module.
const stringFactory = (length?: number): SqlType<string> =>
  length === undefined ? unboundedString : new StringType("String", "VARCHAR", length);

export { stringFactory as String };
export const Text = (): SqlType<string> => text;
export type { StringType };

/** Characters as PostgreSQL counts them (code points; a JS string's length counts UTF-16 units). */
function characters(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}
