import { z } from "zod";
import { isPlainObject, jsonValueProblem } from "./json-types.ts";
import { SqlType } from "./sql-type.ts";
import { textProblem } from "./text-checks.ts";

/**
 * The type of an expression whose type is unknown (raw SQL, untyped functions). Its values (text()
 * parameters, bindparam() without a type) go to the driver as they are, so it accepts only what every
 * driver sends faithfully (see untypedValueProblem).
 */
class NullType extends SqlType<unknown> {
  readonly name = "NullType";
  readonly schema = z.custom<unknown>((value) => untypedValueProblem(value) === undefined, {
    error: (issue) => untypedValueProblem(issue.input),
  });

  override validate(value: unknown): boolean {
    return untypedValueProblem(value) === undefined;
  }

  override explain(value: unknown): string {
    return untypedValueProblem(value) ?? "valid";
  }

  ddl(): string {
    throw new TypeError("NullType has no DDL: give the column or cast a concrete type");
  }
}

export const nullType: SqlType<unknown> = new NullType();

/**
 * Why an untyped value has no SQL meaning, or undefined when it has one: null, strings PostgreSQL can
 * hold (no NUL, no unpaired surrogate), numbers, bigints, booleans, valid Dates, Uint8Arrays (and
 * Buffers), arrays of these (null elements are NULL), and plain objects holding JSON. Anything else
 * (undefined, functions, symbols, Maps, Sets, class instances, Invalid Dates...) a driver would send as
 * some text or JSON of its own making ("{}" for a Map), or fail on after the statement began.
 */
export function untypedValueProblem(value: unknown): string | undefined {
  return problemAt(value, "", []);
}

function problemAt(value: unknown, path: string, ancestors: object[]): string | undefined {
  const where = path === "" ? "" : `${path}: `;
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value);
      return problem === undefined ? undefined : `${where}${problem}`;
    }
    case "number":
    case "bigint":
    case "boolean":
      return undefined;
    case "undefined":
      return `${where}undefined is not a SQL value (use null for NULL)`;
    case "object": {
      if (value === null || value instanceof Uint8Array) return undefined;
      if (value instanceof Date)
        return Number.isNaN(value.getTime()) ? `${where}an Invalid Date is not a SQL value` : undefined;
      if (Array.isArray(value)) {
        if (ancestors.includes(value)) return `${where}a cycle (the array contains itself)`;
        ancestors.push(value);
        try {
          for (let i = 0; i < value.length; i++) {
            const element: unknown = value[i];
            if (element === null) continue;
            const problem = problemAt(element, `${path}[${i}]`, ancestors);
            if (problem !== undefined) return problem;
          }
          return undefined;
        } finally {
          ancestors.pop();
        }
      }
      if (isPlainObject(value)) {
        // Sent as its JSON text: what JSON.stringify would drop or change is refused.
        const problem = jsonValueProblem(value);
        return problem === undefined ? undefined : `${where}${problem}`;
      }
      return `${where}${article(kindOf(value))} has no SQL meaning as an untyped value${hint}`;
    }
    default:
      return `${where}a ${typeof value} has no SQL meaning as an untyped value${hint}`;
  }
}

const hint =
  " (give the parameter a type, or pass a string, number, bigint, boolean, Date, Uint8Array, array or plain object)";

function kindOf(value: object): string {
  const maker: unknown = Reflect.get(value, "constructor");
  return typeof maker === "function" && maker.name !== "" ? maker.name : "object";
}

function article(noun: string): string {
  return /^[AEIOUaeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
