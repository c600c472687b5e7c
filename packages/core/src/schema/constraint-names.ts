import { ArgumentError } from "../errors.ts";
import { PrimaryKeyConstraint, UniqueConstraint } from "./constraints.ts";
import type { ForeignKeyConstraint } from "./foreign-key.ts";
import type { Table } from "./table.ts";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated. */
export const maxIdentifierBytes = 63;

const utf8 = new TextEncoder();

/** A constraint Athanor can name the way PostgreSQL would when it is given no name. */
export type NameableConstraint = PrimaryKeyConstraint | UniqueConstraint | ForeignKeyConstraint;

/**
 * The constraint's own name, else PostgreSQL's default: `<table>_pkey`, `<table>_<columns>_key`,
 * `<table>_<columns>_fkey`. DDL that must find a constraint again (ALTER TABLE ... DROP CONSTRAINT
 * for a foreign key added after its table) writes this name out, so it never depends on what the
 * server chose. A default longer than PostgreSQL's limit would be truncated, and two truncated names
 * may collide, so that case asks for an explicit name instead.
 */
export function constraintName(constraint: NameableConstraint, table: Table): string {
  if (constraint.name !== undefined) return constraint.name;
  const kind = constraintKind(constraint);
  const columns = constraint.columns.map((column) => column.name);
  const name =
    kind === "primary key"
      ? `${table.name}_pkey`
      : `${table.name}_${columns.join("_")}_${kind === "unique" ? "key" : "fkey"}`;
  if (utf8.encode(name).length > maxIdentifierBytes) {
    throw new ArgumentError(
      `the ${kind} constraint of "${table.fullname}" on (${columns.map((c) => `"${c}"`).join(", ")}) has no name, ` +
        `and its default name "${name}" is longer than PostgreSQL's ${maxIdentifierBytes}-byte limit: ` +
        "give the constraint a name (options.name)",
    );
  }
  return name;
}

function constraintKind(constraint: NameableConstraint): "primary key" | "unique" | "foreign key" {
  if (constraint instanceof PrimaryKeyConstraint) return "primary key";
  if (constraint instanceof UniqueConstraint) return "unique";
  return "foreign key";
}
