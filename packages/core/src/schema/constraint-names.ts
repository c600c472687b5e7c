import { shortenedName } from "../sql/identifier.ts";
import { PrimaryKeyConstraint, UniqueConstraint } from "./constraints.ts";
import type { ForeignKeyConstraint } from "./foreign-key.ts";
import type { Table } from "./table.ts";

/** A constraint Athanor can name the way PostgreSQL would when it is given no name. */
export type NameableConstraint = PrimaryKeyConstraint | UniqueConstraint | ForeignKeyConstraint;

/**
 * The constraint's own name, else PostgreSQL's default: `<table>_pkey`, `<table>_<columns>_key`,
 * `<table>_<columns>_fkey`. DDL that must find a constraint again (ALTER TABLE ... DROP CONSTRAINT
 * for a foreign key added after its table) writes this name out, so it never depends on what the
 * server chose. A default longer than PostgreSQL's limit is shortened (its start and a hash of all of
 * it), and CREATE TABLE writes that name out too (see ddlConstraintName): the server's own
 * truncation would differ, and two truncated names could collide.
 */
export function constraintName(constraint: NameableConstraint, table: Table): string {
  return constraint.name ?? shortenedName(defaultName(constraint, table));
}

/**
 * The name CREATE TABLE gives a constraint: its own, or the shortened default when PostgreSQL's
 * would not fit; undefined when the server's default is the name (constraintName finds it again).
 */
export function ddlConstraintName(constraint: NameableConstraint, table: Table): string | undefined {
  if (constraint.name !== undefined) return constraint.name;
  const name = defaultName(constraint, table);
  const shortened = shortenedName(name);
  return shortened === name ? undefined : shortened;
}

function defaultName(constraint: NameableConstraint, table: Table): string {
  if (constraint instanceof PrimaryKeyConstraint) return `${table.name}_pkey`;
  const columns = constraint.columns.map((column) => column.name).join("_");
  return `${table.name}_${columns}_${constraint instanceof UniqueConstraint ? "key" : "fkey"}`;
}
