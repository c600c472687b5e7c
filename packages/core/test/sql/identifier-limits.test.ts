import {
  ArgumentError,
  CheckConstraint,
  column,
  columnClause,
  DropConstraint,
  Enum,
  ForeignKey,
  ForeignKeyConstraint,
  IdentifierError,
  Index,
  Integer,
  insert,
  MetaData,
  PrimaryKeyConstraint,
  select,
  Table,
  UniqueConstraint,
} from "@athanor/core";
import { thrown } from "@athanor/testing";
import { describe, expect, test } from "vitest";
import { identifier } from "../../src/compile/nodes.ts";

/**
 * PostgreSQL keeps 63 bytes of a name (NAMEDATALEN - 1) and drops the rest with only a NOTICE, so two
 * long names that agree on their first 63 bytes name one object. Names a user gives are refused when
 * longer; names Athanor makes up are shortened with a hash. All of it before any SQL is built.
 */

/** 63 bytes is the limit, counted in UTF-8: "é" is 2 bytes, "€" 3, "🚀" 4. */
const fits = ["a".repeat(63), "é".repeat(31), "€".repeat(21), "🚀".repeat(15)];
const tooLong: [string, number][] = [
  ["a".repeat(64), 64],
  ["é".repeat(32), 64],
  ["€".repeat(22), 66],
  ["🚀".repeat(16), 64],
];

/** The IdentifierError `fn` throws, checked to name the identifier, its byte length and the limit. */
function identifierError(fn: () => unknown, name: string, bytes: number): IdentifierError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(IdentifierError);
  expect(error).toBeInstanceOf(ArgumentError);
  if (!(error instanceof IdentifierError)) throw error;
  expect(error.identifier).toBe(name);
  expect(error.message).toContain(
    `identifier ${JSON.stringify(name)} is ${bytes} bytes (UTF-8), over PostgreSQL's maximum identifier length of 63 bytes`,
  );
  return error;
}

const pk = () => column(Integer, { primaryKey: true });

describe("a name longer than 63 bytes is refused where it is given", () => {
  test.each(tooLong)("table name %s (%i bytes)", (name, bytes) => {
    const error = identifierError(() => new Table(name, new MetaData(), { id: pk() }), name, bytes);
    expect(error.message).toMatch(/^Table: identifier/);
  });

  test.each(fits)("table name of at most 63 bytes is accepted: %s", (name) => {
    expect(new Table(name, new MetaData(), { id: pk() }).name).toBe(name);
  });

  test("a table of such a name is not registered in its MetaData", () => {
    const metadata = new MetaData();
    const name = "t".repeat(64);
    identifierError(() => new Table(name, metadata, { id: pk() }), name, 64);
    expect([...metadata.tables.keys()]).toEqual([]);
  });

  const long = "x".repeat(64);
  test.each<[string, () => unknown, string]>([
    [
      "column name",
      () => new Table("t", new MetaData(), { id: column(Integer, { name: long }) }),
      'column "id"',
    ],
    ["column key", () => new Table("t", new MetaData(), { [long]: column(Integer) }), `column "${long}"`],
    ["schema", () => new Table("t", new MetaData(), { id: pk() }, { schema: long }), 'schema of table "t"'],
    ["MetaData schema", () => new MetaData({ schema: long }), "MetaData schema"],
    ["index", () => new Table("t", new MetaData(), { id: pk() }, Index(long, "id")), "Index"],
    ["primary key name", () => PrimaryKeyConstraint("id", { name: long }), "PrimaryKeyConstraint name"],
    ["unique constraint name", () => UniqueConstraint("id", { name: long }), "UniqueConstraint name"],
    ["check constraint name", () => CheckConstraint("id > 0", { name: long }), "CheckConstraint name"],
    ["foreign key name", () => ForeignKey("t.id", { name: long }), "ForeignKey name"],
    [
      "foreign key constraint name",
      () => new ForeignKeyConstraint(["id"], ["t.id"], { name: long }),
      "ForeignKeyConstraint name",
    ],
    ["alias", () => new Table("t", new MetaData(), { id: pk() }).alias(long), "alias"],
    ["label", () => new Table("t", new MetaData(), { id: pk() }).c.id.label(long), "label"],
    ["subquery", () => select(new Table("t", new MetaData(), { id: pk() })).subquery(long), "subquery"],
    ["CTE", () => select(new Table("t", new MetaData(), { id: pk() })).cte(long), "CTE"],
    ["columnClause", () => columnClause(long), "columnClause"],
    [
      "DropConstraint by name",
      () => new DropConstraint(long, new Table("t", new MetaData(), { id: pk() })),
      "DropConstraint",
    ],
    [
      "ON CONFLICT ON CONSTRAINT",
      () => insert(new Table("t", new MetaData(), { id: pk() })).onConflictDoNothing({ constraint: long }),
      "ON CONFLICT ON CONSTRAINT",
    ],
  ])("%s", (_what, make, what) => {
    const error = identifierError(make, long, 64);
    expect(error.message.startsWith(`${what}: identifier`)).toBe(true);
  });

  test("a native enum's type name (a plain identifier: its characters are bytes)", () => {
    const name = "e".repeat(64);
    const error = identifierError(() => Enum(["a"], { name }), name, 64);
    expect(error.message).toMatch(/^Enum: name \(required for a native enum\): identifier/);
  });
});

describe("an unpaired surrogate in a name is refused (drivers would send U+FFFD)", () => {
  test.each(["a\ud800", "\udc00b"])("%j", (name) => {
    const error = thrown(() => new Table(name, new MetaData(), { id: pk() }));
    expect(error).toBeInstanceOf(IdentifierError);
    expect(error).toHaveProperty(
      "message",
      `Table: a name cannot contain an unpaired UTF-16 surrogate: ${JSON.stringify(name)}`,
    );
  });

  test("a surrogate pair is a character like any other", () => {
    expect(new Table("rocket 🚀", new MetaData(), { id: pk() }).name).toBe("rocket 🚀");
  });
});

describe("names Athanor makes up are shortened apart", () => {
  test("ix_<table>_<column> past 63 bytes: its start, _ and 8 hex digits of a hash, different per name", () => {
    const metadata = new MetaData();
    const stem = "s".repeat(58);
    const names = ["a1", "a2"].map((suffix) => {
      const table = new Table(`${stem}_${suffix}`, metadata, {
        id: pk(),
        code: column(Integer, { index: true }),
      });
      const [index] = table.indexes;
      if (index === undefined) throw new Error("the table has an index");
      return index.name;
    });
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^ix_${"s".repeat(51)}_[0-9a-f]{8}$`));
      expect(Buffer.byteLength(name)).toBe(63);
    }
  });

  test("the same name always shortens the same way", () => {
    const make = () =>
      new Table("r".repeat(60), new MetaData(), { id: pk(), code: column(Integer, { index: true }) })
        .indexes[0]?.name;
    expect(make()).toBe(make());
  });

  test("a name that fits is kept as it is", () => {
    const table = new Table("short", new MetaData(), { id: pk(), code: column(Integer, { index: true }) });
    expect(table.indexes.map((index) => index.name)).toEqual(["ix_short_code"]);
  });

  test("multi-byte characters are never split", () => {
    const table = new Table("é".repeat(31), new MetaData(), {
      id: pk(),
      code: column(Integer, { index: true }),
    });
    const name = table.indexes[0]?.name ?? "";
    expect(name).toMatch(new RegExp(`^ix_${"é".repeat(25)}_[0-9a-f]{8}$`));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
  });
});

describe("the compiler refuses a long name whatever made it", () => {
  test("every identifier node it writes is held to 63 bytes", () => {
    // Schema objects refuse theirs when built; this is the net under names that come another way.
    identifierError(() => identifier("n".repeat(64)), "n".repeat(64), 64);
    expect(identifier("n".repeat(63)).name).toBe("n".repeat(63));
  });
});
