import {
  ARRAY,
  bindparam,
  CompileError,
  column,
  DateTime,
  Enum,
  Float,
  Integer,
  insert,
  JSONB,
  JSON as JsonType,
  literal,
  MetaData,
  StatementError,
  String,
  select,
  Table,
  Text,
  text,
  Unmapped,
} from "@athanor/core";
import { thrown } from "@athanor/testing";
import { describe, expect, test } from "vitest";

/**
 * Values that reached the server, or changed on the way, before issue 10 (defect 7): refused by
 * compile(), so nothing is ever sent (a compiled statement is what execution sends), or sent intact.
 */

const metadata = new MetaData();
const notes = new Table("notes", metadata, {
  id: column(Integer, { primaryKey: true }),
  body: column(Text),
  label: column(String(20)),
  stamps: column(ARRAY(DateTime({ timezone: true }))),
  rawStamps: column(ARRAY(Unmapped("timestamptz")), { name: "raw_stamps" }),
  doubles: column(ARRAY(Float())),
});

/** The StatementError compiling `statement` raises. */
function statementError(compile: () => unknown): StatementError {
  const error = thrown(compile);
  expect(error).toBeInstanceOf(StatementError);
  if (!(error instanceof StatementError)) throw error;
  return error;
}

/** An array that holds itself: its driver text would never end. */
const selfHolding: unknown[] = [];
selfHolding.push(selfHolding);

class Point {
  readonly x: number;
  constructor(x: number) {
    this.x = x;
  }
}

describe("unpaired UTF-16 surrogates (drivers send U+FFFD in their place)", () => {
  test.each([
    ["Text", Text()],
    ["String", String()],
    ["String(20)", String(20)],
  ])("%s refuses them, like NUL", (_name, type) => {
    for (const value of ["a\ud800b", "\udc00", "x\ud83d"]) {
      expect(type.validate(value)).toBe(false);
      expect(type.schema.safeParse(value).success).toBe(false);
      expect(type.explain(value)).toBe("text cannot contain an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)");
    }
    expect(type.validate("rocket 🚀")).toBe(true);
  });

  test("into a column: a StatementError naming the table, column and value", () => {
    const error = statementError(() => insert(notes).values({ id: 1, body: "a\ud800b" }).compile());
    expect(error.message).toBe(
      'invalid value for notes.body: "a\\ud800b" is not a valid Text (text cannot contain an unpaired UTF-16 surrogate (\\uD800-\\uDFFF))',
    );
    expect(error.column).toBe("notes.body");
    expect(error.value).toBe("a\ud800b");
    expect(error.statement).toMatch(/^insert into "notes"/);
  });

  test("as an untyped text() parameter, from the params or bindparams()", () => {
    const stmt = text("select :x::text");
    const fromParams = statementError(() => stmt.compile(undefined, { x: "\udfff" }));
    expect(fromParams.message).toBe(
      'invalid value for parameter "x": "\\udfff" is not a valid NullType (text cannot contain an unpaired UTF-16 surrogate (\\uD800-\\uDFFF))',
    );
    const bound = statementError(() => stmt.bindparams({ x: "\udfff" }).compile());
    expect(bound.message).toContain(
      "is not a valid String (text cannot contain an unpaired UTF-16 surrogate",
    );
  });

  test("an Enum label holding one is refused (labels are written into DDL)", () => {
    expect(() => Enum(["ok", "bad\ud800"], { name: "mood" })).toThrow(
      'Enum: values must be non-empty strings without NUL or unpaired surrogates, got "bad\\ud800"',
    );
  });

  test("JSON keeps one as a \\ud800 escape (its text reads back the same); JSONB refuses it", () => {
    expect(JsonType().validate({ k: "a\ud800" })).toBe(true);
    expect(JsonType().toDriver({ k: "a\ud800" })).toBe('{"k":"a\\ud800"}');
    expect(JSONB().explain({ k: "a\ud800" })).toBe(
      "$.k: jsonb cannot hold an unpaired UTF-16 surrogate in a string",
    );
  });

  test("raw SQL text holding one is refused by the compiler", () => {
    const error = thrown(() => text("select 'a\ud800'").compile());
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toHaveProperty(
      "message",
      `the SQL text contains an unpaired UTF-16 surrogate, which has no UTF-8 form: "select 'a\\ud800'"`,
    );
  });
});

describe("untyped parameters: only values with a SQL meaning", () => {
  const stmt = text("select :x");
  const hint =
    "(give the parameter a type, or pass a string, number, bigint, boolean, Date, Uint8Array, array or plain object)";
  test.each<[string, unknown, string]>([
    ["a function", () => 1, `a function has no SQL meaning as an untyped value ${hint}`],
    ["a symbol", Symbol("s"), `a symbol has no SQL meaning as an untyped value ${hint}`],
    ["a Map", new Map([[1, 2]]), `a Map has no SQL meaning as an untyped value ${hint}`],
    ["a Set", new Set([1]), `a Set has no SQL meaning as an untyped value ${hint}`],
    ["a WeakMap", new WeakMap(), `a WeakMap has no SQL meaning as an untyped value ${hint}`],
    ["a class instance", new Point(1), `a Point has no SQL meaning as an untyped value ${hint}`],
    ["an Int32Array", new Int32Array(1), `an Int32Array has no SQL meaning as an untyped value ${hint}`],
    ["an Invalid Date", new Date(Number.NaN), "an Invalid Date is not a SQL value"],
    ["NUL", "a\u0000b", "text cannot contain NUL (\\u0000)"],
    ["undefined in an array", [1, undefined], "[1]: undefined is not a SQL value (use null for NULL)"],
    [
      "a Map in a nested array",
      [[1], [new Map()]],
      `[1][0]: a Map has no SQL meaning as an untyped value ${hint}`,
    ],
    ["an array holding itself", selfHolding, "[0]: a cycle (the array contains itself)"],
    [
      "a plain object holding a Date",
      { at: new Date(0) },
      "$.at: a Date is not JSON (only plain objects, arrays, strings, finite numbers, booleans, null)",
    ],
    ["a plain object holding undefined", { a: undefined }, "$.a: undefined is not JSON"],
  ])("%s: refused by compile(), naming the parameter", (_name, value, reason) => {
    const error = statementError(() => stmt.compile(undefined, { x: value }));
    expect(error.message).toMatch(/^invalid value for parameter "x": .* is not a valid NullType \(/);
    expect(error.message.endsWith(`(${reason})`)).toBe(true);
    expect(error.value).toBe(value);
    expect(error.column).toBeUndefined();
  });

  test("the refused value is shown for what it is", () => {
    expect(statementError(() => stmt.compile(undefined, { x: new Map([[1, 2]]) })).message).toContain(
      'parameter "x": Map is not',
    );
    expect(statementError(() => stmt.compile(undefined, { x: new Point(1) })).message).toContain(
      'parameter "x": Point {"x":1} is not',
    );
    expect(statementError(() => stmt.compile(undefined, { x: new Date(Number.NaN) })).message).toContain(
      'parameter "x": Date(Invalid) is not',
    );
  });

  test("bindparam() and literal() of such a value (typed NullType by inference) are refused too", () => {
    expect(statementError(() => select(bindparam("p", new Set())).compile()).message).toContain(
      'invalid value for parameter "p": Set is not a valid NullType (a Set has no SQL meaning',
    );
    expect(statementError(() => select(literal(new Point(2))).compile()).message).toContain(
      'invalid value for a bound parameter: Point {"x":2} is not a valid NullType (a Point has no SQL meaning',
    );
  });

  test("values with a SQL meaning go to the driver as they are", () => {
    const values = [
      "zoë 🚀",
      -1.5,
      -0,
      Number.NaN,
      2n ** 64n,
      false,
      new Date(0),
      new Uint8Array([1, 2]),
      Buffer.from([3]),
      [1, null, [2]],
      { k: [1, "two", null], nested: { ok: true } },
      null,
    ];
    for (const value of values) expect(stmt.compile(undefined, { x: value }).parameters).toEqual([value]);
    expect(Object.is(stmt.compile(undefined, { x: -0 }).parameters[0], -0)).toBe(true);
  });
});

describe("an Invalid Date inside an array", () => {
  test("ARRAY(DateTime): the StatementError a scalar gets, showing the Invalid Date", () => {
    const error = statementError(() =>
      insert(notes)
        .values({ id: 1, stamps: [new Date(0), new Date(Number.NaN)] })
        .compile(),
    );
    expect(error.message).toBe(
      "invalid value for notes.stamps: [Date(1970-01-01T00:00:00.000Z),Date(Invalid)] is not a valid ARRAY (an Invalid Date)",
    );
    expect(error.column).toBe("notes.stamps");
  });

  test("ARRAY of a type that checks nothing: a StatementError, not the RangeError of toISOString", () => {
    const value = [new Date(0), new Date(Number.NaN)];
    const error = statementError(() => insert(notes).values({ id: 1, rawStamps: value }).compile());
    expect(error.message).toBe(
      "invalid value for notes.raw_stamps: [Date(1970-01-01T00:00:00.000Z),Date(Invalid)] is not a valid ARRAY (an Invalid Date has no text to put in an array)",
    );
    expect(error.column).toBe("notes.raw_stamps");
    expect(error.value).toBe(value);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe("-0", () => {
  test("an ARRAY(Float) writes it as -0 (String(-0) is 0)", () => {
    expect(ARRAY(Float()).toDriver([-0, 0, null])).toBe('{"-0","0",NULL}');
    expect(ARRAY(Float(24)).toDriver([-0])).toBe('{"-0"}');
  });

  test("a Float column hands it to the driver as -0", () => {
    const { parameters } = insert(notes)
      .values({ id: 1, doubles: [-0] })
      .compile();
    expect(parameters).toEqual([1, '{"-0"}']);
    const scalar = select(literal(-0, Float())).compile().parameters[0];
    expect(Object.is(scalar, -0)).toBe(true);
  });
});
