/**
 * The tables the SQL expression tests share: Athanor Table objects, the plain-SQL DDL that creates
 * them (DDL constructs are tested elsewhere, so these tests do not depend on them), fixture rows,
 * and helpers to compile and execute statements on a test database.
 */
import {
  type ColumnClause,
  type Compiled,
  column,
  ForeignKey,
  type FromClause,
  func,
  Integer,
  MetaData,
  String,
  Table,
  Text,
} from "@athanor/core";
import type { TestDatabase } from "@athanor/testing";

export const metadata = new MetaData();

export const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50), { nullable: false }),
  fullname: column(String),
  age: column(Integer),
  /** Client default: a value. */
  status: column(String(20), { nullable: false, default: "active" }),
});

export const addresses = new Table("addresses", metadata, {
  id: column(Integer, { primaryKey: true }),
  /** SQL name differs from the key. */
  userId: column(Integer, ForeignKey("users.id"), { name: "user_id", nullable: false }),
  email: column(String, { nullable: false }),
});

let nextReference = 1000;

export const orders = new Table("orders", metadata, {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, ForeignKey("users.id"), { name: "user_id" }),
  total: column(Integer, { nullable: false }),
  note: column(Text),
  /** Client default: a function called per row. */
  reference: column(Integer, { default: () => nextReference++ }),
  /** Client default: a SQL expression; onupdate: a value. */
  source: column(Text, { default: func.call("upper", ["web"], Text), onupdate: "edited" }),
  /** onupdate: a function. */
  updatedBy: column(Text, { name: "updated_by", onupdate: () => "system" }),
});

export const items = new Table("items", metadata, {
  id: column(Integer, { primaryKey: true }),
  orderId: column(Integer, ForeignKey("orders.id"), { name: "order_id", nullable: false }),
  product: column(String, { nullable: false }),
  quantity: column(Integer, { nullable: false, default: 1 }),
  price: column(Integer),
});

/** Self-referencing: a tree through parent_id. */
export const categories = new Table("categories", metadata, {
  id: column(Integer, { primaryKey: true }),
  parentId: column(Integer, ForeignKey("categories.id"), { name: "parent_id" }),
  name: column(String, { nullable: false }),
});

/** Names that need quoting: a reserved-word table and columns, mixed case, a space, a double quote. */
export const order = new Table("order", metadata, {
  id: column(Integer, { primaryKey: true }),
  user: column(Text),
  mixedCase: column(Integer, { name: "MixedCase" }),
  spaced: column(Text, { name: "with space" }),
  quoted: column(Text, { name: 'say "hi"' }),
});

/** A schema-qualified table. */
export const ledger = new Table(
  "ledger",
  metadata,
  {
    id: column(Integer, { primaryKey: true }),
    // By Column object: a "users.id" string from a table in schema "sales" would look for
    // "sales.users" (see joins.test.ts).
    userId: column(Integer, ForeignKey(users.c.id), { name: "user_id" }),
    amount: column(Integer, { nullable: false }),
  },
  { schema: "sales" },
);

/** Every column has a server default: INSERT ... DEFAULT VALUES. */
export const events = new Table("events", metadata, {
  id: column(Integer, { primaryKey: true }),
  kind: column(Text),
});

const ddl = [
  "create schema if not exists sales",
  // age has a server default (what a DEFAULT in a multi-row VALUES gives); status has none, so a
  // missing client default fails the NOT NULL.
  `create table users (id integer primary key, name varchar(50) not null, fullname varchar,
     age integer default 18, status varchar(20) not null)`,
  `create table addresses (id integer primary key, user_id integer not null references users (id),
     email varchar not null)`,
  `create table orders (id integer primary key, user_id integer references users (id),
     total integer not null, note text, reference integer, source text, updated_by text)`,
  `create table items (id integer primary key, order_id integer not null references orders (id),
     product varchar not null, quantity integer not null, price integer)`,
  `create table categories (id integer primary key, parent_id integer references categories (id),
     name varchar not null)`,
  `create table "order" (id integer primary key, "user" text, "MixedCase" integer, "with space" text,
     "say ""hi""" text)`,
  "create table events (id serial primary key, kind text default 'ping')",
  "create table sales.ledger (id integer primary key, user_id integer references users (id), amount integer not null)",
];

const rows = [
  `insert into users values
     (1, 'ed', 'Ed Jones', 30, 'active'),
     (2, 'wendy', 'Wendy Williams', 25, 'active'),
     (3, 'mary', null, null, 'inactive'),
     (4, 'fred', 'Fred 100%_sure/ok', 40, 'active')`,
  `insert into addresses values
     (1, 1, 'ed@example.com'), (2, 1, 'ed@work.org'), (3, 2, 'wendy@example.com')`,
  `insert into orders (id, user_id, total, note) values
     (1, 1, 100, 'first'), (2, 1, 250, null), (3, 2, 75, 'rush'), (4, null, 10, null)`,
  `insert into items values
     (1, 1, 'apple', 3, 10), (2, 1, 'pear', 2, 35), (3, 2, 'apple', 10, 25),
     (4, 3, 'plum', 5, 15), (5, 3, 'kiwi', 1, null)`,
  `insert into categories values
     (1, null, 'food'), (2, 1, 'fruit'), (3, 1, 'vegetables'), (4, 2, 'apple'),
     (5, 4, 'granny smith'), (6, 3, 'carrot'), (7, null, 'tools')`,
  `insert into "order" values
     (1, 'ann', 7, 'a b', 'q1'), (2, 'bob', -3, null, 'q2')`,
  "insert into sales.ledger values (1, 1, 500), (2, 1, -200), (3, 2, 40)",
];

/** Creates the fixture tables and rows with plain SQL (for a describe block's beforeAll). */
export async function createFixture(db: TestDatabase): Promise<void> {
  for (const statement of ddl) await db.query(statement);
  for (const statement of rows) await db.query(statement);
}

/** Something that compiles: every Athanor statement (and text()). */
export interface Compilable {
  compile(dialect?: undefined, params?: Readonly<Record<string, unknown>>): Compiled;
}

/** The SQL and parameters of a statement, for exact comparisons. */
export function sqlOf(
  statement: Compilable,
  params?: Readonly<Record<string, unknown>>,
): { sql: string; parameters: unknown[] } {
  const compiled = statement.compile(undefined, params);
  return { sql: compiled.sql, parameters: [...compiled.parameters] };
}

/** Executes a compiled statement, its SQL with its parameters exactly as compiled: rows as objects. */
export function execute(db: TestDatabase, compiled: Compiled): Promise<Record<string, unknown>[]> {
  return db.query(compiled.sql, [...compiled.parameters]);
}

/**
 * Compiles and executes a statement that declares its result columns (SELECT, RETURNING), and
 * returns its rows as tuples in result-column order, each value read by its column's type (what the
 * execution layer does: node-postgres returns count(*) as "4", PGlite as 4). A row whose width is not
 * the declared one (two result columns of the same name) fails loudly.
 */
export async function fetchRows(
  db: TestDatabase,
  statement: Compilable,
  params?: Readonly<Record<string, unknown>>,
): Promise<unknown[][]> {
  const compiled = statement.compile(undefined, params);
  const rows = await execute(db, compiled);
  const columns = compiled.resultColumns;
  return rows.map((row) => {
    const values = Object.values(row);
    if (values.length !== columns.length) {
      throw new Error(
        `a row of ${values.length} values for ${columns.length} result columns: ${compiled.sql}`,
      );
    }
    return values.map((value, i) => (value === null ? null : columns[i]!.type.fromDriver(value)));
  });
}

/**
 * Runs `body` inside a transaction that is rolled back afterwards, so tests that write leave the
 * fixture rows as they were.
 */
export async function rolledBack<T>(db: TestDatabase, body: () => Promise<T>): Promise<T> {
  await db.query("begin");
  try {
    return await body();
  } finally {
    await db.query("rollback");
  }
}

/** The ids (first column) of a query's rows. */
export async function ids(
  db: TestDatabase,
  statement: Compilable,
  params?: Readonly<Record<string, unknown>>,
): Promise<unknown[]> {
  return (await fetchRows(db, statement, params)).map((row) => row[0]);
}

/**
 * A column of a FROM item by key. A table alias has no typed `.c` (see joins.test.ts), only
 * `.columns`, a record whose entries may be undefined.
 */
export function columnOf(from: FromClause, key: string): ColumnClause<unknown> {
  const found = from.columns[key];
  if (found === undefined) throw new Error(`no column "${key}" in ${from.qualifier?.name ?? "a join"}`);
  return found;
}
