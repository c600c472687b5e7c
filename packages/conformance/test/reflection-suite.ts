import {
  ARRAY,
  ArgumentError,
  BigInteger,
  CheckConstraint,
  type Connection,
  CreateTable,
  column,
  DateTime,
  type Engine,
  Enum,
  ForeignKey,
  ForeignKeyConstraint,
  func,
  Index,
  Integer,
  InvalidRequestError,
  insert,
  inspect,
  JSONB,
  MetaData,
  NoSuchTableError,
  Numeric,
  PrimaryKeyConstraint,
  reflectMetadata,
  reflectTable,
  run,
  SmallInteger,
  String,
  select,
  Table,
  Text,
  UniqueConstraint,
  UUID,
} from "@athanor/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { columnShapes, typeShape } from "./inspector-suite.ts";

/**
 * A shop declared with Athanor: every kind of thing reflection reads (serial and identity keys,
 * composite primary and foreign keys out of column order, actions, unique and CHECK constraints,
 * plain, unique, expression and partial indexes, server defaults, comments, a native enum, arrays).
 */
function shopMetadata(prefix: string, schema?: string) {
  const metadata = new MetaData(schema === undefined ? {} : { schema });
  const status = Enum(["new", "paid", "shipped"] as const, {
    name: `${prefix}_status`,
    ...(schema === undefined ? {} : { schema }),
  });
  const customers = new Table(
    `${prefix}_customers`,
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      email: column(String(120), { nullable: false, unique: true }),
      name: column(Text, { comment: "as printed" }),
      joined: column(DateTime({ timezone: true }), { nullable: false, serverDefault: "now()" }),
      profile: column(JSONB),
      tags: column(ARRAY(Text)),
    },
    { comment: "who buys" },
  );
  // An Index of expressions only joins no table by itself.
  customers.addIndex(
    Index(`${prefix}_customers_email_lower`, func.lower(customers.c.email), { unique: true }),
  );
  const products = new Table(
    `${prefix}_products`,
    metadata,
    {
      sku: column(String(20)),
      variant: column(SmallInteger),
      price: column(Numeric(10, 2), { nullable: false, serverDefault: "0" }),
      token: column(UUID),
    },
    PrimaryKeyConstraint("variant", "sku", { name: `${prefix}_products_pk` }),
  );
  const orders = new Table(`${prefix}_orders`, metadata, {
    id: column(BigInteger, { primaryKey: true, autoincrement: "identity" }),
    customerId: column(Integer, ForeignKey(customers.c.id, { onDelete: "cascade" }), {
      name: "customer_id",
      nullable: false,
    }),
    status: column(status, { nullable: false, serverDefault: "'new'" }),
    placed: column(DateTime, { index: true }),
  });
  Index(`${prefix}_orders_unpaid`, orders.c.customerId, { where: orders.c.status.eq("new") });
  const lines = new Table(
    `${prefix}_lines`,
    metadata,
    {
      orderId: column(BigInteger, ForeignKey(orders.c.id, { onDelete: "cascade" }), { name: "order_id" }),
      lineNo: column(SmallInteger, { name: "line_no" }),
      sku: column(String(20), { nullable: false }),
      variant: column(SmallInteger, { nullable: false }),
      quantity: column(Integer, { nullable: false, serverDefault: "1" }),
    },
    PrimaryKeyConstraint("orderId", "lineNo"),
    new ForeignKeyConstraint(["variant", "sku"], [products.c.variant, products.c.sku], {
      name: `${prefix}_lines_product`,
      onUpdate: "cascade",
      onDelete: "restrict",
    }),
    UniqueConstraint("orderId", "sku", "variant", { name: `${prefix}_lines_once` }),
    CheckConstraint("quantity > 0", { name: `${prefix}_lines_quantity` }),
  );
  Index(`${prefix}_lines_product_ix`, lines.c.sku, lines.c.variant);
  return { metadata, customers, products, orders, lines };
}

const graph = `
  CREATE SCHEMA refl_graph;
  CREATE TABLE refl_graph.nodes (id integer PRIMARY KEY, parent_id integer REFERENCES refl_graph.nodes (id), best_edge integer);
  CREATE TABLE refl_graph.edges (
    id integer PRIMARY KEY,
    source integer NOT NULL REFERENCES refl_graph.nodes (id),
    target integer NOT NULL REFERENCES refl_graph.nodes (id)
  );
  ALTER TABLE refl_graph.nodes ADD CONSTRAINT nodes_best_edge FOREIGN KEY (best_edge) REFERENCES refl_graph.edges (id);
  CREATE TABLE refl_graph.labels (node_id integer REFERENCES refl_graph.nodes (id), customer_id integer REFERENCES public.refl_customers (id));
  CREATE VIEW refl_graph.node_ids AS SELECT id FROM refl_graph.nodes;
`;

/** Everything the Inspector says about some tables, to compare two databases' catalogs. */
function catalogSnapshot(conn: Connection, names: readonly string[], schema: string | undefined) {
  const insp = inspect(conn);
  return (function* snapshot() {
    const tables: Record<string, unknown> = {};
    for (const name of names) {
      tables[name] = {
        columns: columnShapes(yield* insp.getColumns(name, schema)),
        primaryKey: yield* insp.getPkConstraint(name, schema),
        foreignKeys: yield* insp.getForeignKeys(name, schema),
        unique: yield* insp.getUniqueConstraints(name, schema),
        checks: yield* insp.getCheckConstraints(name, schema),
        indexes: yield* insp.getIndexes(name, schema),
        comment: yield* insp.getTableComment(name, schema),
      };
    }
    return tables;
  })();
}

/**
 * Table reflection on a database of the suite's own (it creates refl_* tables in public, the
 * schemas refl_graph and refl_trip, and trip_* tables). `makeEngine` is called once, in beforeAll.
 */
export function defineReflectionTests(makeEngine: () => Engine): void {
  let engine: Engine;

  beforeAll(async () => {
    engine = makeEngine();
    await run(
      engine.begin(function* (conn) {
        yield* shopMetadata("refl").metadata.createAll(conn);
        for (const statement of graph.split(";").filter((sql) => sql.trim() !== "")) {
          yield* conn.execDriverSql(statement);
        }
      }),
    );
  });

  afterAll(async () => {
    await run(engine.dispose());
  });

  describe("reflectTable", () => {
    test("reads columns, keys, constraints, indexes and comments, and the tables referred to first", async () => {
      const metadata = new MetaData();
      const lines = await run(reflectTable(engine, "refl_lines", metadata));
      // Referred tables were reflected before the table that refers to them.
      expect([...metadata.tables.keys()]).toEqual([
        "refl_customers",
        "refl_orders",
        "refl_products",
        "refl_lines",
      ]);
      const orders = metadata.table("refl_orders")!;
      const customers = metadata.table("refl_customers")!;
      const products = metadata.table("refl_products")!;

      expect(lines.name).toBe("refl_lines");
      expect(lines.schema).toBeUndefined();
      expect(
        Object.values(lines.columns).map((c) => [
          c.key,
          c.name,
          typeShape(c.type).ddl,
          c.nullable,
          c.autoincrement,
          c.serverDefault,
        ]),
      ).toEqual([
        ["order_id", "order_id", "BIGINT", false, false, undefined],
        ["line_no", "line_no", "SMALLINT", false, false, undefined],
        ["sku", "sku", "VARCHAR(20)", false, false, undefined],
        ["variant", "variant", "SMALLINT", false, false, undefined],
        ["quantity", "quantity", "INTEGER", false, false, "1"],
      ]);
      expect(lines.primaryKey?.name).toBe("refl_lines_pkey");
      expect(lines.primaryKeyColumns.map((c) => c.name)).toEqual(["order_id", "line_no"]);
      expect(
        lines.foreignKeys.map((fk) => ({
          name: fk.name,
          columns: fk.columns.map((c) => c.name),
          table: fk.referencedTable,
          referred: fk.referencedColumns.map((c) => c.name),
          options: fk.options,
        })),
      ).toEqual([
        {
          name: "refl_lines_order_id_fkey",
          columns: ["order_id"],
          table: orders,
          referred: ["id"],
          options: { name: "refl_lines_order_id_fkey", onDelete: "cascade" },
        },
        {
          name: "refl_lines_product",
          columns: ["variant", "sku"],
          table: products,
          referred: ["variant", "sku"],
          options: { name: "refl_lines_product", onDelete: "restrict", onUpdate: "cascade" },
        },
      ]);
      expect(
        lines.constraints.map((c) => ({ name: c.name, what: "condition" in c ? c.condition : c.columnKeys })),
      ).toEqual([
        { name: "refl_lines_once", what: ["order_id", "sku", "variant"] },
        { name: "refl_lines_quantity", what: "quantity > 0" },
      ]);
      expect(lines.indexes.map((index) => [index.name, index.expressions, index.options])).toEqual([
        ["refl_lines_product_ix", ["sku", "variant"], { unique: false }],
      ]);

      // The serial key is autoincrement (no nextval() default: SERIAL makes it); identity stays identity.
      expect(customers.column("id").autoincrement).toBe(true);
      expect(customers.column("id").serverDefault).toBeUndefined();
      expect(orders.column("id").autoincrement).toBe("identity");
      expect(customers.comment).toBe("who buys");
      expect(customers.column("name").comment).toBe("as printed");
      expect(typeShape(orders.column("status").type)).toEqual({
        type: "Enum",
        ddl: '"refl_status"',
        values: ["new", "paid", "shipped"],
      });
      expect(products.primaryKey?.name).toBe("refl_products_pk");
      expect(products.primaryKeyColumns.map((c) => c.name)).toEqual(["variant", "sku"]);
    });

    test("CreateTable of reflected tables compiles to DDL equivalent to the original's", async () => {
      const metadata = new MetaData();
      await run(reflectTable(engine, "refl_lines", metadata));
      const ddl = [...metadata.tables.values()].map((table) => new CreateTable(table).toString());
      expect(ddl).toEqual([
        'create table "refl_customers" ("id" SERIAL, "email" VARCHAR(120) not null, "name" TEXT, ' +
          '"joined" TIMESTAMP WITH TIME ZONE default now() not null, "profile" JSONB, "tags" TEXT[], ' +
          'constraint "refl_customers_pkey" primary key ("id"), ' +
          'constraint "refl_customers_email_key" unique ("email"))',
        'create table "refl_orders" ("id" BIGINT generated by default as identity, "customer_id" INTEGER not null, ' +
          '"status" "refl_status" default \'new\'::refl_status not null, "placed" TIMESTAMP WITHOUT TIME ZONE, ' +
          'constraint "refl_orders_pkey" primary key ("id"), ' +
          'constraint "refl_orders_customer_id_fkey" foreign key ("customer_id") references "refl_customers" ("id") on delete cascade)',
        // Primary key columns are NOT NULL by being in the key, as in the original's DDL.
        'create table "refl_products" ("sku" VARCHAR(20), "variant" SMALLINT, ' +
          '"price" NUMERIC(10, 2) default 0 not null, "token" UUID, ' +
          'constraint "refl_products_pk" primary key ("variant", "sku"))',
        'create table "refl_lines" ("order_id" BIGINT, "line_no" SMALLINT, "sku" VARCHAR(20) not null, ' +
          '"variant" SMALLINT not null, "quantity" INTEGER default 1 not null, ' +
          'constraint "refl_lines_pkey" primary key ("order_id", "line_no"), ' +
          'constraint "refl_lines_order_id_fkey" foreign key ("order_id") references "refl_orders" ("id") on delete cascade, ' +
          'constraint "refl_lines_product" foreign key ("variant", "sku") references "refl_products" ("variant", "sku") on delete restrict on update cascade, ' +
          'constraint "refl_lines_once" unique ("order_id", "sku", "variant"), ' +
          'constraint "refl_lines_quantity" check (quantity > 0))',
      ]);
    });

    test("select() and insert() work through reflected tables, with the reflected types", async () => {
      const metadata = new MetaData();
      const rows = await run(
        engine.begin(function* (conn) {
          const lines = yield* reflectTable(conn, "refl_lines", metadata);
          const orders = metadata.table("refl_orders")!;
          const customers = metadata.table("refl_customers")!;
          const products = metadata.table("refl_products")!;
          const customer = yield* conn.execute(
            insert(customers).values({
              email: "ann@example.com",
              name: "Ann",
              profile: { vip: true },
              tags: ["a", "b"],
            }),
          );
          const [customerId] = customer.insertedPrimaryKey;
          yield* conn.execute(
            insert(products).values({
              sku: "tea",
              variant: 1,
              token: "0C0FFEE0-0000-4000-8000-000000000001",
            }),
          );
          const order = yield* conn.execute(insert(orders).values({ customer_id: customerId }));
          const [orderId] = order.insertedPrimaryKey;
          yield* conn.execute(
            insert(lines).values({ order_id: orderId, line_no: 1, sku: "tea", variant: 1 }),
          );
          const result = yield* conn.execute(
            select(
              customers.column("email"),
              customers.column("profile"),
              customers.column("tags"),
              orders.column("status"),
              lines.column("quantity"),
              products.column("price"),
              products.column("token"),
            )
              .selectFrom(lines.join(orders).join(customers).join(products))
              .where(customers.column("email").eq("ann@example.com")),
          );
          return { keys: [customerId, orderId], rows: result.all().map((row) => [...row]) };
        }),
      );
      // The serial and identity keys came back as the reflected Integer and BigInteger read them.
      expect(rows).toEqual({
        keys: [1, 1n],
        rows: [
          [
            "ann@example.com",
            { vip: true },
            ["a", "b"],
            "new",
            1,
            "0.00",
            "0c0ffee0-0000-4000-8000-000000000001",
          ],
        ],
      });
    });

    test("a table the MetaData holds already is used as it is, and refers to by column name", async () => {
      const metadata = new MetaData();
      const declared = new Table("refl_customers", metadata, {
        customerId: column(Integer, { name: "id", primaryKey: true }),
      });
      const orders = await run(reflectTable(engine, "refl_orders", metadata));
      expect(orders.foreignKeys[0]?.referencedTable).toBe(declared);
      expect(orders.foreignKeys[0]?.referencedColumns).toEqual([declared.c.customerId]);
      expect(await run(reflectTable(engine, "refl_customers", metadata))).toBe(declared);
    });

    test("a missing table raises NoSuchTableError and leaves the MetaData alone", async () => {
      const metadata = new MetaData();
      const error = await run(reflectTable(engine, "refl_missing", metadata)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(NoSuchTableError);
      expect(error).toMatchObject({ tableName: "refl_missing", schema: undefined });
      expect(metadata.tables.size).toBe(0);
    });

    test("on an Engine it checks out one connection and returns it", async () => {
      const metadata = new MetaData();
      const table = await run(reflectTable(engine, "refl_products", metadata));
      expect(table.primaryKeyColumns.map((c) => c.name)).toEqual(["variant", "sku"]);
      expect(engine.pool.checkedout()).toBe(0);
    });
  });

  describe("schemas and cycles", () => {
    test("a cycle of foreign keys, and a table referring to itself, resolve once every table exists", async () => {
      const metadata = new MetaData();
      const nodes = await run(reflectTable(engine, "nodes", metadata, { schema: "refl_graph" }));
      expect([...metadata.tables.keys()]).toEqual(["refl_graph.edges", "refl_graph.nodes"]);
      const edges = metadata.table("edges", "refl_graph")!;
      expect(
        nodes.foreignKeys.map((fk) => [fk.name, fk.referencedTable, fk.referencedColumns[0]?.name]),
      ).toEqual([
        ["nodes_best_edge", edges, "id"],
        ["nodes_parent_id_fkey", nodes, "id"],
      ]);
      expect(edges.foreignKeys.map((fk) => [fk.name, fk.referencedTable])).toEqual([
        ["edges_source_fkey", nodes],
        ["edges_target_fkey", nodes],
      ]);
    });

    test("a referred table on the search path is reflected without a schema", async () => {
      const metadata = new MetaData();
      const labels = await run(reflectTable(engine, "labels", metadata, { schema: "refl_graph" }));
      expect([...metadata.tables.keys()]).toEqual([
        "refl_customers",
        // nodes refers to edges in turn.
        "refl_graph.edges",
        "refl_graph.nodes",
        "refl_graph.labels",
      ]);
      expect(labels.schema).toBe("refl_graph");
      expect(labels.foreignKeys.map((fk) => fk.referencedTable.fullname)).toEqual([
        "refl_customers",
        "refl_graph.nodes",
      ]);
    });

    test("a MetaData with a schema reflects from it, and names the schema of a referred table elsewhere", async () => {
      const metadata = new MetaData({ schema: "refl_graph" });
      await run(reflectTable(engine, "labels", metadata));
      expect([...metadata.tables.keys()]).toEqual([
        "public.refl_customers",
        "refl_graph.edges",
        "refl_graph.nodes",
        "refl_graph.labels",
      ]);
    });

    test("round trip: createAll, reflect, drop the originals, createAll the reflection: the same catalog", async () => {
      for (const [prefix, schema] of [
        ["trip", undefined],
        ["trip", "refl_trip"],
      ] as const) {
        const original = shopMetadata(prefix, schema);
        const names = [...original.metadata.tables.values()].map((table) => table.name);
        const outcome = await run(
          engine.begin(function* (conn) {
            if (schema !== undefined) yield* conn.execDriverSql(`CREATE SCHEMA ${schema}`);
            yield* original.metadata.createAll(conn);
            const before = yield* catalogSnapshot(conn, names, schema);
            const reflected = new MetaData(schema === undefined ? {} : { schema });
            const tables = yield* reflectMetadata(conn, reflected, {
              only: (name) => name.startsWith(`${prefix}_`),
            });
            const firstDdl = tables.map((table) => new CreateTable(table).toString());
            yield* original.metadata.dropAll(conn);
            const gone = yield* inspect(conn).getTableNames(schema);
            yield* reflected.createAll(conn);
            const after = yield* catalogSnapshot(conn, names, schema);
            const again = yield* reflectMetadata(conn, new MetaData(schema === undefined ? {} : { schema }), {
              only: (name) => name.startsWith(`${prefix}_`),
            });
            yield* reflected.dropAll(conn);
            return {
              before,
              after,
              gone: gone.filter((name) => name.startsWith(`${prefix}_`)),
              firstDdl,
              secondDdl: again.map((table) => new CreateTable(table).toString()),
              sorted: tables.map((table) => table.fullname),
            };
          }),
        );
        const qualified = (name: string) => (schema === undefined ? name : `${schema}.${name}`);
        expect(outcome.sorted).toEqual(
          ["trip_customers", "trip_lines", "trip_orders", "trip_products"].map(qualified),
        );
        expect(outcome.gone).toEqual([]);
        expect(outcome.after).toEqual(outcome.before);
        expect(outcome.secondDdl).toEqual(outcome.firstDdl);
        // The snapshot holds what the catalogs say, expressions and enum types included.
        expect(outcome.before).toMatchObject({
          trip_customers: {
            indexes: [
              {
                name: "trip_customers_email_lower",
                columnNames: [null],
                unique: true,
                expressions: ["lower(email::text)"],
              },
            ],
            comment: "who buys",
          },
          trip_orders: {
            indexes: [
              { name: "ix_trip_orders_placed", columnNames: ["placed"], unique: false },
              {
                name: "trip_orders_unpaid",
                columnNames: ["customer_id"],
                unique: false,
                where: `status = 'new'::${schema === undefined ? "" : `${schema}.`}trip_status`,
              },
            ],
          },
        });
      }
    });
  });

  describe("reflectMetadata", () => {
    test("reflects every table of a schema, in name order; views when asked", async () => {
      const metadata = new MetaData();
      const tables = await run(reflectMetadata(engine, metadata, { schema: "refl_graph" }));
      expect(tables.map((table) => table.fullname)).toEqual([
        "refl_graph.edges",
        "refl_graph.labels",
        "refl_graph.nodes",
      ]);
      // labels refers to a table on the search path, which came along.
      expect([...metadata.tables.keys()].sort()).toEqual([
        "refl_customers",
        "refl_graph.edges",
        "refl_graph.labels",
        "refl_graph.nodes",
      ]);
      const withViews = new MetaData();
      const all = await run(reflectMetadata(engine, withViews, { schema: "refl_graph", views: true }));
      expect(all.map((table) => table.name)).toEqual(["edges", "labels", "node_ids", "nodes"]);
      const view = withViews.table("node_ids", "refl_graph")!;
      expect(view.primaryKey).toBeUndefined();
      expect(Object.keys(view.columns)).toEqual(["id"]);
    });

    test("only: a list of names (each must exist) or a predicate", async () => {
      const listed = new MetaData();
      const tables = await run(
        reflectMetadata(engine, listed, { only: ["refl_products", "refl_customers"] }),
      );
      expect(tables.map((table) => table.name)).toEqual(["refl_customers", "refl_products"]);
      expect([...listed.tables.keys()]).toEqual(["refl_customers", "refl_products"]);

      const error = await run(
        reflectMetadata(engine, new MetaData(), { only: ["refl_products", "refl_nothing"] }),
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({
        message: "could not reflect: requested table(s) not available on the search path: (refl_nothing)",
      });

      const predicate = new MetaData();
      const kept = await run(
        reflectMetadata(engine, predicate, { only: (name) => name.startsWith("refl_") }),
      );
      expect(kept.map((table) => table.name)).toEqual([
        "refl_customers",
        "refl_lines",
        "refl_orders",
        "refl_products",
      ]);
    });
  });

  test("a foreign key cycle through a name holding a dot cannot be written as a reference", async () => {
    const error = await run(
      engine.connect(function* (conn) {
        // Never committed: closing the connection rolls the table back.
        yield* conn.execDriverSql(
          'CREATE TABLE "refl.dotted" (id integer PRIMARY KEY, up integer REFERENCES "refl.dotted" (id))',
        );
        return yield* reflectTable(conn, "refl.dotted", new MetaData());
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toMatchObject({ message: expect.stringContaining('a name holds a "."') });
    expect(await run(inspect(engine).hasTable("refl.dotted"))).toBe(false);
  });
}
