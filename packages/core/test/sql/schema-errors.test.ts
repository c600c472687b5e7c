import {
  ArgumentError,
  CheckConstraint,
  type ColumnSpec,
  CompileError,
  CreateTable,
  column,
  ForeignKey,
  ForeignKeyConstraint,
  IdentifierError,
  Index,
  Integer,
  insert,
  literal,
  MetaData,
  PrimaryKeyConstraint,
  String,
  Table,
  UniqueConstraint,
} from "@athanor/core";
import { describe, expect, test } from "vitest";

// Schema objects refuse bad declarations at once, with an ArgumentError that names what is wrong.

describe("Table", () => {
  test("names must be non-empty and NUL-free", () => {
    const metadata = new MetaData();
    // IdentifierError is an ArgumentError about a name.
    expect(() => new Table("", metadata, { id: column(Integer) })).toThrow(
      new IdentifierError("Table: a name cannot be empty", ""),
    );
    expect(() => new Table("t", metadata, { id: column(Integer, { name: "" }) })).toThrow(
      new IdentifierError('column "id": a name cannot be empty', ""),
    );
  });

  test("a value that is not column(...) is refused", () => {
    // Columns that arrive untyped (here from JSON, as from a config file) are checked at run time.
    const columns: Record<string, ColumnSpec<unknown, boolean>> = JSON.parse('{"bad": {"type": "INTEGER"}}');
    expect(() => new Table("t", new MetaData(), columns)).toThrow(
      new ArgumentError("t.bad: expected column(type, ...)"),
    );
  });

  test("two keys cannot map to one SQL column name", () => {
    expect(
      () =>
        new Table("t", new MetaData(), {
          userId: column(Integer, { name: "user_id" }),
          user_id: column(Integer),
        }),
    ).toThrow(new ArgumentError('table "t" has two columns named "user_id"'));
  });

  test("the primary key is given once: by columns or by a PrimaryKeyConstraint", () => {
    expect(
      () =>
        new Table(
          "t",
          new MetaData(),
          { id: column(Integer, { primaryKey: true }) },
          PrimaryKeyConstraint("id"),
        ),
    ).toThrow(new ArgumentError('table "t": give the primary key once (columns or a PrimaryKeyConstraint)'));
  });
});

describe("constraints", () => {
  test("a ForeignKeyConstraint needs one referenced column per column", () => {
    expect(() => new ForeignKeyConstraint(["a", "b"], ["x.id"])).toThrow(
      new ArgumentError("ForeignKeyConstraint needs as many referenced columns as columns (2 and 1)"),
    );
  });

  test("a foreign key target must be table.column or schema.table.column", () => {
    const metadata = new MetaData();
    const t = new Table("t", metadata, {
      id: column(Integer, { primaryKey: true }),
      ref: column(Integer, ForeignKey("nodot")),
    });
    const [fk] = t.foreignKeys;
    expect(() => fk?.referencedColumns).toThrow(ArgumentError);
    expect(() => fk?.referencedColumns).toThrow(/"nodot" is not "table.column" or "schema.table.column"/);
  });

  test("a constraint belongs to one table", () => {
    const metadata = new MetaData();
    const unique = UniqueConstraint("id");
    new Table("a", metadata, { id: column(Integer) }, unique);
    expect(() => new Table("b", metadata, { id: column(Integer) }, unique)).toThrow(
      new ArgumentError("a constraint belongs to one table"),
    );
    const fk = new ForeignKeyConstraint(["ref"], ["a.id"]);
    new Table("c", metadata, { ref: column(Integer) }, fk);
    expect(() => new Table("d", metadata, { ref: column(Integer) }, fk)).toThrow(
      new ArgumentError("a ForeignKeyConstraint belongs to one table"),
    );
  });

  test("a CheckConstraint needs SQL text or a boolean expression", () => {
    expect(() => CheckConstraint("   ")).toThrow(
      new ArgumentError("CheckConstraint needs SQL text or a boolean expression"),
    );
  });
});

describe("Index", () => {
  const metadata = new MetaData();
  const a = new Table("ia", metadata, { id: column(Integer), name: column(String) });
  const b = new Table("ib", metadata, { id: column(Integer) });

  test("an index needs a name and something to index", () => {
    expect(() => Index("", "id")).toThrow(new ArgumentError("an Index needs a name"));
    expect(() => Index("ix", { unique: true })).toThrow(
      new ArgumentError('Index "ix" needs at least one column or expression'),
    );
  });

  test("the index method is a plain word", () => {
    expect(() => Index("ix", "id", { using: "btree; drop table x" })).toThrow(
      new ArgumentError('Index "ix": unknown index method "btree; drop table x"'),
    );
  });

  test("an index is of one table", () => {
    expect(() => Index("ix_mixed", a.c.id, b.c.id)).toThrow(
      new ArgumentError('Index "ix_mixed" mixes columns of "ia" and "ib"'),
    );
    const index = Index("ix_name", a.c.name);
    expect(() => b.addIndex(index)).toThrow(new ArgumentError('Index "ix_name" belongs to another table'));
  });
});

describe("statements", () => {
  const t = new Table("conflicts", new MetaData(), {
    id: column(Integer, { primaryKey: true }),
    name: column(String),
  });

  test("ON CONFLICT names index elements or a constraint, not both", () => {
    expect(() =>
      insert(t)
        .values({ id: 1 })
        .onConflictDoNothing({ indexElements: ["id"], constraint: "conflicts_pkey" }),
    ).toThrow(new ArgumentError("ON CONFLICT names either indexElements or a constraint, not both"));
  });

  test("DDL refuses to write a value its column type refuses", () => {
    const table = new Table("typed_default", new MetaData(), {
      id: column(Integer, { serverDefault: literal(2 ** 40, Integer) }),
    });
    expect(() => new CreateTable(table).toString()).toThrow(CompileError);
    expect(() => new CreateTable(table).toString()).toThrow(
      /^cannot write 1099511627776 into the SQL as a value of type Integer: /,
    );
  });
});
