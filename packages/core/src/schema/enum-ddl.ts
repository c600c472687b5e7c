import { ArgumentError } from "../errors.ts";
import type { SqlType } from "../types/sql-type.ts";
import type { Table } from "./table.ts";

/**
 * What DDL needs of an enum column type. types/enum-type.ts's EnumType has exactly this; DDL reads
 * it by shape because that class is exported as a type only, and so that any type offering the same
 * (a user's own enum type) gets the same DDL.
 */
export interface EnumTypeLike {
  /** true: a PostgreSQL enum type (CREATE TYPE); false: VARCHAR with a CHECK constraint. */
  readonly native: boolean;
  /** The native type's name; for a non-native enum, its CHECK constraint's name (may be undefined). */
  readonly typeName: string | undefined;
  /** The native type's schema. */
  readonly typeSchema: string | undefined;
  readonly values: readonly string[];
}

/** A native enum type as CREATE TYPE / DROP TYPE name it. */
export interface NativeEnum {
  readonly name: string;
  readonly schema: string | undefined;
  readonly values: readonly string[];
}

/** The enum a column type is, when it is one (see EnumTypeLike). */
export function enumTypeOf(type: SqlType<unknown>): EnumTypeLike | undefined {
  if (!("native" in type && "typeName" in type && "typeSchema" in type && "values" in type)) return undefined;
  const { native, typeName, typeSchema, values } = type;
  if (typeof native !== "boolean" || !isOptionalString(typeName) || !isOptionalString(typeSchema)) {
    return undefined;
  }
  if (!isStringArray(values)) return undefined;
  return { native, typeName, typeSchema, values };
}

/** The native enum behind `type`; an ArgumentError when it is not a named native enum. */
export function nativeEnum(type: EnumTypeLike): NativeEnum {
  if (!type.native) {
    throw new ArgumentError(
      "a non-native enum (native: false) is a VARCHAR with a CHECK constraint: it has no type to create or drop",
    );
  }
  if (type.typeName === undefined || type.typeName === "") {
    throw new ArgumentError("a native enum type needs a name to be created or dropped");
  }
  return { name: type.typeName, schema: type.typeSchema, values: type.values };
}

/** `schema.name` or `name`: one native enum type per key in a database. */
export function enumKey(type: NativeEnum): string {
  return type.schema === undefined ? type.name : `${type.schema}.${type.name}`;
}

/**
 * The native enum types the tables' columns use, each once (by schema and name), in order of first
 * use. Two columns that name the same type with different values would make CREATE TYPE depend on
 * table order, so that is an error naming both columns.
 */
export function nativeEnumsOf(tables: readonly Table[]): EnumTypeLike[] {
  const found = new Map<string, { type: EnumTypeLike; values: readonly string[]; column: string }>();
  for (const table of tables) {
    for (const column of Object.values(table.columns)) {
      const type = enumTypeOf(column.type);
      if (type === undefined || !type.native) continue;
      const key = enumKey(nativeEnum(type));
      const path = `${table.fullname}.${column.name}`;
      const seen = found.get(key);
      if (seen === undefined) found.set(key, { type, values: type.values, column: path });
      else if (!sameValues(seen.values, type.values)) {
        throw new ArgumentError(
          `enum type "${key}" is declared with different values by ${seen.column} (${seen.values.join(", ")}) ` +
            `and ${path} (${type.values.join(", ")})`,
        );
      }
    }
  }
  return [...found.values()].map((entry) => entry.type);
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === "string";
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
