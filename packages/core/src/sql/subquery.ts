import type { SqlType } from "../types/sql-type.ts";
import { ColumnElement } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import { type ColumnClause, FromClause, proxyColumns } from "./from-clause.ts";
import { checkIdentifier } from "./identifier.ts";
import type { SelectBase } from "./select-base.ts";

/**
 * A SELECT used as a FROM item: `(select ...) as name`. Without a name it renders anon_1, anon_2...
 * numbered by first appearance in the statement, so equal statements share a compiled form.
 */
export class Subquery<Columns = Readonly<Record<string, ColumnClause<unknown>>>> extends FromClause {
  declare readonly kind: "subquery";
  declare readonly element: SelectBase;
  declare readonly name: string | undefined;
  declare private cached: Record<string, ColumnClause<unknown>> | undefined;

  constructor(element: SelectBase, name: string | undefined) {
    super();
    if (name !== undefined) checkIdentifier(name, "subquery");
    this.kind = "subquery";
    this.element = element;
    this.name = name;
    this.cached = undefined;
  }

  /** The subquery's columns by name: its SELECT's named columns and labels. */
  get c(): Columns {
    return this.columns as Columns;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    this.cached ??= proxyColumns(this.element.exportedColumns, this);
    return this.cached;
  }

  get qualifier(): { readonly name: string } {
    return { name: this.name ?? "anon" };
  }

  shapeRef(context: ShapeContext): void {
    if (this.name === undefined) {
      context.add("anon");
      context.add(context.anonymousNumber(this));
    } else {
      context.add("n");
      context.add(this.name);
    }
    if (!context.seen.has(this)) {
      context.seen.add(this);
      context.add("=(");
      this.element.shape(context);
      context.add(")");
    }
  }

  shape(context: ShapeContext): void {
    context.add("subquery");
    this.shapeRef(context);
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

/**
 * A common table expression: referenced by name in FROM, defined in the WITH clause of the
 * outermost statement that uses it. A recursive CTE is the first part's `.cte(name, { recursive:
 * true })` followed by `.unionAll(...)` of the part that refers back to it.
 */
export class Cte<Columns = Readonly<Record<string, ColumnClause<unknown>>>> extends FromClause {
  declare readonly kind: "cte";
  declare readonly element: SelectBase;
  declare readonly name: string | undefined;
  declare readonly recursive: boolean;
  /** The CTE this one restates (the recursive union of `restates` with more rows). */
  declare readonly restates: Cte<Columns> | undefined;
  declare private cached: Record<string, ColumnClause<unknown>> | undefined;

  constructor(element: SelectBase, name: string | undefined, recursive: boolean, restates?: Cte<Columns>) {
    super();
    if (name !== undefined) checkIdentifier(name, "CTE");
    this.kind = "cte";
    this.element = element;
    this.name = name;
    this.recursive = recursive;
    this.restates = restates;
    this.cached = undefined;
  }

  get c(): Columns {
    return this.columns as Columns;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    // Its own columns (not the root's): selecting them makes this statement of the CTE the one
    // defined, recursive part included. References render the root's name either way.
    this.cached ??= proxyColumns(this.element.exportedColumns, this);
    return this.cached;
  }

  /** The CTE first defined under this name (what references to it point at). */
  get root(): Cte<Columns> {
    return this.restates?.root ?? this;
  }

  get qualifier(): { readonly name: string } {
    return { name: this.name ?? "anon" };
  }

  union(...others: SelectBase[]): Cte<Columns> {
    return new Cte(this.element.union(...others), this.name, this.recursive, this);
  }

  unionAll(...others: SelectBase[]): Cte<Columns> {
    return new Cte(this.element.unionAll(...others), this.name, this.recursive, this);
  }

  alias(name: string): CteAlias<Columns> {
    return new CteAlias(this, name);
  }

  shapeRef(context: ShapeContext): void {
    const root = this.root;
    if (root.name === undefined) {
      context.add("anon");
      context.add(context.anonymousNumber(root));
    } else {
      context.add("n");
      context.add(root.name);
    }
    if (!context.seen.has(this)) {
      context.seen.add(this);
      context.add(this.recursive ? "=recursive" : "=");
      this.element.shape(context);
      context.add(")");
    }
  }

  shape(context: ShapeContext): void {
    context.add("cte");
    this.shapeRef(context);
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

/** `cte.alias("x")`: the CTE under another name in a FROM list (`name as x`). */
export class CteAlias<Columns = Readonly<Record<string, ColumnClause<unknown>>>> extends FromClause {
  declare readonly kind: "cteAlias";
  declare readonly cte: Cte<Columns>;
  declare readonly name: string;
  declare private cached: Record<string, ColumnClause<unknown>> | undefined;

  constructor(cte: Cte<Columns>, name: string) {
    super();
    checkIdentifier(name, "alias");
    this.kind = "cteAlias";
    this.cte = cte;
    this.name = name;
    this.cached = undefined;
  }

  get c(): Columns {
    return this.columns as Columns;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    this.cached ??= proxyColumns(this.cte.columns, this);
    return this.cached;
  }

  get qualifier(): { readonly name: string } {
    return { name: this.name };
  }

  shapeRef(context: ShapeContext): void {
    context.add("n");
    context.add(this.name);
    context.add("(");
    this.cte.shapeRef(context);
    context.add(")");
  }

  shape(context: ShapeContext): void {
    context.add("ctealias");
    this.shapeRef(context);
  }

  get children(): readonly SqlElement[] {
    return [this.cte];
  }
}

/** A SELECT of one column used as a value: `(select max(x) from t)`. */
export class ScalarSubquery<T> extends ColumnElement<T> {
  declare readonly kind: "scalarSubquery";
  declare readonly element: SelectBase;
  declare readonly type: SqlType<unknown>;

  constructor(element: SelectBase, type: SqlType<unknown>) {
    super();
    this.kind = "scalarSubquery";
    this.element = element;
    this.type = type;
  }

  shape(context: ShapeContext): void {
    context.add("scalar(");
    this.element.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}
