import type { SqlType } from "../types/sql-type.ts";
import { ColumnElement } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import { Alias, type ColumnClause, DerivedFrom } from "./from-clause.ts";
import { checkIdentifier } from "./identifier.ts";
import type { SelectBase } from "./select-base.ts";

/**
 * A SELECT used as a FROM item: `(select ...) as name`. Without a name it renders anon_1, anon_2...
 * numbered by first appearance in the statement, so equal statements share a compiled form.
 */
export class Subquery<
  Columns = Readonly<Record<string, ColumnClause<unknown>>>,
> extends DerivedFrom<Columns> {
  declare readonly kind: "subquery";
  declare readonly element: SelectBase;
  declare readonly name: string | undefined;

  constructor(element: SelectBase, name: string | undefined) {
    super();
    if (name !== undefined) checkIdentifier(name, "subquery");
    this.kind = "subquery";
    this.element = element;
    this.name = name;
  }

  /** Its SELECT's named columns and labels. */
  protected get sourceColumns(): Readonly<Record<string, ColumnClause<unknown>>> {
    return this.element.exportedColumns;
  }

  get qualifier(): { readonly name: string } {
    return { name: this.name ?? "anon" };
  }

  shapeRef(context: ShapeContext): void {
    shapeNamed(context, this, this.name, this.element, "=");
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
export class Cte<Columns = Readonly<Record<string, ColumnClause<unknown>>>> extends DerivedFrom<Columns> {
  declare readonly kind: "cte";
  declare readonly element: SelectBase;
  declare readonly name: string | undefined;
  declare readonly recursive: boolean;
  /** The CTE this one restates (the recursive union of `restates` with more rows). */
  declare readonly restates: Cte<Columns> | undefined;

  constructor(element: SelectBase, name: string | undefined, recursive: boolean, restates?: Cte<Columns>) {
    super();
    if (name !== undefined) checkIdentifier(name, "CTE");
    this.kind = "cte";
    this.element = element;
    this.name = name;
    this.recursive = recursive;
    this.restates = restates;
  }

  /**
   * Its own columns (not the root's): selecting them makes this statement of the CTE the one
   * defined, recursive part included. References render the root's name either way.
   */
  protected get sourceColumns(): Readonly<Record<string, ColumnClause<unknown>>> {
    return this.element.exportedColumns;
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

  /** The CTE under another name in a FROM list (`name as other`), as any FROM item is aliased. */
  alias(name: string): Alias<Columns> {
    return new Alias<Columns>(this, name);
  }

  shapeRef(context: ShapeContext): void {
    shapeNamed(context, this.root, this.root.name, this.element, this.recursive ? "=recursive" : "=", this);
  }

  shape(context: ShapeContext): void {
    context.add("cte");
    this.shapeRef(context);
  }

  get children(): readonly SqlElement[] {
    return [this.element];
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

/**
 * The shape of a reference to a named-or-anonymous FROM item (`identity` decides its anon_N), with
 * the definition (`element`) added the first time `definer` appears in the statement, so one
 * reached only through its columns still puts its SELECT (and binds) in the key.
 */
function shapeNamed(
  context: ShapeContext,
  identity: object,
  name: string | undefined,
  element: SelectBase,
  definitionTag: string,
  definer: object = identity,
): void {
  if (name === undefined) {
    context.add("anon");
    context.add(context.anonymousNumber(identity));
  } else {
    context.add("n");
    context.add(name);
  }
  if (!context.seen.has(definer)) {
    context.seen.add(definer);
    context.add(definitionTag);
    element.shape(context);
    context.add(")");
  }
}
