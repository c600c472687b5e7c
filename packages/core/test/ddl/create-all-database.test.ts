import {
  BigInteger,
  CheckConstraint,
  column,
  ForeignKey,
  func,
  Index,
  Integer,
  MetaData,
  run,
  String,
  Table,
  Text,
  UniqueConstraint,
} from "@athanor/core";
import { forEachDatabase } from "@athanor/testing";
import { describe, expect, test } from "vitest";
import { Enum } from "../../src/types/enum-type.ts";
import { DatabaseConnection } from "./database-connection.ts";

/** A shop: every kind of DDL createAll emits. Table names are prefixed per test (one database per file). */
function shopMetadata(prefix: string, schema?: string) {
  const metadata = new MetaData(schema === undefined ? {} : { schema });
  const mood = Enum(["happy", "it's complicated"] as const, {
    name: `${prefix}_mood`,
    ...(schema === undefined ? {} : { schema }),
  });
  const customers = new Table(
    `${prefix}_customers`,
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      name: column(String(50), { nullable: false, unique: true, comment: "as printed" }),
      email: column(Text, { index: true }),
      mood: column(mood),
      size: column(Enum(["s", "m", "xl"] as const, { native: false, name: `${prefix}_size_check` })),
      joined: column(Text, { serverDefault: func.call("now", []), nullable: false }),
    },
    { comment: "who buys" },
  );
  const orders = new Table(
    `${prefix}_orders`,
    metadata,
    {
      id: column(BigInteger, { primaryKey: true, autoincrement: "identity" }),
      customerId: column(Integer, ForeignKey(customers.c.id, { onDelete: "cascade", onUpdate: "restrict" }), {
        name: "customer_id",
        nullable: false,
      }),
      number: column(Integer, { nullable: false }),
      total: column(Integer, { serverDefault: "0" }),
      state: column(Text, { serverDefault: "'open'" }),
    },
    UniqueConstraint("customerId", "number", { name: `${prefix}_orders_number` }),
    CheckConstraint("total >= 0", { name: `${prefix}_orders_total` }),
  );
  Index(`${prefix}_ix_open_orders`, orders.c.customerId, orders.c.number, {
    unique: true,
    where: orders.c.state.eq("open"),
  });
  return { metadata, customers, orders };
}

forEachDatabase((db) => {
  async function relationExists(name: string): Promise<boolean> {
    const [row] = await db.query<{ found: string | null }>("select to_regclass($1)::text as found", [name]);
    return row?.found !== null && row?.found !== undefined;
  }

  async function typeExists(name: string, schema = "public"): Promise<boolean> {
    const rows = await db.query(
      "select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typname = $1 and n.nspname = $2",
      [name, schema],
    );
    return rows.length > 0;
  }

  describe("createAll", () => {
    test("creates types, tables, columns, constraints, indexes and comments as declared", async () => {
      const { metadata } = shopMetadata("full");
      const conn = new DatabaseConnection(db);
      await run(metadata.createAll(conn));

      const enumValues = await db.query<{ label: string }>(
        "select e.enumlabel as label from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = 'full_mood' order by e.enumsortorder",
      );
      expect(enumValues.map((row) => row.label)).toEqual(["happy", "it's complicated"]);

      const columns = await db.query<{
        table_name: string;
        column_name: string;
        data_type: string;
        udt_name: string;
        is_nullable: string;
        column_default: string | null;
        is_identity: string;
      }>(
        `select table_name, column_name, data_type, udt_name, is_nullable, column_default, is_identity
         from information_schema.columns where table_name in ('full_customers', 'full_orders')
         order by table_name, ordinal_position`,
      );
      expect(
        columns.map((c) => [
          c.table_name,
          c.column_name,
          c.udt_name,
          c.is_nullable,
          c.column_default,
          c.is_identity,
        ]),
      ).toEqual([
        ["full_customers", "id", "int4", "NO", "nextval('full_customers_id_seq'::regclass)", "NO"],
        ["full_customers", "name", "varchar", "NO", null, "NO"],
        ["full_customers", "email", "text", "YES", null, "NO"],
        ["full_customers", "mood", "full_mood", "YES", null, "NO"],
        ["full_customers", "size", "varchar", "YES", null, "NO"],
        ["full_customers", "joined", "text", "NO", "now()", "NO"],
        ["full_orders", "id", "int8", "NO", null, "YES"],
        ["full_orders", "customer_id", "int4", "NO", null, "NO"],
        ["full_orders", "number", "int4", "NO", null, "NO"],
        ["full_orders", "total", "int4", "YES", "0", "NO"],
        ["full_orders", "state", "text", "YES", "'open'::text", "NO"],
      ]);

      const constraints = await db.query<{ table: string; name: string; type: string; definition: string }>(
        `select c.conrelid::regclass::text as table, c.conname as name, c.contype as type,
                pg_get_constraintdef(c.oid) as definition
         from pg_constraint c where c.conrelid in ('full_customers'::regclass, 'full_orders'::regclass)
           and c.contype <> 'n' -- PostgreSQL 18 (PGlite) lists NOT NULL here too; columns show it above
         order by 1, 2`,
      );
      expect(constraints.map((c) => [c.table, c.name, c.type, c.definition])).toEqual([
        ["full_customers", "full_customers_name_key", "u", "UNIQUE (name)"],
        ["full_customers", "full_customers_pkey", "p", "PRIMARY KEY (id)"],
        [
          "full_customers",
          "full_size_check",
          "c",
          "CHECK (((size)::text = ANY ((ARRAY['s'::character varying, 'm'::character varying, 'xl'::character varying])::text[])))",
        ],
        [
          "full_orders",
          "full_orders_customer_id_fkey",
          "f",
          "FOREIGN KEY (customer_id) REFERENCES full_customers(id) ON UPDATE RESTRICT ON DELETE CASCADE",
        ],
        ["full_orders", "full_orders_number", "u", "UNIQUE (customer_id, number)"],
        ["full_orders", "full_orders_pkey", "p", "PRIMARY KEY (id)"],
        ["full_orders", "full_orders_total", "c", "CHECK ((total >= 0))"],
      ]);

      const indexes = await db.query<{ name: string; definition: string }>(
        `select indexname as name, indexdef as definition from pg_indexes
         where tablename in ('full_customers', 'full_orders') and indexname like 'full_ix%' or indexname = 'ix_full_customers_email'
         order by 1`,
      );
      expect(indexes).toEqual([
        {
          name: "full_ix_open_orders",
          definition:
            "CREATE UNIQUE INDEX full_ix_open_orders ON public.full_orders USING btree (customer_id, number) WHERE (state = 'open'::text)",
        },
        {
          name: "ix_full_customers_email",
          definition: "CREATE INDEX ix_full_customers_email ON public.full_customers USING btree (email)",
        },
      ]);

      const [comments] = await db.query<{ table: string | null; column: string | null }>(
        `select obj_description('full_customers'::regclass, 'pg_class') as table,
                col_description('full_customers'::regclass, 2) as column`,
      );
      expect(comments).toEqual({ table: "who buys", column: "as printed" });
    });

    test("with checkfirst a second createAll only asks; without it the database refuses", async () => {
      const { metadata } = shopMetadata("twice");
      const first = new DatabaseConnection(db);
      await run(metadata.createAll(first));
      const second = new DatabaseConnection(db);
      await run(metadata.createAll(second));
      expect(second.sent.length).toBe(3);
      expect(second.sent.every((sql) => sql.startsWith("select"))).toBe(true);

      const third = new DatabaseConnection(db);
      await expect(run(metadata.createAll(third, { checkfirst: false }))).rejects.toThrow(
        /type "twice_mood" already exists/,
      );
      expect(third.sent).toEqual([`create type "twice_mood" as enum ('happy', 'it''s complicated')`]);
    });

    test("dropAll removes the tables and the types; with checkfirst a second dropAll only asks", async () => {
      const { metadata } = shopMetadata("gone");
      await run(metadata.createAll(new DatabaseConnection(db)));
      expect(await relationExists("gone_orders")).toBe(true);
      await run(metadata.dropAll(new DatabaseConnection(db)));
      expect(await relationExists("gone_orders")).toBe(false);
      expect(await relationExists("gone_customers")).toBe(false);
      expect(await relationExists("gone_customers_id_seq")).toBe(false);
      expect(await typeExists("gone_mood")).toBe(false);

      const again = new DatabaseConnection(db);
      await run(metadata.dropAll(again));
      expect(again.sent.every((sql) => sql.startsWith("select"))).toBe(true);
      await expect(run(metadata.dropAll(new DatabaseConnection(db), { checkfirst: false }))).rejects.toThrow(
        /table "gone_orders" does not exist/,
      );
    });
  });

  test("a two-table foreign key cycle is created with ALTER TABLE and dropped cleanly", async () => {
    const metadata = new MetaData();
    new Table("cycle_a", metadata, {
      id: column(Integer, { primaryKey: true }),
      bId: column(Integer, ForeignKey("cycle_b.id"), { name: "b_id" }),
    });
    new Table("cycle_b", metadata, {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, ForeignKey("cycle_a.id", { onDelete: "set null" }), { name: "a_id" }),
    });
    await run(metadata.createAll(new DatabaseConnection(db)));
    const foreignKeys = await db.query<{ name: string; definition: string }>(
      `select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
       where contype = 'f' and conrelid in ('cycle_a'::regclass, 'cycle_b'::regclass) order by 1`,
    );
    expect(foreignKeys).toEqual([
      { name: "cycle_a_b_id_fkey", definition: "FOREIGN KEY (b_id) REFERENCES cycle_b(id)" },
      {
        name: "cycle_b_a_id_fkey",
        definition: "FOREIGN KEY (a_id) REFERENCES cycle_a(id) ON DELETE SET NULL",
      },
    ]);
    await db.query("insert into cycle_a (id) values (1)");
    await db.query("insert into cycle_b (id, a_id) values (1, 1)");
    await db.query("update cycle_a set b_id = 1");

    const conn = new DatabaseConnection(db);
    await run(metadata.dropAll(conn));
    expect(conn.sent.filter((sql) => !sql.startsWith("select"))).toEqual([
      'alter table "cycle_a" drop constraint "cycle_a_b_id_fkey"',
      'alter table "cycle_b" drop constraint "cycle_b_a_id_fkey"',
      'drop table "cycle_b"',
      'drop table "cycle_a"',
    ]);
    expect(await relationExists("cycle_a")).toBe(false);
    expect(await relationExists("cycle_b")).toBe(false);
  });

  test("a self-referencing table keeps its foreign key inline and works", async () => {
    const metadata = new MetaData();
    const nodes = new Table("tree_nodes", metadata, {
      id: column(Integer, { primaryKey: true }),
      parentId: column(Integer, ForeignKey("tree_nodes.id", { onDelete: "cascade" }), { name: "parent_id" }),
    });
    const conn = new DatabaseConnection(db);
    await run(metadata.createAll(conn));
    expect(conn.sent.filter((sql) => !sql.startsWith("select"))).toEqual([
      'create table "tree_nodes" ("id" SERIAL, "parent_id" INTEGER, primary key ("id"), ' +
        'foreign key ("parent_id") references "tree_nodes" ("id") on delete cascade)',
    ]);
    await db.query("insert into tree_nodes (id, parent_id) values (1, null), (2, 1), (3, 2)");
    await db.query("delete from tree_nodes where id = 1");
    expect(await db.query("select * from tree_nodes")).toEqual([]);
    await expect(db.query("insert into tree_nodes (id, parent_id) values (4, 99)")).rejects.toThrow(
      /violates foreign key constraint "tree_nodes_parent_id_fkey"/,
    );
    await run(metadata.dropAll(new DatabaseConnection(db)));
    expect(await relationExists(nodes.name)).toBe(false);
  });

  test("a diamond defined bottom-up is created referenced-first", async () => {
    const metadata = new MetaData();
    new Table("diamond_d", metadata, {
      bId: column(Integer, ForeignKey("diamond_b.id"), { name: "b_id" }),
      cId: column(Integer, ForeignKey("diamond_c.id"), { name: "c_id" }),
    });
    new Table("diamond_c", metadata, {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, ForeignKey("diamond_a.id"), { name: "a_id" }),
    });
    new Table("diamond_b", metadata, {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, ForeignKey("diamond_a.id"), { name: "a_id" }),
    });
    new Table("diamond_a", metadata, { id: column(Integer, { primaryKey: true }) });
    expect(metadata.sortedTables.map((table) => table.name)).toEqual([
      "diamond_a",
      "diamond_c",
      "diamond_b",
      "diamond_d",
    ]);
    await run(metadata.createAll(new DatabaseConnection(db), { checkfirst: false }));
    expect(await relationExists("diamond_d")).toBe(true);
    await run(metadata.dropAll(new DatabaseConnection(db), { checkfirst: false }));
    expect(await relationExists("diamond_a")).toBe(false);
  });

  test("schema-qualified tables and types: created, found by checkfirst, dropped", async () => {
    await db.query("create schema ddl_shop");
    // The same names in the default schema must not fool checkfirst.
    await db.query("create table scoped_customers (id integer)");
    const { metadata } = shopMetadata("scoped", "ddl_shop");
    const conn = new DatabaseConnection(db);
    await run(metadata.createAll(conn));
    expect(conn.sent.filter((sql) => !sql.startsWith("select")).slice(0, 2)).toEqual([
      `create type "ddl_shop"."scoped_mood" as enum ('happy', 'it''s complicated')`,
      'create table "ddl_shop"."scoped_customers" ("id" SERIAL, "name" VARCHAR(50) not null, "email" TEXT, ' +
        '"mood" "ddl_shop"."scoped_mood", "size" VARCHAR(2), "joined" TEXT default now() not null, primary key ("id"), ' +
        `unique ("name"), constraint "scoped_size_check" check ("size" in ('s', 'm', 'xl')))`,
    ]);
    expect(await relationExists("ddl_shop.scoped_orders")).toBe(true);
    expect(await relationExists("ddl_shop.ix_scoped_customers_email")).toBe(true);
    expect(await typeExists("scoped_mood", "ddl_shop")).toBe(true);

    const again = new DatabaseConnection(db);
    await run(metadata.createAll(again));
    expect(again.sent.every((sql) => sql.startsWith("select"))).toBe(true);

    await run(metadata.dropAll(new DatabaseConnection(db)));
    expect(await relationExists("ddl_shop.scoped_customers")).toBe(false);
    expect(await typeExists("scoped_mood", "ddl_shop")).toBe(false);
    expect(await relationExists("public.scoped_customers")).toBe(true);
  });
});
