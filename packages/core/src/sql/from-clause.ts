import { AmbiguousForeignKeysError, NoForeignKeysError } from "../errors.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType, TypeArg } from "../types/sql-type.ts";
import { resolveType } from "../types/sql-type.ts";
import { and_, ColumnElement, type Condition } from "./column-element.ts";
import { type ShapeContext, SqlElement } from "./element.ts";
import { checkIdentifier } from "./identifier.ts";

let nextFromId = 1;

/** A pair of columns a foreign key joins: [referencing column, referenced column]. */
export type ColumnPair = readonly [ColumnClause<unknown>, ColumnClause<unknown>];

/**
 * Anything that can stand in a FROM list: a table, an alias of one, a join, a subquery, a CTE.
 * Each has a unique id (part of shape keys: two tables of the same name are different shapes).
 */
export abstract class FromClause extends SqlElement {
  declare readonly fromId: number;

  constructor() {
    super();
    this.fromId = nextFromId++;
  }

  /** The columns this FROM item offers, by key. */
  abstract get columns(): Readonly<Record<string, ColumnClause<unknown>>>;

  /** The name (and schema) that qualifies its columns in SQL; undefined for a join. */
  abstract get qualifier(): { readonly name: string; readonly schema?: string | undefined } | undefined;

  /**
   * Appends what identifies this FROM item to its columns' shape: a table by identity (tables live
   * long); an alias, subquery or CTE by name and by what it stands for (they are often built per
   * request and must share a shape). A definition is written once per statement: a CTE or subquery
   * reached only through its columns still puts its SELECT (and binds) in the key.
   */
  abstract shapeRef(context: ShapeContext): void;

  /** The FROM items this one is made of: itself, or both sides of a join. */
  get parts(): readonly FromClause[] {
    return [this];
  }

  /**
   * Groups of column pairs, one group per foreign key from this item to `target` (a composite key
   * gives several pairs). Used to infer a join's ON clause.
   */
  foreignKeysTo(_target: FromClause): ColumnPair[][] {
    return [];
  }

  /** JOIN `right` ON `on` (inferred from foreign keys when omitted). */
  join(right: FromClause, on?: Condition, options?: JoinOptions): Join {
    return new Join(
      this,
      right,
      on,
      options?.isouter ?? false,
      options?.full ?? false,
      options?.right ?? false,
    );
  }

  /** LEFT OUTER JOIN (FULL OUTER with `{ full: true }`, RIGHT OUTER with `{ right: true }`). */
  outerjoin(
    right: FromClause,
    on?: ColumnElement<boolean | null>,
    options?: { full?: boolean; right?: boolean },
  ): Join {
    return new Join(this, right, on, true, options?.full ?? false, options?.right ?? false);
  }
}

/**
 * A FROM item that stands for something else under a name (an alias, a subquery, a CTE): its
 * columns are that thing's, re-homed onto it, made once on first use.
 */
export abstract class DerivedFrom<Columns> extends FromClause {
  declare private derived: Record<string, ColumnClause<unknown>> | undefined;

  constructor() {
    super();
    this.derived = undefined;
  }

  /** The columns this item takes over. */
  protected abstract get sourceColumns(): Readonly<Record<string, ColumnClause<unknown>>>;

  /** Its columns by key. */
  get c(): Columns {
    return this.columns as Columns;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    this.derived ??= proxyColumns(this.sourceColumns, this);
    return this.derived;
  }
}

export interface JoinOptions {
  isouter?: boolean;
  full?: boolean;
  /** RIGHT OUTER JOIN: every row of the right side. */
  right?: boolean;
}

/**
 * A named column of a FROM item (a table column, an alias's or subquery's column), or a free-standing
 * column when `from` is undefined (`columnClause("x")`).
 */
export class ColumnClause<T, K extends string = string> extends ColumnElement<T> {
  declare readonly kind: "column";
  /** The attribute key (how it is reached in `.c`). */
  declare readonly key: K;
  /** The SQL name. */
  declare readonly name: string;
  declare readonly type: SqlType<unknown>;
  declare readonly from: FromClause | undefined;

  constructor(key: K, name: string, type: SqlType<unknown>, from: FromClause | undefined) {
    super();
    this.kind = "column";
    this.key = key;
    this.name = name;
    this.type = type;
    this.from = from;
  }

  override get columnPath(): string {
    const qualifier = this.from?.qualifier;
    return qualifier === undefined ? this.name : `${qualifier.name}.${this.name}`;
  }

  override get selectName(): string {
    return this.name;
  }

  shape(context: ShapeContext): void {
    context.add("c");
    this.from?.shapeRef(context);
    context.add(".");
    context.add(this.name);
  }

  get children(): readonly SqlElement[] {
    return [];
  }
}

/** A free-standing column reference by name: `columnClause("x", Integer)`. */
export function columnClause<T = unknown>(name: string, type?: TypeArg<T>): ColumnClause<T> {
  checkIdentifier(name, "columnClause");
  return new ColumnClause<T>(name, name, type === undefined ? nullType : resolveType(type), undefined);
}

/** left [LEFT|FULL] JOIN right ON condition. */
export class Join extends FromClause {
  declare readonly kind: "join";
  declare readonly left: FromClause;
  declare readonly right: FromClause;
  declare readonly on: ColumnElement<unknown>;
  declare readonly isouter: boolean;
  declare readonly full: boolean;
  declare readonly rightOuter: boolean;

  constructor(
    left: FromClause,
    right: FromClause,
    on: ColumnElement<unknown> | undefined,
    isouter: boolean,
    full: boolean,
    rightOuter = false,
  ) {
    super();
    this.kind = "join";
    this.left = left;
    this.right = right;
    this.on = on ?? inferJoinCondition(left, right);
    this.isouter = isouter;
    this.full = full;
    this.rightOuter = rightOuter;
  }

  get columns(): Readonly<Record<string, ColumnClause<unknown>>> {
    return Object.assign(columnMap(), this.left.columns, this.right.columns);
  }

  get qualifier(): undefined {
    return undefined;
  }

  shapeRef(context: ShapeContext): void {
    this.shape(context);
  }

  override get parts(): readonly FromClause[] {
    return [...this.left.parts, ...this.right.parts];
  }

  override foreignKeysTo(target: FromClause): ColumnPair[][] {
    return this.parts.flatMap((part) => part.foreignKeysTo(target));
  }

  shape(context: ShapeContext): void {
    context.add(this.full ? "fulljoin" : this.rightOuter ? "rightjoin" : this.isouter ? "leftjoin" : "join");
    this.left.shape(context);
    this.right.shape(context);
    this.on.shape(context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.left, this.right, this.on];
  }
}

/** The ON clause from the one foreign key between the two sides; an error when there is none or several. */
export function inferJoinCondition(left: FromClause, right: FromClause): ColumnElement<boolean> {
  // The right side joins to the nearest left part it has a key with (rightmost first, as written).
  for (const part of [...left.parts].reverse()) {
    const keys = [
      ...part.foreignKeysTo(right),
      ...right.foreignKeysTo(part).map((pairs) => pairs.map(([a, b]) => [b, a] as const)),
    ];
    if (keys.length > 1) {
      throw new AmbiguousForeignKeysError(
        `more than one foreign key joins ${describe(part)} and ${describe(right)}; give the ON clause explicitly`,
      );
    }
    const [pairs] = keys;
    if (pairs !== undefined) {
      const conditions = pairs.map(([a, b]) => a.eq(b));
      return conditions.length === 1 ? conditions[0]! : and_(...conditions);
    }
  }
  throw new NoForeignKeysError(
    `no foreign key joins ${describe(left)} and ${describe(right)}; give the ON clause explicitly`,
  );
}

function describe(from: FromClause): string {
  const qualifier = from.qualifier;
  return qualifier === undefined ? "the join" : `"${qualifier.name}"`;
}

/** Another name for a FROM item: `users.alias("u")` renders `"users" as "u"`. */
export class Alias<Columns = Readonly<Record<string, ColumnClause<unknown>>>> extends DerivedFrom<Columns> {
  declare readonly kind: "alias";
  declare readonly element: FromClause;
  declare readonly name: string;

  constructor(element: FromClause, name: string) {
    super();
    checkIdentifier(name, "alias");
    this.kind = "alias";
    this.element = element;
    this.name = name;
  }

  protected get sourceColumns(): Readonly<Record<string, ColumnClause<unknown>>> {
    return this.element.columns;
  }

  get qualifier(): { readonly name: string } {
    return { name: this.name };
  }

  shapeRef(context: ShapeContext): void {
    context.add("n");
    context.add(this.name);
    context.add("(");
    this.element.shapeRef(context);
    context.add(")");
  }

  /** The element's foreign keys, moved onto our own columns. */
  override foreignKeysTo(target: FromClause): ColumnPair[][] {
    return this.element
      .foreignKeysTo(target)
      .map((pairs) => pairs.map(([own, referenced]) => [this.columns[own.key]!, referenced] as const));
  }

  shape(context: ShapeContext): void {
    context.add("alias(");
    this.element.shape(context);
    context.add(this.name);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [this.element];
  }
}

/** Columns re-homed onto `from`, keeping keys, names and types. */
export function proxyColumns(
  columns: Readonly<Record<string, ColumnClause<unknown>>>,
  from: FromClause,
): Record<string, ColumnClause<unknown>> {
  const proxied = columnMap();
  for (const [key, column] of Object.entries(columns)) {
    proxied[key] = new ColumnClause(key, column.name, column.type, from);
  }
  return proxied;
}

/**
 * A map of columns by key without a prototype: keys such as `__proto__` or `toString` are ordinary
 * column keys here, never Object.prototype's members.
 */
export function columnMap<C = ColumnClause<unknown>>(): Record<string, C> {
  return Object.create(null) as Record<string, C>;
}

/** The FROM item an alias (of an alias...) stands for. */
export function unalias(from: FromClause): FromClause {
  return from instanceof Alias ? unalias(from.element) : from;
}
