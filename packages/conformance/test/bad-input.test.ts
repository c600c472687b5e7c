import { forEachDriver } from "@athanor/conformance";
import {
  ARRAY,
  type Connection,
  column,
  DateTime,
  DropConstraint,
  type Engine,
  event,
  Float,
  ForeignKey,
  IdentifierError,
  Integer,
  insert,
  JSONB,
  JSON as JsonColumn,
  MetaData,
  type Op,
  type Parameters,
  run,
  type Statement,
  StatementError,
  String,
  select,
  Table,
  Text,
  text,
  Unmapped,
} from "@athanor/core";
import { rejection, thrown } from "@athanor/testing";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";

/**
 * Bad input that used to reach the server or change on the way (issue 10, defect 7): names longer than
 * PostgreSQL's 63 bytes, unpaired UTF-16 surrogates, -0, values an untyped bind cannot mean, Invalid
 * Dates inside arrays. On every driver each is refused before any SQL is sent, so nothing is written,
 * or (-0, names Athanor makes up) now reaches the server intact.
 */

const metadata = new MetaData();
const notes = new Table("bad_input_notes", metadata, {
  id: column(Integer, { primaryKey: true, autoincrement: false }),
  body: column(Text),
  label: column(String(20)),
  doc: column(JsonColumn()),
  docb: column(JSONB()),
  stamps: column(ARRAY(DateTime({ timezone: true }))),
  // A type Athanor does not check: only the array's own formatting meets the Invalid Date.
  rawStamps: column(ARRAY(Unmapped("timestamptz")), { name: "raw_stamps" }),
});
const floats = new Table("bad_input_floats", metadata, {
  id: column(Integer, { primaryKey: true, autoincrement: false }),
  double: column(Float()),
  real: column(Float(24)),
  doubles: column(ARRAY(Float())),
});

/**
 * Two tables whose names (61 bytes) fit but share their first 58 bytes: the index and foreign key
 * names Athanor derives from them (ix_<table>_code, <table>_parent_fkey) do not fit.
 */
function derivedNamesSchema(): { metadata: MetaData; tables: Table[] } {
  const local = new MetaData();
  new Table("bad_input_parents", local, { id: column(Integer, { primaryKey: true, autoincrement: false }) });
  const stem = "bad_input_".padEnd(58, "x");
  const tables = ["a1", "a2"].map(
    (suffix) =>
      new Table(`${stem}_${suffix}`, local, {
        id: column(Integer, { primaryKey: true, autoincrement: false }),
        code: column(Integer, { index: true }),
        parent: column(Integer, ForeignKey("bad_input_parents.id")),
      }),
  );
  return { metadata: local, tables };
}

class Point {
  readonly x: number;
  constructor(x: number) {
    this.x = x;
  }
}

forEachDriver((target) => {
  let engine: Engine;
  /** The SQL of every statement the engine sent to the driver (a refused one must add nothing). */
  const sent: string[] = [];

  beforeAll(async () => {
    engine = target.engine();
    event.listen(engine, "beforeCursorExecute", (_conn, sql) => {
      sent.push(sql);
    });
    await run(
      engine.begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
      }),
    );
  });

  beforeEach(async () => {
    await target.db.query("delete from bad_input_notes");
    await target.db.query("delete from bad_input_floats");
    sent.length = 0;
  });

  /** Runs `body` in a transaction (committed when it returns). */
  function transact<T>(body: (conn: Connection) => Op<T>): Promise<T> {
    return run(
      engine.begin(function* (conn) {
        return yield* body(conn);
      }),
    );
  }

  /** Runs `body` on a connection. */
  function read<T>(body: (conn: Connection) => Op<T>): Promise<T> {
    return run(
      engine.connect(function* (conn) {
        return yield* body(conn);
      }),
    );
  }

  async function rowCount(table: string): Promise<number> {
    const [row] = await target.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    if (row === undefined) throw new Error("count(*) returns a row");
    return row.n;
  }

  /** The StatementError executing `statement` raises; it must have sent no SQL. */
  async function refused(statement: Statement, params?: Parameters): Promise<StatementError> {
    const error = await rejection(
      run(
        engine.begin(function* (conn) {
          yield* conn.execute(statement, params);
        }),
      ),
    );
    expect(error).toBeInstanceOf(StatementError);
    if (!(error instanceof StatementError)) throw error;
    expect(sent).toEqual([]);
    return error;
  }

  describe("identifiers longer than 63 bytes", () => {
    test("two long table names are refused, naming the name, its length and the limit; no table is created", async () => {
      const local = new MetaData();
      for (const name of [
        `${"bad_input_long".padEnd(63, "n")}_one`,
        `${"bad_input_long".padEnd(63, "n")}_two`,
      ]) {
        const error = thrown(() => new Table(name, local, { id: column(Integer, { primaryKey: true }) }));
        expect(error).toBeInstanceOf(IdentifierError);
        if (!(error instanceof IdentifierError)) throw error;
        expect(error.identifier).toBe(name);
        expect(error.message).toContain(`"${name}" is 67 bytes`);
        expect(error.message).toContain("63 bytes");
      }
      await transact((conn) => local.createAll(conn));
      const tables = await target.db.query(
        "select tablename from pg_tables where tablename like 'bad_input_long%'",
      );
      expect(tables).toEqual([]);
    });

    test("a name of 32 two-byte characters is 64 bytes: refused though it is 32 characters", () => {
      const name = "é".repeat(32);
      const error = thrown(() => new Table(name, new MetaData(), { id: column(Integer) }));
      expect(error).toBeInstanceOf(IdentifierError);
      expect(error).toHaveProperty("message", expect.stringContaining("is 64 bytes"));
    });

    test("index and foreign key names derived from long table names are shortened apart", async () => {
      const { metadata: local, tables } = derivedNamesSchema();
      // Truncated by the server both index names were ix_bad_input_xxx...x_a: the second CREATE INDEX failed.
      await transact((conn) => local.createAll(conn));
      const names = tables.flatMap((table) => table.indexes.map((index) => index.name));
      const indexes = await target.db.query<{ indexname: string }>(
        `select indexname from pg_indexes where indexname like 'ix_bad_input_%' order by indexname`,
      );
      expect(indexes.map((row) => row.indexname)).toEqual([...names].sort());
      expect(new Set(names).size).toBe(2);
      for (const name of names) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^ix_bad_input_x+_[0-9a-f]{8}$/);
      }
      // The foreign keys were created under the names DropConstraint finds them by.
      for (const table of tables) {
        const [fk] = table.foreignKeys;
        if (fk === undefined) throw new Error("the table has a foreign key");
        await transact((conn) => conn.execute(new DropConstraint(fk)));
      }
      const left = await target.db.query(
        "select conname from pg_constraint where contype = 'f' and conname like 'bad_input_%'",
      );
      expect(left).toEqual([]);
      await transact((conn) => local.dropAll(conn));
    });
  });

  describe("unpaired UTF-16 surrogates", () => {
    test.each([
      ["TEXT", () => insert(notes).values({ id: 1, body: "a\ud800b" }), "bad_input_notes.body", "a\ud800b"],
      [
        "VARCHAR(20)",
        () => insert(notes).values({ id: 1, label: "\udc00" }),
        "bad_input_notes.label",
        "\udc00",
      ],
    ])("into a %s column: refused before sending, nothing written", async (_type, statement, path, value) => {
      const error = await refused(statement());
      expect(error.column).toBe(path);
      expect(error.value).toBe(value);
      expect(error.message).toContain(`invalid value for ${path}`);
      expect(error.message).toContain("text cannot contain an unpaired UTF-16 surrogate");
      expect(await rowCount("bad_input_notes")).toBe(0);
    });

    test("as an untyped text() parameter: refused before sending, nothing written", async () => {
      const error = await refused(text("insert into bad_input_notes (id, body) values (:id, :body)"), {
        id: 1,
        body: "x\udfff",
      });
      expect(error.value).toBe("x\udfff");
      expect(error.message).toContain('invalid value for parameter "body": "x\\udfff"');
      expect(error.message).toContain("unpaired UTF-16 surrogate");
      expect(await rowCount("bad_input_notes")).toBe(0);
    });

    test("NUL as an untyped text() parameter is refused the same way (it reached the server before)", async () => {
      const error = await refused(text("insert into bad_input_notes (id, body) values (:id, :body)"), {
        id: 1,
        body: "a\u0000b",
      });
      expect(error.message).toContain("text cannot contain NUL (\\u0000)");
      expect(await rowCount("bad_input_notes")).toBe(0);
    });

    test("JSONB refuses one before sending; JSON keeps it exactly (as a \\ud800 escape in its text)", async () => {
      const error = await refused(insert(notes).values({ id: 1, docb: { k: "a\ud800" } }));
      expect(error.column).toBe("bad_input_notes.docb");
      expect(error.message).toContain("jsonb cannot hold an unpaired UTF-16 surrogate");
      await transact((conn) => conn.execute(insert(notes).values({ id: 2, doc: { k: "a\ud800" } })));
      // The listener does see statements that are sent.
      expect(sent).toEqual([expect.stringMatching(/^insert into "bad_input_notes"/)]);
      const doc = await read((conn) => conn.scalar(select(notes.c.doc).where(notes.c.id.eq(2))));
      expect(doc).toEqual({ k: "a\ud800" });
    });
  });

  describe("-0", () => {
    test("round-trips through DOUBLE PRECISION, REAL and DOUBLE PRECISION[] columns", async () => {
      await transact((conn) =>
        conn.execute(insert(floats).values({ id: 1, double: -0, real: -0, doubles: [-0, 0] })),
      );
      const row = await run(
        engine.connect(function* (conn) {
          return (yield* conn.execute(select(floats.c.double, floats.c.real, floats.c.doubles))).one();
        }),
      );
      expect(row.double).toBe(-0);
      expect(row.real).toBe(-0);
      expect(row.doubles).toEqual([-0, 0]);
      expect(row.doubles?.[0]).toBe(-0);
      expect(row.doubles?.[1]).toBe(0);
      // The server holds -0 (not a 0 that reads back as -0).
      const [stored] = await target.db.query(
        "select double::text, real::text, doubles::text from bad_input_floats",
      );
      expect(stored).toEqual({ double: "-0", real: "-0", doubles: "{-0,0}" });
    });

    test("round-trips as an untyped text() parameter and through execDriverSql", async () => {
      const [viaText, viaDriver] = await run(
        engine.connect(function* (conn) {
          const viaText = yield* conn.scalar(text("select :x::float8"), { x: -0 });
          const viaDriver = (yield* conn.execDriverSql("select $1::float8", [-0])).scalar();
          return [viaText, viaDriver];
        }),
      );
      expect(viaText).toBe(-0);
      expect(viaDriver).toBe(-0);
    });
  });

  describe("untyped text() parameters that have no SQL meaning", () => {
    const insertBody = text("insert into bad_input_notes (id, body) values (:id, :body)");
    test.each([
      ["a function", () => 1, "a function"],
      ["a symbol", Symbol("s"), "a symbol"],
      ["a Map", new Map([[1, 2]]), "a Map"],
      ["a Set", new Set([1]), "a Set"],
      ["a WeakMap", new WeakMap(), "a WeakMap"],
      ["a class instance", new Point(1), "a Point"],
      ["an Invalid Date", new Date(Number.NaN), "an Invalid Date"],
      ["an array holding a Map", ["a", new Map()], "[1]: a Map"],
      ["a plain object holding a function", { f: () => 1 }, "$.f: a function is not JSON"],
    ])("%s is refused before sending, naming the parameter; nothing written", async (_name, value, kind) => {
      const error = await refused(insertBody, { id: 1, body: value });
      expect(error.message).toContain('invalid value for parameter "body"');
      expect(error.message).toContain(kind);
      expect(error.value).toBe(value);
      expect(await rowCount("bad_input_notes")).toBe(0);
    });

    test("values with a SQL meaning still bind: strings, numbers, bigints, booleans, Dates, bytes, arrays, plain objects", async () => {
      const read = await run(
        engine.connect(function* (conn) {
          return (yield* conn.execute(
            text(
              "select :s::text as s, :n::float8 as n, :b::int8 as b, :t::bool as t, :d::timestamptz as d, :y::bytea as y, :a::int[] as a, :o::jsonb as o",
            ),
            {
              s: "zoë 🚀",
              n: 1.5,
              b: 9007199254740993n,
              t: true,
              d: new Date("2024-01-31T12:00:00Z"),
              y: new Uint8Array([0, 255]),
              a: [1, null, 3],
              o: { k: [1, "two"] },
            },
          )).one();
        }),
      );
      expect(read.s).toBe("zoë 🚀");
      expect(read.n).toBe(1.5);
      expect(read.b).toBe(9007199254740993n);
      expect(read.t).toBe(true);
      expect(read.d).toBe("2024-01-31 12:00:00+00");
      // Raw driver values: node-postgres and postgres.js hand bytea over as a Buffer.
      const bytes = read.y;
      expect(bytes).toBeInstanceOf(Uint8Array);
      if (!(bytes instanceof Uint8Array)) throw new Error("bytea reads as bytes");
      expect([...bytes]).toEqual([0, 255]);
      expect(read.a).toEqual([1, null, 3]);
      expect(read.o).toEqual({ k: [1, "two"] });
    });
  });

  describe("an Invalid Date inside an array", () => {
    test.each([
      [
        "TIMESTAMPTZ[] (ARRAY(DateTime))",
        () => insert(notes).values({ id: 1, stamps: [new Date(0), new Date(Number.NaN)] }),
        "bad_input_notes.stamps",
      ],
      [
        "timestamptz[] (ARRAY(Unmapped))",
        () => insert(notes).values({ id: 1, rawStamps: [new Date(0), new Date(Number.NaN)] }),
        "bad_input_notes.raw_stamps",
      ],
    ])(
      "into %s: the StatementError a scalar gets, naming the column; nothing written",
      async (_type, statement, path) => {
        const error = await refused(statement());
        expect(error.column).toBe(path);
        expect(error.message).toContain(
          `invalid value for ${path}: [Date(1970-01-01T00:00:00.000Z),Date(Invalid)]`,
        );
        expect(error.message).toContain("an Invalid Date");
        expect(await rowCount("bad_input_notes")).toBe(0);
      },
    );
  });
});
