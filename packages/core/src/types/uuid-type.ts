import { z } from "zod";
import { SqlType } from "./sql-type.ts";

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * UUID as the canonical lowercase string `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. Any hex case is valid
 * (any version and variant, the nil UUID too); values are sent and read back lowercase. PostgreSQL's
 * other input spellings (braces, no hyphens) are refused, so a valid value is always canonical modulo case.
 */
class UuidType extends SqlType<string> {
  readonly name = "UUID";
  readonly schema = z.string({ error: "not a string (UUIDs are strings)" }).regex(uuidPattern, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a UUID (8-4-4-4-12 hex digits)`,
  });

  override validate(value: unknown): boolean {
    return typeof value === "string" && uuidPattern.test(value);
  }

  override toDriver(value: string): unknown {
    return value.toLowerCase();
  }

  override fromDriver(value: unknown): string {
    return String(value).toLowerCase();
  }

  ddl(): string {
    return "UUID";
  }
}

const uuid = new UuidType();
export const UUID = (): UuidType => uuid;
/** SQLAlchemy 2.0's name for the same type. */
export const Uuid = UUID;
export type { UuidType };
