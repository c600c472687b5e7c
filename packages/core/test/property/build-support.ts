import {
  BigInteger,
  Boolean as BooleanType,
  ColumnElement,
  column,
  Float,
  type FromClause,
  Integer,
  MetaData,
  type SelectBase,
  SmallInteger,
  type SqlType,
  String as StringType,
  Table,
  Text,
} from "@athanor/core";
import type { JsValue } from "./build-values.ts";
import {
  type CmpOp,
  type Expr,
  type Family,
  familyOf,
  type SchemaPlan,
  type SetOp,
  type TablePlan,
  type TypeSpec,
} from "./plan.ts";

/** What the builder stands on: the tables of a schema plan, our own DDL, small element helpers. */

export interface Col {
  readonly el: ColumnElement<unknown>;
  readonly spec: TypeSpec;
  readonly key: string;
  readonly name: string;
}

export interface Source {
  readonly from: FromClause;
  /** How the SQL qualifies its columns. */
  readonly qualifier: string;
  readonly cols: Readonly<Record<Family, readonly Col[]>>;
}

export type Scope = readonly Source[];

export interface Typed {
  readonly el: ColumnElement<unknown>;
  readonly spec: TypeSpec;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlType(spec: TypeSpec): SqlType<unknown> {
  if (typeof spec === "object") return StringType(spec.varchar);
  switch (spec) {
    case "integer":
      return Integer();
    case "smallint":
      return SmallInteger();
    case "bigint":
      return BigInteger();
    case "double":
      return Float();
    case "real":
      return Float(24);
    case "text":
      return Text();
    case "varchar":
      return StringType();
    case "boolean":
      return BooleanType();
  }
}

function ddlType(spec: TypeSpec): string {
  if (typeof spec === "object") return `varchar(${spec.varchar})`;
  return spec === "double" ? "double precision" : spec;
}

/** CREATE TABLE statements for a schema plan, written by hand (not by Athanor). */
export function schemaDdl(plan: SchemaPlan): string[] {
  return plan.tables.map(
    (table) =>
      `create table ${quoteIdentifier(table.name)} (${table.columns
        .map((c) => `${quoteIdentifier(c.name)} ${ddlType(c.type)}`)
        .join(", ")})`,
  );
}

export interface BuiltSchema {
  readonly plan: SchemaPlan;
  readonly tables: readonly [Source, Source, Source];
}

function keyOf(plan: TablePlan, index: number): string {
  const c = plan.columns[index]!;
  return c.keyed ? `k${index}` : c.name;
}

function tableSource(plan: TablePlan): Source {
  const specs = Object.fromEntries(
    plan.columns.map((c, i) => [
      keyOf(plan, i),
      c.keyed ? column(sqlType(c.type), { name: c.name }) : column(sqlType(c.type)),
    ]),
  );
  const table = new Table(plan.name, new MetaData(), specs);
  const cols: Record<Family, Col[]> = { int: [], float: [], text: [], bool: [] };
  plan.columns.forEach((c, i) => {
    const key = keyOf(plan, i);
    cols[familyOf(c.type)].push({ el: table.column(key), spec: c.type, key, name: c.name });
  });
  return { from: table, qualifier: plan.name, cols };
}

/** The Athanor tables of a schema plan (build once per run: shape keys use table identity). */
export function buildSchema(plan: SchemaPlan): BuiltSchema {
  const [t0, t1, t2] = plan.tables;
  return { plan, tables: [tableSource(t0), tableSource(t1), tableSource(t2)] };
}

export function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error("generator bug: nothing to pick from");
  return item;
}

function isText(el: ColumnElement<unknown>): el is ColumnElement<string | null> {
  return el.type.name === "Text" || el.type.name === "String";
}
function isBool(el: ColumnElement<unknown>): el is ColumnElement<boolean | null> {
  return el.type.name === "Boolean";
}
export function textEl(el: ColumnElement<unknown>): ColumnElement<string | null> {
  if (isText(el)) return el;
  throw new Error(`generator bug: ${el.type.name} where text was expected`);
}
export function boolEl(el: ColumnElement<unknown>): ColumnElement<boolean | null> {
  if (isBool(el)) return el;
  throw new Error(`generator bug: ${el.type.name} where a condition was expected`);
}

/** `base`, or base with a suffix, so that it is not among `taken` (and stays within 63 bytes). */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) {
    let stem = base;
    while (Buffer.byteLength(`${stem}\u01c2${i}`, "utf8") > 63) stem = [...stem].slice(0, -1).join("");
    name = `${stem}\u01c2${i}`;
  }
  taken.add(name);
  return name;
}

export function setOp(first: SelectBase, op: SetOp, second: SelectBase): SelectBase {
  switch (op) {
    case "union":
      return first.union(second);
    case "unionAll":
      return first.unionAll(second);
    case "intersect":
      return first.intersect(second);
    case "intersectAll":
      return first.intersectAll(second);
    case "except":
      return first.except(second);
    case "exceptAll":
      return first.exceptAll(second);
  }
}

export function compare(
  left: ColumnElement<unknown>,
  op: CmpOp,
  right: ColumnElement<unknown> | JsValue | null,
): ColumnElement<boolean> {
  switch (op) {
    case "eq":
      return left.eq(right);
    case "ne":
      return left.ne(right);
    case "isDistinctFrom":
      return left.isDistinctFrom(right);
    case "isNotDistinctFrom":
      return left.isNotDistinctFrom(right);
  }
  if (right === null) throw new Error("generator bug: an ordering comparison with null");
  switch (op) {
    case "lt":
      return left.lt(right);
    case "le":
      return left.le(right);
    case "gt":
      return left.gt(right);
    case "ge":
      return left.ge(right);
  }
}

/** Own property names of Object.prototype: as column keys they meet `obj[key] ??= ...`. */
export const prototypeNames: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

/** A column of a FROM item by key, failing clearly when the FROM item does not have it as its own. */
export function columnOf(from: FromClause, key: string): ColumnElement<unknown> {
  const columns = from.columns;
  const found = Object.hasOwn(columns, key) ? columns[key] : undefined;
  if (found instanceof ColumnElement) return found;
  throw new Error(
    `${String(from.kind)} has no column ${JSON.stringify(key)} (keys: ${JSON.stringify(Object.keys(columns))})`,
  );
}

export function asTable(source: Source): Table {
  return source.from instanceof Table ? source.from : fail("not a table");
}

export function likeCall(
  subject: ColumnElement<string | null>,
  op: Extract<Expr, { k: "like" }>["op"],
  pattern: string | ColumnElement<string | null>,
): ColumnElement<boolean> {
  switch (op) {
    case "like":
      return subject.like(pattern);
    case "notLike":
      return subject.notLike(pattern);
    case "ilike":
      return subject.ilike(pattern);
    case "notIlike":
      return subject.notIlike(pattern);
    case "startswith":
      return subject.startswith(pattern);
    case "endswith":
      return subject.endswith(pattern);
    case "contains":
      return subject.contains(pattern);
  }
}

export function fail(message: string): never {
  throw new Error(message);
}
