import {
  ArgumentError,
  and_,
  CheckConstraint,
  column,
  ForeignKey,
  ForeignKeyConstraint,
  func,
  Index,
  Integer,
  MetaData,
  PrimaryKeyConstraint,
  Table,
  Text,
  UniqueConstraint,
} from "@athanor/core";
import { describe, expect, test } from "vitest";
import {
  AddConstraint,
  CreateEnumType,
  CreateIndex,
  CreateTable,
  DropConstraint,
  DropEnumType,
  DropIndex,
  DropTable,
  SetComment,
} from "../../src/schema/ddl.ts";
import { Enum } from "../../src/types/enum-type.ts";

function schemaFixture() {
  const metadata = new MetaData();
  const users = new Table(
    "users",
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      name: column(Text, { index: true, comment: "the user's name" }),
      score: column(Integer),
    },
    { comment: "people" },
  );
  const tagged = new Table(
    "tagged",
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      userId: column(Integer, ForeignKey(users.c.id, { onDelete: "cascade" }), { name: "user_id" }),
      label: column(Text),
    },
    UniqueConstraint("userId", "label"),
    { schema: "tags" },
  );
  return { metadata, users, tagged };
}

describe("tables", () => {
  test("DROP TABLE, with IF EXISTS and CASCADE", () => {
    const { users, tagged } = schemaFixture();
    expect(new DropTable(users).toString()).toBe('drop table "users"');
    expect(new DropTable(tagged, { ifExists: true, cascade: true }).toString()).toBe(
      'drop table if exists "tags"."tagged" cascade',
    );
  });
});

describe("indexes", () => {
  test("a column index (index: true), and IF NOT EXISTS", () => {
    const { users } = schemaFixture();
    const [byName] = users.indexes;
    if (byName === undefined) throw new Error("index: true made no index");
    expect(new CreateIndex(byName).toString()).toBe('create index "ix_users_name" on "users" ("name")');
    expect(new CreateIndex(byName, { ifNotExists: true }).toString()).toBe(
      'create index if not exists "ix_users_name" on "users" ("name")',
    );
  });

  test("unique, method, expressions (parenthesised), and a partial index, columns unqualified", () => {
    const { users, tagged } = schemaFixture();
    const index = Index("ix_users_lower_name", func.lower(users.c.name), users.c.score, {
      unique: true,
      using: "btree",
      where: and_(users.c.score.gt(10), users.c.name.ne("it's")),
    });
    expect(new CreateIndex(index).toString()).toBe(
      'create unique index "ix_users_lower_name" on "users" using btree ((lower("name")), "score") ' +
        "where \"score\" > 10 and \"name\" <> 'it''s'",
    );
    const labels = Index("ix_tagged_label", tagged.c.label, { using: "hash" });
    expect(new CreateIndex(labels).toString()).toBe(
      'create index "ix_tagged_label" on "tags"."tagged" using hash ("label")',
    );
  });

  test("DROP INDEX names the index in its table's schema", () => {
    const { users, tagged } = schemaFixture();
    const labels = Index("ix_tagged_label", tagged.c.label);
    const [byName] = users.indexes;
    if (byName === undefined) throw new Error("index: true made no index");
    expect(new DropIndex(byName).toString()).toBe('drop index "ix_users_name"');
    expect(new DropIndex(labels, { ifExists: true }).toString()).toBe(
      'drop index if exists "tags"."ix_tagged_label"',
    );
  });

  test("an index that belongs to no table cannot be created or dropped", () => {
    const loose = Index("ix_loose", "name");
    expect(() => new CreateIndex(loose)).toThrow(ArgumentError);
    expect(() => new DropIndex(loose)).toThrow('Index "ix_loose" is not part of a table yet');
  });
});

describe("constraints", () => {
  test("ADD CONSTRAINT writes PostgreSQL's default name for an unnamed key", () => {
    const { tagged } = schemaFixture();
    const [fk] = tagged.foreignKeys;
    const [unique] = tagged.constraints;
    if (fk === undefined || unique === undefined)
      throw new Error("the fixture has a foreign key and a unique constraint");
    expect(new AddConstraint(fk).toString()).toBe(
      'alter table "tags"."tagged" add constraint "tagged_user_id_fkey" foreign key ("user_id") references "users" ("id") on delete cascade',
    );
    expect(new AddConstraint(unique).toString()).toBe(
      'alter table "tags"."tagged" add constraint "tagged_user_id_label_key" unique ("user_id", "label")',
    );
  });

  test("ADD CONSTRAINT of a named key, a primary key and CHECK constraints (given their table)", () => {
    const metadata = new MetaData();
    const ranges = new Table(
      "ranges",
      metadata,
      { low: column(Integer), high: column(Integer) },
      PrimaryKeyConstraint("low", "high"),
    );
    const { primaryKey } = ranges;
    if (primaryKey === undefined) throw new Error("ranges has a primary key");
    expect(new AddConstraint(primaryKey).toString()).toBe(
      'alter table "ranges" add constraint "ranges_pkey" primary key ("low", "high")',
    );
    // Once the table exists, a CHECK can use its columns: they are written unqualified.
    const ordered = CheckConstraint(ranges.c.low.lt(ranges.c.high), { name: "ranges_ordered" });
    expect(new AddConstraint(ordered, ranges).toString()).toBe(
      'alter table "ranges" add constraint "ranges_ordered" check ("low" < "high")',
    );
    expect(new AddConstraint(CheckConstraint("low > 0"), ranges).toString()).toBe(
      'alter table "ranges" add check (low > 0)',
    );
    const named = new Table(
      "named",
      metadata,
      { x: column(Integer) },
      new ForeignKeyConstraint(["x"], [ranges.c.low], {
        name: "named_x",
        deferrable: true,
        initiallyDeferred: true,
      }),
    );
    const [fk] = named.foreignKeys;
    if (fk === undefined) throw new Error("named has a foreign key");
    expect(new AddConstraint(fk).toString()).toBe(
      'alter table "named" add constraint "named_x" foreign key ("x") references "ranges" ("low") deferrable initially deferred',
    );
  });

  test("DROP CONSTRAINT by name or by constraint, IF EXISTS, CASCADE", () => {
    const { users, tagged } = schemaFixture();
    const [fk] = tagged.foreignKeys;
    if (fk === undefined) throw new Error("the fixture has a foreign key");
    expect(new DropConstraint(fk).toString()).toBe(
      'alter table "tags"."tagged" drop constraint "tagged_user_id_fkey"',
    );
    expect(new DropConstraint("users_pkey", users, { ifExists: true, cascade: true }).toString()).toBe(
      'alter table "users" drop constraint if exists "users_pkey" cascade',
    );
    const check = CheckConstraint("score > 0", { name: "score_positive" });
    expect(new DropConstraint(check, users).toString()).toBe(
      'alter table "users" drop constraint "score_positive"',
    );
  });

  test("errors: a CHECK constraint needs its table, and a name to be dropped", () => {
    const { users, tagged } = schemaFixture();
    const check = CheckConstraint("score > 0");
    expect(() => new AddConstraint(check)).toThrow(ArgumentError);
    expect(() => new AddConstraint(check)).toThrow(
      "AddConstraint: a CHECK constraint belongs to no table by itself; pass the table",
    );
    expect(() => new DropConstraint(check, users)).toThrow(
      'DropConstraint: an unnamed CHECK constraint of "users" cannot be found by name; name it (options.name) or pass its name',
    );
    expect(() => new DropConstraint(CheckConstraint("x > 0", { name: "x" }))).toThrow(
      "DropConstraint: a CHECK constraint belongs to no table by itself; pass the table",
    );
    const [fk] = tagged.foreignKeys;
    if (fk === undefined) throw new Error("the fixture has a foreign key");
    expect(() => new AddConstraint(fk, users)).toThrow(
      'AddConstraint: the constraint belongs to "tags.tagged", not to "users"',
    );
  });

  test("errors: a name needs its table, and cannot be empty", () => {
    const { users } = schemaFixture();
    expect(() => new DropConstraint("users_pkey")).toThrow(ArgumentError);
    expect(() => new DropConstraint("users_pkey")).toThrow(
      'DropConstraint("users_pkey"): give the table the constraint belongs to',
    );
    expect(() => new DropConstraint("", users)).toThrow("DropConstraint: the constraint name is empty");
  });

  test("a default name longer than PostgreSQL's 63 bytes is shortened with a hash, the same everywhere", () => {
    // Before, AddConstraint and DropConstraint refused such a constraint; CREATE TABLE left the name to
    // the server, whose truncation DropConstraint could not know.
    const metadata = new MetaData();
    const long = "a_rather_long_column_name_that_goes_on";
    const targets = new Table("targets", metadata, { id: column(Integer, { primaryKey: true }) });
    const table = new Table("a_table_with_a_long_name", metadata, {
      [long]: column(Integer, ForeignKey("targets.id")),
    });
    const [fk] = table.foreignKeys;
    if (fk === undefined) throw new Error("the table has a foreign key");
    const name = "a_table_with_a_long_name_a_rather_long_column_name_tha_71bccf1e";
    expect(new AddConstraint(fk).toString()).toBe(
      `alter table "a_table_with_a_long_name" add constraint "${name}" foreign key ("${long}") references "targets" ("id")`,
    );
    expect(new DropConstraint(fk).toString()).toBe(
      `alter table "a_table_with_a_long_name" drop constraint "${name}"`,
    );
    expect(new CreateTable(table).toString()).toContain(`constraint "${name}" foreign key ("${long}")`);
    // Names that fit are still left to the server, which picks the same default.
    expect(new CreateTable(targets).toString()).toBe(
      'create table "targets" ("id" SERIAL, primary key ("id"))',
    );
  });

  test("two long default names sharing their first 63 bytes stay apart", () => {
    const metadata = new MetaData();
    const stem = "t".repeat(60);
    const names = ["a", "b"].map((suffix) => {
      const table = new Table(`${stem}_${suffix}`, metadata, { id: column(Integer, { primaryKey: true }) });
      const primaryKey = table.primaryKey;
      if (primaryKey === undefined) throw new Error("the table has a primary key");
      return /drop constraint "([^"]+)"/.exec(new DropConstraint(primaryKey).toString())?.[1] ?? "";
    });
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^${"t".repeat(54)}_[0-9a-f]{8}$`));
      expect(Buffer.byteLength(name)).toBe(63);
    }
  });
});

describe("enum types", () => {
  test("CREATE TYPE ... AS ENUM and DROP TYPE, schema-qualified, values quoted", () => {
    const status = Enum(["draft", "it's"] as const, { name: "post_status" });
    const mood = Enum(["happy", "sad"] as const, { name: "mood", schema: "moods" });
    expect(new CreateEnumType(status).toString()).toBe(
      `create type "post_status" as enum ('draft', 'it''s')`,
    );
    expect(new CreateEnumType(mood).toString()).toBe(`create type "moods"."mood" as enum ('happy', 'sad')`);
    expect(new DropEnumType(status).toString()).toBe('drop type "post_status"');
    expect(new DropEnumType(mood, { ifExists: true }).toString()).toBe('drop type if exists "moods"."mood"');
  });

  test("errors: a non-native enum has no type, and a native one needs a name", () => {
    const plain = Enum(["a", "b"] as const, { native: false });
    expect(() => new CreateEnumType(plain)).toThrow(ArgumentError);
    expect(() => new DropEnumType(plain)).toThrow(
      "a non-native enum (native: false) is a VARCHAR with a CHECK constraint: it has no type to create or drop",
    );
    const unnamed = { native: true, typeName: undefined, typeSchema: undefined, values: ["a"] };
    expect(() => new CreateEnumType(unnamed)).toThrow(
      "a native enum type needs a name to be created or dropped",
    );
  });
});

describe("comments", () => {
  test("COMMENT ON TABLE / COLUMN from the schema, or given, or removed (IS NULL)", () => {
    const { users, tagged } = schemaFixture();
    expect(new SetComment(users).toString()).toBe(`comment on table "users" is 'people'`);
    expect(new SetComment(users.c.name).toString()).toBe(
      `comment on column "users"."name" is 'the user''s name'`,
    );
    expect(new SetComment(tagged, "labels").toString()).toBe(`comment on table "tags"."tagged" is 'labels'`);
    expect(new SetComment(tagged.c.label).toString()).toBe(
      'comment on column "tags"."tagged"."label" is null',
    );
    expect(new SetComment(users, null).toString()).toBe('comment on table "users" is null');
  });
});
