import {
  ArgumentError,
  AthanorError,
  and_,
  Boolean as BooleanType,
  type Compiled,
  case_,
  column,
  exists,
  Float,
  func,
  Integer,
  insert,
  literal,
  MetaData,
  not_,
  SmallInteger,
  StatementError,
  String as StringType,
  select,
  Table,
  Text,
  text,
} from "@athanor/core";
import { forEachDatabase, type TestDatabase } from "@athanor/testing";
import { beforeAll, describe, expect, test } from "vitest";

/**
 * The shrunk counterexamples of known-bugs.test.ts as plain tests, each asserting the behaviour a
 * fix should give. They fail while the bug is there.
 */

const metadata = new MetaData();
const t = new Table("t", metadata, {
  x: column(Integer),
  small: column(SmallInteger),
  s: column(Text),
  v: column(StringType(3)),
  r: column(Float(24)),
  b: column(BooleanType),
});
const o = new Table("o", metadata, { y: column(Integer) });
/** A table named like the alias of the first unnamed subquery of a statement. */
const anon = new Table("anon_1", new MetaData(), { b: column(BooleanType) });

describe("compile", () => {
  test("-(-x) is not written --x, which comments out the rest of the line", () => {
    // doubleNegation: `select --"t"."x" from "t"` runs as a bare `select`.
    expect(select(t.c.x.neg().neg()).compile().sql).not.toMatch(/--/);
  });

  test("VARCHAR(n) counts characters, not UTF-16 units", () => {
    // varcharColumns: "NULL 𐀀⁂" (7 characters, 8 UTF-16 units) refused for a VARCHAR(7) column.
    expect(() => select(t.c.x).where(t.c.v.eq("😀😀😀")).compile()).not.toThrow();
    expect(() => insert(t).values({ v: "é😀é" }).compile()).not.toThrow();
  });

  test("contains() of a value that fits a VARCHAR(n) column compiles (its % wildcards are not stored)", () => {
    expect(() => select(t.c.x).where(t.c.v.contains("abc")).compile()).not.toThrow();
    expect(() => select(t.c.x).where(t.c.v.startswith("ab_")).compile()).not.toThrow();
  });

  test("a REAL column refuses values outside float4 range before anything is sent", () => {
    // realColumns: -5e-324 (underflow) reaches PostgreSQL, which refuses it.
    expect(() => insert(t).values({ r: 1e39 }).compile()).toThrow(StatementError);
    expect(() => select(t.c.x).where(t.c.r.eq(-5e-324)).compile()).toThrow(StatementError);
  });

  test("LIMIT and OFFSET take any count PostgreSQL takes (bigint), not only int4", () => {
    // bigLimits: limit(2147483648) raises StatementError at compile.
    const compiled = select(t.c.x)
      .limit(2 ** 31)
      .offset(2 ** 40)
      .compile();
    expect(compiled.parameters).toEqual([2 ** 31, 2 ** 40]);
  });

  test("a column with the attribute key __proto__ is kept (or refused), not silently dropped", () => {
    // protoKeys: table "group" has no column "__proto__" after declaring one.
    let table: Table;
    try {
      table = new Table(
        "p",
        new MetaData(),
        Object.fromEntries([
          ["__proto__", column(Integer)],
          ["y", column(Integer)],
        ]),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ArgumentError);
      return;
    }
    expect(select(table).compile().sql).toBe('select "p"."__proto__", "p"."y" from "p"');
  });

  test("a subquery keeps columns keyed like Object.prototype members (toString, constructor)", () => {
    const q = new Table("q", new MetaData(), { toString: column(Integer), constructor: column(Text) });
    const sq = select(q, q.c.toString.label("valueOf")).subquery("s");
    expect(Object.keys(sq.columns)).toEqual(["toString", "constructor", "valueOf"]);
  });

  test("a NUL in a name is refused with an AthanorError", () => {
    // NUL in a name: `select " "."x" from " "` with " " holding NUL compiles; PGlite then fails with
    // "insufficient data left in message".
    expect(() => select(new Table("a\u0000", new MetaData(), { x: column(Integer) }).c.x).compile()).toThrow(
      AthanorError,
    );
  });

  describe("text() splits parameters as PostgreSQL's lexer reads the SQL", () => {
    test("an E'' string with \\' is one string", () => {
      // textLexing: text("select E'\\'', -- \n0") raises "unterminated string".
      expect(text("select E'\\'' as q, :a::text").bindparams({ a: "x" }).compile().sql).toBe(
        "select E'\\'' as q, $1::text",
      );
    });
    test("a quote inside a block comment is not a string", () => {
      expect(text("select /* it's */ :a::text").bindparams({ a: "x" }).compile().sql).toBe(
        "select /* it's */ $1::text",
      );
    });
    test(":name inside a dollar-quoted string is not a parameter", () => {
      const compiled = text("select $$:a$$ as q").compile();
      expect(compiled.sql).toBe("select $$:a$$ as q");
      expect(compiled.parameters).toEqual([]);
    });
    test("a carriage return ends a line comment", () => {
      expect(text("select 1 -- c\r, :a::text").bindparams({ a: "x" }).compile().sql).toBe(
        "select 1 -- c\r, $1::text",
      );
    });
  });
});

/** Compiles the statement and runs it on `db`, giving its rows. */
async function runs(
  db: TestDatabase,
  statement: { compile(): Compiled },
): Promise<Record<string, unknown>[]> {
  const compiled = statement.compile();
  return db.query(compiled.sql, compiled.parameters);
}

forEachDatabase((db) => {
  beforeAll(async () => {
    await db.query(
      'create table "t" ("x" integer, "small" smallint, "s" text, "v" varchar(3), "r" real, "b" boolean)',
    );
    await db.query('create table "o" ("y" integer)');
    await db.query('create table "anon_1" ("b" boolean)');
    await db.query(`insert into "t" values (1, 1, 'a', 'abc', 1, true)`);
    await db.query('insert into "o" values (1), (2)');
    await db.query('insert into "anon_1" values (false)');
  });

  test("-(-x) is x", async () => {
    const rows = await runs(db, select(t.c.x.neg().neg().label("n")));
    expect(rows).toEqual([{ n: 1 }]);
  });

  test("comparisons of comparisons, and LIKE / BETWEEN inside BETWEEN / IN, parse", async () => {
    // nonAssociativeChains: `"x" between $1 and $2 between coalesce((select ...)) and $3`.
    // t holds one row, x = 1, s = 'a'.
    expect(await runs(db, select(t.c.x).where(t.c.x.eq(1).eq(true)))).toEqual([{ x: 1 }]);
    expect(await runs(db, select(t.c.x).where(t.c.x.isDistinctFrom(1).isDistinctFrom(true)))).toEqual([
      { x: 1 },
    ]);
    expect(await runs(db, select(t.c.x).where(t.c.x.isDistinctFrom(1).isNull()))).toEqual([]);
    expect(await runs(db, select(t.c.x).where(t.c.x.between(0, 2).between(false, true)))).toEqual([{ x: 1 }]);
    expect(await runs(db, select(t.c.x).where(t.c.s.like("a").in([true])))).toEqual([{ x: 1 }]);
  });

  test("a label used as an operand or sort key", async () => {
    // labelsInExpressions: `... where "select"."" as " " like $1`; then, rendered bare, without its
    // expression's precedence: `... between not " "."where" in (select ...) and false`.
    const n = t.c.x.label("n");
    expect(await runs(db, select(t.c.x).where(n.eq(1)))).toEqual([{ x: 1 }]);
    expect(await runs(db, select(n).orderBy(n))).toEqual([{ n: 1 }]);
    expect(await runs(db, select(t.c.x).where(t.c.b.between(not_(t.c.b).label("nb"), true)))).toEqual([
      { x: 1 },
    ]);
    expect(await runs(db, select(t.c.x.add(1).label("n").mul(2).label("m")))).toEqual([{ m: 4 }]);
  });

  test("a compound whose first member has its own LIMIT, inside IN and as a subquery", async () => {
    // parenthesisedCompounds: `exists (select ... limit $1) union (select ...)`.
    const compound = select(o.c.y).limit(1).union(select(o.c.y));
    expect(await runs(db, select(t.c.x).where(t.c.x.in(compound)))).toEqual([{ x: 1 }]);
    const ys = (await runs(db, select(compound.subquery()))).map((row) => row["y"]);
    expect(ys.sort()).toEqual([1, 2]);
  });

  test("insert(t).values({}) inserts a row of defaults", async () => {
    // emptyInsert: `insert into "" values ()`.
    await db.query("begin");
    try {
      expect(await runs(db, insert(o).values({}))).toEqual([]);
      expect(await db.query('select count(*)::int as n from "o" where "y" is null')).toEqual([{ n: 1 }]);
    } finally {
      await db.query("rollback");
    }
  });

  test("a literal keeps the type Athanor gave it, whatever PostgreSQL would infer from its context", async () => {
    // untypedLiterals: `case when ... then "select" when ... then $1 end = $2` with $1 = -32769 for
    // a SMALLINT column: literal() typed it INTEGER, PostgreSQL typed it smallint. Literals now
    // carry their type as a cast, so each of these runs and gives the value its type says.
    const values = async (statement: { compile(): Compiled }) =>
      (await runs(db, statement)).map((row) => Object.values(row));
    expect(await values(select(case_([[t.c.b, t.c.small]], { else: 40000 })))).toEqual([[1]]);
    expect(await values(select(func.coalesce(t.c.x, 1.5)))).toEqual([[1]]);
    expect(await values(select(t.c.x).where(t.c.x.eq(literal(1.5))))).toEqual([]);
    expect(() => select(t.c.small).where(t.c.small.eq(40000)).compile()).toThrow(StatementError);
  });

  test("ORDER BY an empty IN (or an empty and_) is not a bare constant", async () => {
    // constantSortKeys: `select ... from "" full join "" on ... order by true` (and_()).
    expect(await runs(db, select(t.c.x).orderBy(t.c.x.in([])))).toEqual([{ x: 1 }]);
    expect(await runs(db, select(t.c.x).orderBy(and_()))).toEqual([{ x: 1 }]);
  });

  test("a table named anon_1 does not capture references to the unnamed subquery", async () => {
    // anonymousNames: `... from (select ...) as "anon_1" where ... (select ... from "anon_1" where
    // "anon_1"."select")` read "select" of the table, not of the subquery.
    const sq = select(t.c.x, t.c.b).subquery();
    const rows = await runs(db, select(sq.c.x).where(exists(select(anon.c.b).where(sq.c.b))));
    expect(rows).toEqual([{ x: 1 }]);
  });
});
