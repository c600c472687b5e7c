import type { Column } from "../schema/column.ts";
import type { Table } from "../schema/table.ts";
import type { CaseExpression } from "./case-expression.ts";
import type {
  Between,
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  Cast,
  InList,
  Keyword,
  Label,
  Like,
  Ordering,
  UnaryExpression,
} from "./column-element.ts";
import type { Alias, ColumnClause, Join } from "./from-clause.ts";
import type { FunctionElement } from "./functions.ts";
import type { Select } from "./select.ts";
import type { CompoundSelect } from "./select-base.ts";
import type { Cte, ScalarSubquery, Subquery } from "./subquery.ts";
import type { TextClause } from "./text-clause.ts";

/**
 * Every kind of SQL element, by its `kind` tag. compile/lower.ts keeps a lowering function for each
 * key, so a new kind does not compile until it is handled there.
 */
export interface ElementKinds {
  bindParameter: BindParameter<unknown>;
  keyword: Keyword<unknown>;
  binary: BinaryExpression<unknown>;
  unary: UnaryExpression<unknown>;
  booleanList: BooleanClauseList;
  inList: InList;
  between: Between;
  like: Like;
  label: Label<unknown>;
  cast: Cast<unknown>;
  ordering: Ordering;
  column: ColumnClause<unknown> | Column<unknown>;
  table: Table;
  alias: Alias;
  join: Join;
  function: FunctionElement<unknown>;
  text: TextClause;
  case: CaseExpression<unknown>;
  select: Select;
  compoundSelect: CompoundSelect;
  subquery: Subquery;
  cte: Cte;
  scalarSubquery: ScalarSubquery<unknown>;
}

export type ElementKind = keyof ElementKinds;
