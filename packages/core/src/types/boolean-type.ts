import { z } from "zod";
import { SqlType } from "./sql-type.ts";

class BooleanType extends SqlType<boolean> {
  readonly name = "Boolean";
  readonly schema = z.boolean();

  override validate(value: unknown): boolean {
    return typeof value === "boolean";
  }

  override fromDriver(value: unknown): boolean {
    return typeof value === "boolean" ? value : value === "t" || value === "true";
  }

  ddl(): string {
    return "BOOLEAN";
  }
}

const boolean = new BooleanType();
const booleanFactory = (): SqlType<boolean> => boolean;

export type { BooleanType };
export { booleanFactory as Boolean };
