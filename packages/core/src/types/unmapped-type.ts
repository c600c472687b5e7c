import { z } from "zod";
import { ArgumentError } from "../errors.ts";
import { SqlType } from "./sql-type.ts";

/**
 * A database type Athanor has no type class for (point, inet, char(n), a domain...), as reflection
 * finds it: values pass through as the driver gives them and as they are given, unchecked, and DDL
 * writes the type as the catalog spelled it (`format_type`), so a reflected table can be created again.
 */
class UnmappedType extends SqlType<unknown> {
  readonly name = "Unmapped";
  readonly schema = z.unknown();
  /** The type as PostgreSQL writes it: `point`, `character(5)`, `myschema.mydomain`. */
  readonly sqlText: string;

  constructor(sqlText: string) {
    super();
    if (sqlText.trim() === "" || sqlText.includes("\u0000")) {
      throw new ArgumentError(`Unmapped(sqlText): not a type: ${JSON.stringify(sqlText)}`);
    }
    this.sqlText = sqlText;
  }

  override validate(): boolean {
    return true;
  }

  ddl(): string {
    return this.sqlText;
  }
}

/** `Unmapped("point")`: a column type known only by its SQL spelling (see UnmappedType). */
export const Unmapped = (sqlText: string): UnmappedType => new UnmappedType(sqlText);
export type { UnmappedType };
