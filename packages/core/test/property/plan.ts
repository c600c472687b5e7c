/**
 * The random statements of the expression-language properties, as plain data: the arbitraries
 * (arbitraries.ts) generate these, build.ts turns them into Athanor statements. Plain data keeps
 * shrunk counterexamples readable. Column references hold indexes that build.ts resolves modulo
 * what the schema has, so a plan fits any schema.
 */

/** The four kinds of value an expression can have. */
export type Family = "int" | "float" | "text" | "bool";
export const families: readonly Family[] = ["int", "float", "text", "bool"];

/** A column type, as written in our own DDL. */
export type TypeSpec =
  | "integer"
  | "smallint"
  | "bigint"
  | "double"
  | "real"
  | "text"
  | "varchar"
  | "boolean"
  | { readonly varchar: number };

export function familyOf(spec: TypeSpec): Family {
  if (typeof spec === "object" || spec === "text" || spec === "varchar") return "text";
  if (spec === "double" || spec === "real") return "float";
  if (spec === "boolean") return "bool";
  return "int";
}

export interface ColumnPlan {
  readonly name: string;
  /** The attribute key is `k<i>` with `{ name }` as an option; otherwise the key is the name itself. */
  readonly keyed: boolean;
  readonly type: TypeSpec;
}

export interface TablePlan {
  readonly name: string;
  /** At least one column of each family. */
  readonly columns: readonly ColumnPlan[];
}

export interface SchemaPlan {
  /** t0 is the main table, t1 the one joined or updated from, t2 the one subqueries read. */
  readonly tables: readonly [TablePlan, TablePlan, TablePlan];
}

/** A value as generated; converted to the JS type of the column or expression it meets. */
export type Value =
  | { readonly k: "int"; readonly v: bigint }
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "bool"; readonly v: boolean }
  | { readonly k: "null" };

export type CmpOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "isDistinctFrom" | "isNotDistinctFrom";
export type LikeOp = "like" | "notLike" | "ilike" | "notIlike" | "startswith" | "endswith" | "contains";
export type SetOp = "union" | "unionAll" | "intersect" | "intersectAll" | "except" | "exceptAll";

/** A subquery over t2 selecting one column (of the family its use needs), maybe a compound. */
export interface SubPlan {
  readonly index: number;
  readonly label: string | undefined;
  readonly where: readonly Expr[];
  readonly limit: number | undefined;
  readonly second:
    | { readonly op: SetOp; readonly index: number; readonly where: readonly Expr[] }
    | undefined;
}

export type Expr =
  /** A column of the source `source` (modulo the sources in scope), `index` among its family's columns. */
  | { readonly k: "col"; readonly source: number; readonly index: number }
  | { readonly k: "bool"; readonly v: boolean }
  | {
      readonly k: "cmp";
      readonly f: Family;
      readonly op: CmpOp;
      readonly left: Expr;
      readonly right: Operand;
    }
  | { readonly k: "and" | "or"; readonly items: readonly Expr[] }
  | { readonly k: "not"; readonly e: Expr }
  | {
      readonly k: "in";
      readonly f: Family;
      readonly negate: boolean;
      readonly left: Expr;
      readonly values: readonly Operand[];
    }
  | {
      readonly k: "between";
      readonly f: Family;
      readonly negate: boolean;
      readonly subject: Expr;
      readonly low: Operand;
      readonly high: Operand;
    }
  | { readonly k: "like"; readonly op: LikeOp; readonly subject: Expr; readonly pattern: Operand }
  | { readonly k: "isNull"; readonly f: Family; readonly negate: boolean; readonly e: Expr }
  | { readonly k: "exists"; readonly sub: SubPlan }
  | {
      readonly k: "inSelect";
      readonly f: Family;
      readonly negate: boolean;
      readonly left: Expr;
      readonly sub: SubPlan;
    }
  | { readonly k: "arith"; readonly op: "add" | "sub" | "mul"; readonly left: Expr; readonly right: Operand }
  | { readonly k: "neg"; readonly e: Expr }
  | { readonly k: "length"; readonly e: Expr }
  | { readonly k: "concat"; readonly left: Expr; readonly right: Operand }
  | { readonly k: "lower" | "upper"; readonly e: Expr }
  | { readonly k: "castText"; readonly f: Family; readonly e: Expr }
  | {
      readonly k: "case";
      readonly cond: Expr;
      readonly result: Expr;
      /** Later WHENs; their results and ELSE may be values (sent as literal()s). */
      readonly more: readonly { readonly cond: Expr; readonly result: Operand }[];
      readonly otherwise: Operand | undefined;
    }
  | { readonly k: "coalesce"; readonly first: Expr; readonly rest: readonly Operand[] }
  | { readonly k: "scalar"; readonly sub: SubPlan }
  | { readonly k: "label"; readonly name: string; readonly e: Expr };

export type Operand = Expr | { readonly k: "value"; readonly v: Value };

export interface ItemPlan {
  readonly f: Family;
  readonly e: Expr;
  readonly label: string | undefined;
}

export interface OrderPlan {
  readonly f: Family;
  readonly e: Expr;
  /** With DISTINCT: sort by the pick-th plain column item instead of `e`. */
  readonly pick: number;
  readonly dir: "asc" | "desc" | undefined;
  readonly nulls: "first" | "last" | undefined;
}

export type FromPlan =
  | { readonly k: "table" }
  | { readonly k: "join"; readonly outer: boolean; readonly on: Expr }
  | { readonly k: "fullJoin"; readonly f: Family; readonly left: number; readonly right: number }
  | {
      readonly k: "subquery" | "cte";
      readonly name: string | undefined;
      readonly items: readonly ItemPlan[];
      readonly where: readonly Expr[];
    };

export interface SelectPlan {
  readonly k: "select";
  readonly from: FromPlan;
  /** Also select the first FROM item whole. */
  readonly star: boolean;
  readonly items: readonly ItemPlan[];
  readonly where: readonly Expr[];
  readonly orderBy: readonly OrderPlan[];
  readonly distinct: boolean;
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

export interface MemberPlan {
  /** t0 or t1. */
  readonly source: 0 | 1;
  /** The first item: a plain column of families[0]. */
  readonly lead: number;
  /** One expression per further family. */
  readonly rest: readonly Expr[];
  readonly labels: readonly string[];
  readonly where: readonly Expr[];
  readonly limit: number | undefined;
}

export interface CompoundPlan {
  readonly k: "compound";
  readonly op: SetOp;
  readonly families: readonly Family[];
  readonly first: MemberPlan;
  readonly second: MemberPlan;
  /** ORDER BY the first member's lead column (by its output name). */
  readonly orderByLead: boolean;
  readonly limit: number | undefined;
}

export interface Assignment {
  readonly f: Family;
  readonly index: number;
  readonly v: Operand;
}

export interface InsertPlan {
  readonly k: "insert";
  readonly rows: readonly (readonly Assignment[])[];
  readonly returning: readonly ItemPlan[];
}

export interface InsertSelectPlan {
  readonly k: "insertSelect";
  readonly targets: readonly { readonly f: Family; readonly index: number; readonly e: Expr }[];
  readonly where: readonly Expr[];
}

export interface UpdatePlan {
  readonly k: "update";
  readonly sets: readonly Assignment[];
  readonly where: readonly Expr[];
  readonly returning: readonly ItemPlan[];
}

export interface DeletePlan {
  readonly k: "delete";
  readonly where: readonly Expr[];
  readonly returning: readonly ItemPlan[];
}

export type TextPart =
  | { readonly k: "param"; readonly name: string }
  | { readonly k: "literal"; readonly content: string }
  | { readonly k: "ident"; readonly content: string }
  | { readonly k: "escapedColon" }
  /** `-- content` ended by a newline, or (textLexing) by a carriage return, which ends it too. */
  | { readonly k: "lineComment"; readonly content: string; readonly cr: boolean }
  | { readonly k: "blockComment"; readonly content: string }
  | { readonly k: "dollar"; readonly content: string }
  | { readonly k: "escapeString"; readonly content: string };

export interface TextPlan {
  readonly k: "text";
  readonly parts: readonly TextPart[];
  /** Values by parameter name; a name without one must make compile() raise StatementError. */
  readonly values: readonly { readonly name: string; readonly v: Value }[];
}

export type StatementPlan =
  | SelectPlan
  | CompoundPlan
  | InsertPlan
  | InsertSelectPlan
  | UpdatePlan
  | DeletePlan
  | TextPlan;

/**
 * Constructs that each hid a bug when these properties were written (all fixed since; see
 * regressions.test.ts). The main properties generate all of them (allFlags); constructs.test.ts
 * runs one property per construct on top of the base set, so each gets concentrated runs.
 */
export interface Flags {
  /** `a = b = c`, `a like b in (...)`...: a left operand of the same non-associative level. */
  readonly nonAssociativeChains: boolean;
  /** `-(-x)`, which renders `--x`. */
  readonly doubleNegation: boolean;
  /** Labels used as operands or sort keys rather than select-list items. */
  readonly labelsInExpressions: boolean;
  /** Compounds inside expressions whose first member has its own LIMIT. */
  readonly parenthesisedCompounds: boolean;
  /** `insert(t).values({})`. */
  readonly emptyInsert: boolean;
  /** VARCHAR(n) columns (length checks). */
  readonly varcharColumns: boolean;
  /** REAL columns (float4 range). */
  readonly realColumns: boolean;
  /** literal()s (CASE results, coalesce arguments) beyond SMALLINT range. */
  readonly untypedLiterals: boolean;
  /** LIMIT / OFFSET beyond int4. */
  readonly bigLimits: boolean;
  /** A table named `anon_1`, the alias Athanor gives an unnamed subquery. */
  readonly anonymousNames: boolean;
  /** ORDER BY an empty IN (or empty and_/or_), which renders as a bare constant. */
  readonly constantSortKeys: boolean;
  /** Object.prototype names (`__proto__`, `toString`...) as column keys or subquery labels. */
  readonly protoKeys: boolean;
  /** text(): block comments, dollar-quoted strings, E'' strings, CR ending a line comment. */
  readonly textLexing: boolean;
}

/** None of the once-buggy constructs: the base set constructs.test.ts adds one to. */
export const baseFlags: Flags = {
  nonAssociativeChains: false,
  doubleNegation: false,
  labelsInExpressions: false,
  parenthesisedCompounds: false,
  emptyInsert: false,
  varcharColumns: false,
  realColumns: false,
  untypedLiterals: false,
  bigLimits: false,
  anonymousNames: false,
  constantSortKeys: false,
  protoKeys: false,
  textLexing: false,
};

/** Every construct: what the main properties generate. */
export const allFlags: Flags = {
  nonAssociativeChains: true,
  doubleNegation: true,
  labelsInExpressions: true,
  parenthesisedCompounds: true,
  emptyInsert: true,
  varcharColumns: true,
  realColumns: true,
  untypedLiterals: true,
  bigLimits: true,
  anonymousNames: true,
  constantSortKeys: true,
  protoKeys: true,
  textLexing: true,
};
