import {
  column,
  ForeignKey,
  ForeignKeyConstraint,
  Integer,
  MetaData,
  NoReferencedTableError,
  Table,
} from "@athanor/core";
import { expect, test } from "vitest";
import { sortTables } from "../../src/schema/sort-tables.ts";

function names(tables: readonly Table[]): string[] {
  return tables.map((table) => table.fullname);
}

test("a diamond: referenced tables first, ties in definition order", () => {
  const metadata = new MetaData();
  // Defined bottom-up on purpose, so definition order alone would be wrong.
  new Table("d", metadata, {
    bId: column(Integer, ForeignKey("b.id")),
    cId: column(Integer, ForeignKey("c.id")),
  });
  new Table("c", metadata, {
    id: column(Integer, { primaryKey: true }),
    aId: column(Integer, ForeignKey("a.id")),
  });
  new Table("b", metadata, {
    id: column(Integer, { primaryKey: true }),
    aId: column(Integer, ForeignKey("a.id")),
  });
  new Table("a", metadata, { id: column(Integer, { primaryKey: true }) });
  expect(names(metadata.sortedTables)).toEqual(["a", "c", "b", "d"]);
});

test("unrelated tables keep definition order; a self-reference is no dependency", () => {
  const metadata = new MetaData();
  new Table("nodes", metadata, {
    id: column(Integer, { primaryKey: true }),
    parentId: column(Integer, ForeignKey("nodes.id")),
  });
  new Table("zeta", metadata, { id: column(Integer, { primaryKey: true }) });
  new Table("alpha", metadata, { id: column(Integer, { primaryKey: true }) });
  expect(names(metadata.sortedTables)).toEqual(["nodes", "zeta", "alpha"]);
  expect(sortTables([...metadata.tables.values()]).cycleForeignKeys).toEqual([]);
});

test("every foreign key inside a cycle is deferred; the rest still order the tables", () => {
  const metadata = new MetaData();
  const users = new Table("users", metadata, { id: column(Integer, { primaryKey: true }) });
  const a = new Table("a", metadata, {
    id: column(Integer, { primaryKey: true }),
    bId: column(Integer, ForeignKey("b.id")),
  });
  const b = new Table("b", metadata, {
    id: column(Integer, { primaryKey: true }),
    cId: column(Integer, ForeignKey("c.id")),
    userId: column(Integer, ForeignKey("users.id")),
  });
  const c = new Table(
    "c",
    metadata,
    { id: column(Integer, { primaryKey: true }), aId: column(Integer) },
    new ForeignKeyConstraint(["aId"], ["a.id"]),
  );
  const order = sortTables([c, b, a, users]);
  // b still waits for users; within the cycle, the given order decides.
  expect(names(order.tables)).toEqual(["c", "a", "users", "b"]);
  expect(order.cycleForeignKeys.map((fk) => `${fk.table.name}.${fk.columnKeys.join(",")}`)).toEqual([
    "c.aId",
    "b.cId",
    "a.bId",
  ]);
  expect(names(metadata.sortedTables)).toEqual(["users", "a", "b", "c"]);
});

test("references to tables outside the list are not dependencies", () => {
  const metadata = new MetaData();
  new Table("outside", metadata, { id: column(Integer, { primaryKey: true }) });
  const inside = new Table("inside", metadata, { outsideId: column(Integer, ForeignKey("outside.id")) });
  const other = new Table("other", metadata, { id: column(Integer, { primaryKey: true }) });
  expect(names(sortTables([inside, other]).tables)).toEqual(["inside", "other"]);
});

test("a foreign key to a table the MetaData does not hold fails sorting, naming it", () => {
  const metadata = new MetaData();
  new Table("orphans", metadata, { parentId: column(Integer, ForeignKey("parents.id")) });
  expect(() => metadata.sortedTables).toThrow(NoReferencedTableError);
  expect(() => metadata.sortedTables).toThrow('foreign key on "orphans" references table "parents"');
});
