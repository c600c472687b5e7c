import type { ColumnElement } from "../sql/column-element.ts";
import { func } from "../sql/functions.ts";
import { type Select, select } from "../sql/select.ts";
import { Boolean as booleanType } from "../types/boolean-type.ts";
import { Integer } from "../types/integer-types.ts";
import { String as stringType } from "../types/string-types.ts";
import { column } from "./column.ts";
import type { NativeEnum } from "./enum-ddl.ts";
import { MetaData } from "./metadata.ts";
import { Table } from "./table.ts";

/**
 * The few PostgreSQL catalog tables createAll / dropAll consult (checkfirst), as Tables, so the
 * questions are ordinary SELECTs with bound parameters: no name is ever spliced into SQL text.
 * `oid` columns are declared Integer: nothing is ever bound to them.
 */
function defineCatalog() {
  const metadata = new MetaData({ schema: "pg_catalog" });
  return {
    namespace: new Table("pg_namespace", metadata, {
      oid: column(Integer),
      nspname: column(stringType),
    }),
    class: new Table("pg_class", metadata, {
      oid: column(Integer),
      relname: column(stringType),
      relnamespace: column(Integer),
      relkind: column(stringType),
    }),
    type: new Table("pg_type", metadata, {
      oid: column(Integer),
      typname: column(stringType),
      typnamespace: column(Integer),
      typtype: column(stringType),
    }),
    constraint: new Table("pg_constraint", metadata, {
      conname: column(stringType),
      conrelid: column(Integer),
    }),
  };
}

type Catalog = ReturnType<typeof defineCatalog>;
// Built on first use: this module and metadata.ts import each other (MetaData.createAll runs here).
let catalog: Catalog | undefined;

function tables(): Catalog {
  catalog ??= defineCatalog();
  return catalog;
}

/** Relations a table name may clash with or be: tables, partitioned and foreign tables, views. */
const tableKinds = ["r", "p", "f", "v", "m"];

/**
 * Where a name is looked for: in the schema given, else where an unqualified name resolves
 * (the search path: `pg_table_is_visible`, `pg_type_is_visible`).
 */
function inSchema(
  schema: string | undefined,
  visibility: string,
  oid: ColumnElement<unknown>,
): ColumnElement<boolean | null> {
  const { namespace } = tables();
  return schema === undefined
    ? func.call(`pg_catalog.${visibility}`, [oid], booleanType)
    : namespace.c.nspname.eq(schema);
}

/** A row when the table (or a view) exists: SELECT relname FROM pg_class JOIN pg_namespace ... */
export function tableExistsQuery(name: string, schema: string | undefined): Select {
  const { class: pgClass, namespace } = tables();
  return select(pgClass.c.relname)
    .join(namespace, namespace.c.oid.eq(pgClass.c.relnamespace))
    .where(
      pgClass.c.relname.eq(name),
      pgClass.c.relkind.in(tableKinds),
      inSchema(schema, "pg_table_is_visible", pgClass.c.oid),
    );
}

/** A row when the enum type exists. */
export function enumExistsQuery(type: NativeEnum): Select {
  const { type: pgType, namespace } = tables();
  return select(pgType.c.typname)
    .join(namespace, namespace.c.oid.eq(pgType.c.typnamespace))
    .where(
      pgType.c.typname.eq(type.name),
      pgType.c.typtype.eq("e"),
      inSchema(type.schema, "pg_type_is_visible", pgType.c.oid),
    );
}

/** A row when the table has a constraint of this name. */
export function constraintExistsQuery(name: string, tableName: string, schema: string | undefined): Select {
  const { constraint, class: pgClass, namespace } = tables();
  return select(constraint.c.conname)
    .join(pgClass, pgClass.c.oid.eq(constraint.c.conrelid))
    .join(namespace, namespace.c.oid.eq(pgClass.c.relnamespace))
    .where(
      constraint.c.conname.eq(name),
      pgClass.c.relname.eq(tableName),
      inSchema(schema, "pg_table_is_visible", pgClass.c.oid),
    );
}
