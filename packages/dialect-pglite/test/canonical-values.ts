/**
 * The canonical driver values (see the dialect brief's table), as SQL expressions and the exact JS
 * value each must come back as in DriverResult rows. PGlite runs with TimeZone UTC.
 */
export interface CanonicalCase {
  readonly name: string;
  readonly sql: string;
  readonly expected: unknown;
}

const uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";

export const scalarCases: readonly CanonicalCase[] = [
  { name: "bool true", sql: "true", expected: true },
  { name: "bool false", sql: "false", expected: false },
  { name: "int2", sql: "(-32768)::int2", expected: -32768 },
  { name: "int4", sql: "2147483647::int4", expected: 2147483647 },
  { name: "oid", sql: "4294967295::oid", expected: 4294967295 },
  { name: "int8 small", sql: "5::int8", expected: 5n },
  { name: "int8 max", sql: "9223372036854775807::int8", expected: 9223372036854775807n },
  { name: "int8 min", sql: "(-9223372036854775808)::int8", expected: -9223372036854775808n },
  { name: "float4", sql: "1.5::float4", expected: 1.5 },
  { name: "float4 NaN", sql: "'NaN'::float4", expected: Number.NaN },
  { name: "float8", sql: "0.1::float8", expected: 0.1 },
  { name: "float8 large", sql: "1e300::float8", expected: 1e300 },
  { name: "float8 NaN", sql: "'NaN'::float8", expected: Number.NaN },
  { name: "float8 Infinity", sql: "'Infinity'::float8", expected: Number.POSITIVE_INFINITY },
  { name: "float8 -Infinity", sql: "'-Infinity'::float8", expected: Number.NEGATIVE_INFINITY },
  { name: "numeric", sql: "12.50::numeric", expected: "12.50" },
  { name: "numeric NaN", sql: "'NaN'::numeric", expected: "NaN" },
  {
    name: "numeric wide",
    sql: "'-123456789012345678901234567890.123456789'::numeric",
    expected: "-123456789012345678901234567890.123456789",
  },
  { name: "text", sql: "'héllo ☃'::text", expected: "héllo ☃" },
  { name: "varchar", sql: "'v'::varchar(5)", expected: "v" },
  { name: "bpchar", sql: "'ab'::char(4)", expected: "ab  " },
  { name: "name", sql: "'n'::name", expected: "n" },
  { name: '"char"', sql: `'c'::"char"`, expected: "c" },
  { name: "inet", sql: "'192.168.0.1/24'::inet", expected: "192.168.0.1/24" },
  { name: "money", sql: "12.5::money", expected: "$12.50" },
  { name: "xml", sql: "'<a>x</a>'::xml", expected: "<a>x</a>" },
  { name: "point", sql: "'(1,2)'::point", expected: "(1,2)" },
  { name: "json", sql: `'{"a":[1,2.5,null],"b":"x"}'::json`, expected: { a: [1, 2.5, null], b: "x" } },
  { name: "json string", sql: `'"s"'::json`, expected: "s" },
  { name: "jsonb", sql: `'{"b":1,"a":{"c":true}}'::jsonb`, expected: { a: { c: true }, b: 1 } },
  { name: "jsonb null", sql: "'null'::jsonb", expected: null },
  { name: "date", sql: "'2024-01-31'::date", expected: "2024-01-31" },
  { name: "date infinity", sql: "'infinity'::date", expected: "infinity" },
  { name: "date -infinity", sql: "'-infinity'::date", expected: "-infinity" },
  { name: "date BC", sql: "'0044-03-15 BC'::date", expected: "0044-03-15 BC" },
  { name: "time", sql: "'12:00:00.123456'::time", expected: "12:00:00.123456" },
  { name: "timetz", sql: "'12:00:00+02'::timetz", expected: "12:00:00+02" },
  {
    name: "timestamp",
    sql: "'2024-01-31 12:00:00.123456'::timestamp",
    expected: "2024-01-31 12:00:00.123456",
  },
  {
    name: "timestamptz",
    sql: "'2024-01-31 12:00:00.123456+00'::timestamptz",
    expected: "2024-01-31 12:00:00.123456+00",
  },
  { name: "timestamptz infinity", sql: "'infinity'::timestamptz", expected: "infinity" },
  { name: "timestamp -infinity", sql: "'-infinity'::timestamp", expected: "-infinity" },
  {
    name: "interval",
    sql: "'1 year 2 mons 3 days 04:05:06'::interval",
    expected: "1 year 2 mons 3 days 04:05:06",
  },
  { name: "interval negative", sql: "'-1 day -00:00:01.5'::interval", expected: "-1 days -00:00:01.5" },
  { name: "uuid", sql: `'${uuid}'::uuid`, expected: uuid },
  { name: "bytea", sql: "'\\x0102ff'::bytea", expected: new Uint8Array([1, 2, 255]) },
  { name: "bytea empty", sql: "''::bytea", expected: new Uint8Array([]) },
  { name: "NULL int8", sql: "null::int8", expected: null },
  { name: "NULL text", sql: "null::text", expected: null },
  { name: "NULL bytea", sql: "null::bytea", expected: null },
];

export const arrayCases: readonly CanonicalCase[] = [
  { name: "bool[]", sql: "array[true, null, false]", expected: [true, null, false] },
  { name: "int2[]", sql: "array[1, null]::int2[]", expected: [1, null] },
  {
    name: "int4[] 2-D",
    sql: "array[array[1, 2], array[3, null]]",
    expected: [
      [1, 2],
      [3, null],
    ],
  },
  { name: "int4[] empty", sql: "'{}'::int4[]", expected: [] },
  { name: "int4[] lower bound 0", sql: "'[0:1]={1,2}'::int4[]", expected: [1, 2] },
  { name: "oid[]", sql: "array[1, null]::oid[]", expected: [1, null] },
  {
    name: "int8[]",
    sql: "array[1, null, 9223372036854775807]::int8[]",
    expected: [1n, null, 9223372036854775807n],
  },
  {
    name: "float8[]",
    sql: "array[1.5, 'NaN', 'Infinity', '-Infinity', null]::float8[]",
    expected: [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null],
  },
  { name: "float4[]", sql: "array[0.5, null]::float4[]", expected: [0.5, null] },
  {
    name: "numeric[]",
    sql: "array['12.50', null, 'NaN', '-0.001']::numeric[]",
    expected: ["12.50", null, "NaN", "-0.001"],
  },
  {
    name: "text[]",
    sql: `array['a"b', 'c,d', null, 'NULL', '', 'back\\slash', ' sp ', '{x}']::text[]`,
    expected: ['a"b', "c,d", null, "NULL", "", "back\\slash", " sp ", "{x}"],
  },
  { name: "varchar[]", sql: "array['v', null]::varchar[]", expected: ["v", null] },
  { name: "bpchar[]", sql: "array['ab', null]::char(3)[]", expected: ["ab ", null] },
  { name: "name[]", sql: "array['n', null]::name[]", expected: ["n", null] },
  { name: "inet[]", sql: "array['10.0.0.1', null]::inet[]", expected: ["10.0.0.1", null] },
  {
    name: "date[]",
    sql: "array['2024-01-31', null, 'infinity', '-infinity']::date[]",
    expected: ["2024-01-31", null, "infinity", "-infinity"],
  },
  { name: "time[]", sql: "array['12:00:00.5', null]::time[]", expected: ["12:00:00.5", null] },
  { name: "timetz[]", sql: "array['12:00:00+02', null]::timetz[]", expected: ["12:00:00+02", null] },
  {
    name: "timestamp[]",
    sql: "array['2024-01-31 12:00:00.5', null, 'infinity']::timestamp[]",
    expected: ["2024-01-31 12:00:00.5", null, "infinity"],
  },
  {
    name: "timestamptz[]",
    sql: "array['2024-01-31 12:00:00+00', null]::timestamptz[]",
    expected: ["2024-01-31 12:00:00+00", null],
  },
  {
    name: "interval[]",
    sql: "array['1 year 2 mons', null]::interval[]",
    expected: ["1 year 2 mons", null],
  },
  {
    name: "json[]",
    sql: `array['{"a":1}', null, '[1,"x"]', 'null']::json[]`,
    expected: [{ a: 1 }, null, [1, "x"], null],
  },
  { name: "jsonb[]", sql: `array['{"a":"b,c"}', null]::jsonb[]`, expected: [{ a: "b,c" }, null] },
  { name: "uuid[]", sql: `array[null, '${uuid}']::uuid[]`, expected: [null, uuid] },
  {
    name: "bytea[]",
    sql: "array['\\x01ff'::bytea, null, ''::bytea]",
    expected: [new Uint8Array([1, 255]), null, new Uint8Array([])],
  },
  { name: "NULL array", sql: "null::int8[]", expected: null },
];
