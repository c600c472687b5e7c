import { z } from "zod";
import { SqlType } from "./sql-type.ts";

/** The type of an expression whose type is unknown (raw SQL, untyped functions): values pass as-is. */
class NullType extends SqlType<unknown> {
  readonly name = "NullType";
  readonly schema = z.unknown();

  override validate(): boolean {
    return true;
  }

  ddl(): string {
    throw new TypeError("NullType has no DDL: give the column or cast a concrete type");
  }
}

export const nullType: SqlType<unknown> = new NullType();
