import {
  ArgumentError,
  CompileError,
  column,
  ForeignKey,
  Integer,
  MetaData,
  nullType,
  runBlocking,
  Table,
  Text,
} from "@athanor/core";
import { describe, expect, test } from "vitest";
import { Enum } from "../../src/types/enum-type.ts";
import { RecordingConnection } from "./recording-connection.ts";

/** users <- posts, and a cycle: departments.head_id -> employees, employees.department_id -> departments. */
function companyMetadata() {
  const metadata = new MetaData();
  const status = Enum(["draft", "published"] as const, { name: "post_status" });
  const users = new Table(
    "users",
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      name: column(Text, { index: true, comment: "shown" }),
    },
    { comment: "people" },
  );
  const posts = new Table("posts", metadata, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, ForeignKey("users.id", { onDelete: "cascade" }), { name: "author_id" }),
    status: column(status, { nullable: false }),
  });
  const departments = new Table("departments", metadata, {
    id: column(Integer, { primaryKey: true }),
    headId: column(Integer, ForeignKey("employees.id"), { name: "head_id" }),
  });
  const employees = new Table("employees", metadata, {
    id: column(Integer, { primaryKey: true }),
    departmentId: column(Integer, ForeignKey("departments.id"), { name: "department_id" }),
  });
  return { metadata, status, users, posts, departments, employees };
}

const createUsers = [
  'create table "users" ("id" SERIAL, "name" TEXT, primary key ("id"))',
  'create index "ix_users_name" on "users" ("name")',
  "comment on table \"users\" is 'people'",
  'comment on column "users"."name" is \'shown\'',
];
const createPosts =
  'create table "posts" ("id" SERIAL, "author_id" INTEGER, "status" "post_status" not null, primary key ("id"), ' +
  'foreign key ("author_id") references "users" ("id") on delete cascade)';
const createDepartments = 'create table "departments" ("id" SERIAL, "head_id" INTEGER, primary key ("id"))';
const createEmployees = 'create table "employees" ("id" SERIAL, "department_id" INTEGER, primary key ("id"))';
const addDepartmentsHead =
  'alter table "departments" add constraint "departments_head_id_fkey" foreign key ("head_id") references "employees" ("id")';
const addEmployeesDepartment =
  'alter table "employees" add constraint "employees_department_id_fkey" foreign key ("department_id") references "departments" ("id")';

describe("createAll", () => {
  test("checkfirst: types, then tables in dependency order with indexes and comments, then cycle keys", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection();
    runBlocking(metadata.createAll(conn));
    expect(conn.log).toEqual([
      "exists? type post_status",
      `create type "post_status" as enum ('draft', 'published')`,
      "exists? table users",
      ...createUsers,
      "exists? table posts",
      createPosts,
      "exists? table departments",
      createDepartments,
      "exists? table employees",
      createEmployees,
      addDepartmentsHead,
      addEmployeesDepartment,
    ]);
  });

  test("checkfirst skips what exists; a cycle key is added only to a table it created", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection(["type post_status", "table users", "table departments"]);
    runBlocking(metadata.createAll(conn));
    expect(conn.log).toEqual([
      "exists? type post_status",
      "exists? table users",
      "exists? table posts",
      createPosts,
      "exists? table departments",
      "exists? table employees",
      createEmployees,
      addEmployeesDepartment,
    ]);
  });

  test("checkfirst: false sends everything without asking", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection(["table users"]);
    runBlocking(metadata.createAll(conn, { checkfirst: false }));
    expect(conn.log).toEqual([
      `create type "post_status" as enum ('draft', 'published')`,
      ...createUsers,
      createPosts,
      createDepartments,
      createEmployees,
      addDepartmentsHead,
      addEmployeesDepartment,
    ]);
  });

  test("tables: only those, in dependency order, with the types they use", () => {
    const { metadata, users, posts } = companyMetadata();
    const conn = new RecordingConnection();
    runBlocking(metadata.createAll(conn, { checkfirst: false, tables: [posts, users] }));
    expect(conn.log).toEqual([
      `create type "post_status" as enum ('draft', 'published')`,
      ...createUsers,
      createPosts,
    ]);
  });

  test("schema-qualified tables and types are looked for in their schema", () => {
    const metadata = new MetaData({ schema: "crm" });
    new Table("clients", metadata, {
      id: column(Integer, { primaryKey: true }),
      tier: column(Enum(["gold", "silver"] as const, { name: "tier", schema: "crm" })),
    });
    const conn = new RecordingConnection(["type crm.tier"]);
    runBlocking(metadata.createAll(conn));
    expect(conn.log).toEqual([
      "exists? type tier in crm",
      "exists? table clients in crm",
      'create table "crm"."clients" ("id" SERIAL, "tier" "crm"."tier", primary key ("id"))',
    ]);
  });

  test("it is a property: passed unbound, it still acts on its MetaData; nothing runs until driven", () => {
    const { metadata } = companyMetadata();
    const { createAll } = metadata;
    const conn = new RecordingConnection(["type post_status", "table users", "table posts"]);
    const pending = createAll(conn, { tables: [...metadata.tables.values()].slice(0, 2) });
    expect(conn.log).toEqual([]);
    runBlocking(pending);
    expect(conn.log).toEqual(["exists? type post_status", "exists? table users", "exists? table posts"]);
  });
});

describe("a foreign key whose default name would not fit in 63 bytes", () => {
  // PostgreSQL would truncate employees_<57 characters>_fkey: Athanor writes out a shortened name with
  // a hash instead, so createAll and dropAll agree on it (before, both refused the schema).
  test("a cycle key is added and dropped under the same shortened name", () => {
    const metadata = new MetaData();
    const long = "the_identifier_of_the_department_this_employee_belongs_to";
    new Table("departments", metadata, {
      id: column(Integer, { primaryKey: true }),
      headId: column(Integer, ForeignKey("employees.id"), { name: "head_id" }),
    });
    new Table("employees", metadata, {
      id: column(Integer, { primaryKey: true }),
      [long]: column(Integer, ForeignKey("departments.id")),
    });
    const created = new RecordingConnection();
    runBlocking(metadata.createAll(created, { checkfirst: false }));
    const added = created.log.at(-1) ?? "";
    const name = /add constraint "([^"]+)"/.exec(added)?.[1] ?? "";
    expect(name).toMatch(/^employees_the_identifier_of_the_department_this_employ_[0-9a-f]{8}$/);
    expect(Buffer.byteLength(name)).toBe(63);
    expect(added).toBe(
      `alter table "employees" add constraint "${name}" foreign key ("${long}") references "departments" ("id")`,
    );
    const dropped = new RecordingConnection();
    runBlocking(metadata.dropAll(dropped, { checkfirst: false }));
    expect(dropped.log).toContain(`alter table "employees" drop constraint "${name}"`);
  });
});

describe("dropAll", () => {
  test("checkfirst: cycle keys first, tables referencing-first, then the enum types", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection([
      "table users",
      "table posts",
      "table departments",
      "table employees",
      "constraint departments_head_id_fkey",
      "type post_status",
    ]);
    runBlocking(metadata.dropAll(conn));
    expect(conn.log).toEqual([
      "exists? table employees",
      "exists? table departments",
      "exists? table posts",
      "exists? table users",
      "exists? constraint departments_head_id_fkey",
      'alter table "departments" drop constraint "departments_head_id_fkey"',
      "exists? constraint employees_department_id_fkey",
      'drop table "employees"',
      'drop table "departments"',
      'drop table "posts"',
      'drop table "users"',
      "exists? type post_status",
      'drop type "post_status"',
    ]);
  });

  test("checkfirst drops only what exists", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection(["table users"]);
    runBlocking(metadata.dropAll(conn));
    expect(conn.log).toEqual([
      "exists? table employees",
      "exists? table departments",
      "exists? table posts",
      "exists? table users",
      'drop table "users"',
      "exists? type post_status",
    ]);
  });

  test("checkfirst: false drops everything without asking", () => {
    const { metadata } = companyMetadata();
    const conn = new RecordingConnection();
    runBlocking(metadata.dropAll(conn, { checkfirst: false }));
    expect(conn.log).toEqual([
      'alter table "departments" drop constraint "departments_head_id_fkey"',
      'alter table "employees" drop constraint "employees_department_id_fkey"',
      'drop table "employees"',
      'drop table "departments"',
      'drop table "posts"',
      'drop table "users"',
      'drop type "post_status"',
    ]);
  });

  test("an enum type another table of the MetaData still uses is kept", () => {
    const { metadata, posts, status } = companyMetadata();
    new Table("drafts", metadata, { id: column(Integer, { primaryKey: true }), status: column(status) });
    const conn = new RecordingConnection();
    runBlocking(metadata.dropAll(conn, { checkfirst: false, tables: [posts] }));
    expect(conn.log).toEqual(['drop table "posts"']);
  });
});

describe("errors, raised before any statement is sent", () => {
  test("a table of another MetaData", () => {
    const { metadata } = companyMetadata();
    const stranger = new Table("stranger", new MetaData(), { id: column(Integer) });
    const conn = new RecordingConnection();
    expect(() => runBlocking(metadata.createAll(conn, { tables: [stranger] }))).toThrow(ArgumentError);
    expect(() => runBlocking(metadata.dropAll(conn, { tables: [stranger] }))).toThrow(
      'table "stranger" is not part of this MetaData',
    );
    expect(conn.log).toEqual([]);
  });

  test("a table that cannot be rendered fails createAll before the tables before it are created", () => {
    const { metadata } = companyMetadata();
    new Table("odd", metadata, { blob: column(nullType) });
    const conn = new RecordingConnection();
    expect(() => runBlocking(metadata.createAll(conn))).toThrow(CompileError);
    expect(() => runBlocking(metadata.createAll(conn))).toThrow(/column "odd"."blob"/);
    expect(conn.log).toEqual([]);
  });

  test("two columns naming one enum type with different values", () => {
    const metadata = new MetaData();
    new Table("a", metadata, { mood: column(Enum(["happy", "sad"] as const, { name: "mood" })) });
    new Table("b", metadata, { mood: column(Enum(["happy", "angry"] as const, { name: "mood" })) });
    const conn = new RecordingConnection();
    expect(() => runBlocking(metadata.createAll(conn))).toThrow(ArgumentError);
    expect(() => runBlocking(metadata.createAll(conn))).toThrow(
      'enum type "mood" is declared with different values by a.mood (happy, sad) and b.mood (happy, angry)',
    );
    expect(conn.log).toEqual([]);
  });
});
