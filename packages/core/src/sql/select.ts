import { ArgumentError } from "../errors.ts";
import { type ColumnElement, type Condition, Label } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";
import type { ResultColumn } from "./executable.ts";
import { ColumnClause, columnMap, FromClause, type JoinOptions } from "./from-clause.ts";
import { childrenOfCommon, SelectBase, type SelectCommon, shapeCommon } from "./select-base.ts";

/** What may be selected: an expression (one column) or a FROM item (all its columns). */
export type SelectItem = ColumnElement<unknown> | FromClause;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The values one selected item adds to a row, positionally (a FROM item: its columns, untyped by position). */
type ItemValues<I> = I extends ColumnElement<infer T> ? [T] : unknown[];

/** A row as a tuple: `select(users.c.id, users.c.name)` gives `[number, string | null]`. */
export type RowTuple<Items extends readonly unknown[]> = Items extends readonly [infer Head, ...infer Rest]
  ? [...ItemValues<Head>, ...RowTuple<Rest>]
  : [];

/** The columns of a FROM item, by key, as plain values. */
type FromValues<C> = { readonly [K in keyof C]: C[K] extends ColumnElement<infer T> ? T : never };

type ItemMapping<I> =
  I extends ColumnClause<infer T, infer K>
    ? { readonly [P in K]: T }
    : I extends Label<infer T, infer N>
      ? { readonly [P in N]: T }
      : I extends { readonly c: infer C }
        ? FromValues<C>
        : unknown;

/** A row by name: column keys and labels (what `row.name` can reach). */
export type RowMapping<Items extends readonly unknown[]> = Simplify<
  UnionToIntersection<ItemMapping<Items[number]>>
>;

type ItemColumns<I> =
  I extends ColumnClause<infer T, infer K>
    ? { readonly [P in K]: ColumnClause<T, P> }
    : I extends Label<infer T, infer N>
      ? { readonly [P in N]: ColumnClause<T, P> }
      : I extends { readonly c: infer C }
        ? {
            readonly [K in keyof C & string]: C[K] extends ColumnElement<infer T>
              ? ColumnClause<T, K>
              : never;
          }
        : unknown;

/** The columns a subquery or CTE of this SELECT offers, by name. */
export type SelectColumns<Items extends readonly unknown[]> = Simplify<
  UnionToIntersection<ItemColumns<Items[number]>>
>;

/** The row tuple type of a statement that returns rows: `RowOf<typeof stmt>` (SELECT, or DML with RETURNING). */
export type RowOf<S> = S extends { readonly __items: infer Items extends readonly unknown[] }
  ? RowTuple<Items>
  : never;

export interface LockOptions {
  /** FOR SHARE instead of FOR UPDATE. */
  read?: boolean;
  /** FOR NO KEY UPDATE, or with `read`, FOR KEY SHARE. */
  keyShare?: boolean;
  nowait?: boolean;
  skipLocked?: boolean;
  /** Lock only these tables' rows: FOR UPDATE OF t. */
  of?: FromClause | readonly FromClause[];
}

interface SelectState<Items extends readonly SelectItem[]> extends SelectCommon {
  readonly items: Items;
  readonly fromClauses: readonly FromClause[];
  readonly whereClause: readonly ColumnElement<unknown>[];
  readonly groupByClause: readonly ColumnElement<unknown>[];
  readonly havingClause: readonly ColumnElement<unknown>[];
  /** false, true (DISTINCT), or the expressions of DISTINCT ON. */
  readonly distinctClause: boolean | readonly ColumnElement<unknown>[];
  readonly lockClause: LockOptions | undefined;
  /** FROM items of enclosing statements this SELECT may refer to: "auto", none, or just these. */
  readonly correlation: "auto" | readonly FromClause[];
}

/** SELECT. Every method returns a new Select; the original is never changed. */
export class Select<Items extends readonly SelectItem[] = readonly SelectItem[]>
  extends SelectBase<SelectColumns<Items>>
  implements SelectState<Items>
{
  declare readonly kind: "select";
  /** Phantom: the selected items' types, for RowOf. */
  declare readonly __items: Items;
  declare readonly items: Items;
  declare readonly fromClauses: readonly FromClause[];
  declare readonly whereClause: readonly ColumnElement<unknown>[];
  declare readonly groupByClause: readonly ColumnElement<unknown>[];
  declare readonly havingClause: readonly ColumnElement<unknown>[];
  declare readonly distinctClause: boolean | readonly ColumnElement<unknown>[];
  declare readonly lockClause: LockOptions | undefined;
  declare readonly correlation: "auto" | readonly FromClause[];
  declare private results: readonly ResultColumn[] | undefined;

  constructor(state: SelectState<Items>) {
    super(state);
    this.kind = "select";
    this.items = state.items;
    this.fromClauses = state.fromClauses;
    this.whereClause = state.whereClause;
    this.groupByClause = state.groupByClause;
    this.havingClause = state.havingClause;
    this.distinctClause = state.distinctClause;
    this.lockClause = state.lockClause;
    this.correlation = state.correlation;
    this.results = undefined;
  }

  /** A plain copy of the state: spreading the instance itself is several times slower. */
  private get state(): SelectState<Items> {
    return {
      items: this.items,
      fromClauses: this.fromClauses,
      whereClause: this.whereClause,
      groupByClause: this.groupByClause,
      havingClause: this.havingClause,
      distinctClause: this.distinctClause,
      lockClause: this.lockClause,
      correlation: this.correlation,
      orderByClause: this.orderByClause,
      limitClause: this.limitClause,
      offsetClause: this.offsetClause,
    };
  }

  private with(change: Partial<SelectState<Items>>): Select<Items> {
    return new Select<Items>(Object.assign(this.state, change));
  }

  protected withCommon(common: SelectCommon): this {
    return this.with(common) as this;
  }

  /** WHERE: conditions are ANDed with any given before. */
  where(...conditions: Condition[]): Select<Items> {
    return this.with({ whereClause: [...this.whereClause, ...conditions] });
  }

  /** The same as where(). */
  filter(...conditions: Condition[]): Select<Items> {
    return this.where(...conditions);
  }

  /** Adds FROM items explicitly (otherwise FROM comes from the columns and criteria). */
  selectFrom(...froms: FromClause[]): Select<Items> {
    return this.with({ fromClauses: [...this.fromClauses, ...froms] });
  }

  /**
   * JOIN `target` to the FROM item it has a foreign key with (or the first one when `on` is given):
   * `select(users.c.name, addresses.c.email).join(addresses)`.
   */
  join(target: FromClause, on?: Condition, options?: JoinOptions): Select<Items> {
    const froms = this.froms;
    if (froms.length === 0) throw new ArgumentError("join(): this SELECT has no FROM item to join from");
    let index = on === undefined ? froms.findIndex((from) => canJoin(from, target)) : 0;
    if (index < 0) index = 0; // inferring the ON clause below raises the error that explains
    const joined = froms[index]!.join(target, on, options);
    const covered = new Set(joined.parts);
    return this.with({
      fromClauses: froms.flatMap((from, i) =>
        i === index ? [joined] : from.parts.every((part) => covered.has(part)) ? [] : [from],
      ),
    });
  }

  /** LEFT OUTER JOIN (FULL OUTER with `{ full: true }`, RIGHT OUTER with `{ right: true }`). */
  outerjoin(
    target: FromClause,
    on?: Condition,
    options?: { full?: boolean; right?: boolean },
  ): Select<Items> {
    return this.join(target, on, {
      isouter: true,
      full: options?.full ?? false,
      right: options?.right ?? false,
    });
  }

  groupBy(...expressions: ColumnElement<unknown>[]): Select<Items> {
    return this.with({ groupByClause: [...this.groupByClause, ...expressions] });
  }

  having(...conditions: Condition[]): Select<Items> {
    return this.with({ havingClause: [...this.havingClause, ...conditions] });
  }

  /** DISTINCT, or with expressions PostgreSQL's DISTINCT ON (expressions). */
  distinct(...on: ColumnElement<unknown>[]): Select<Items> {
    return this.with({ distinctClause: on.length === 0 ? true : on });
  }

  /** FOR UPDATE [NOWAIT | SKIP LOCKED] [OF ...], or FOR SHARE / KEY SHARE / NO KEY UPDATE. */
  withForUpdate(options: LockOptions = {}): Select<Items> {
    if (options.nowait && options.skipLocked)
      throw new ArgumentError("withForUpdate(): nowait and skipLocked exclude each other");
    return this.with({ lockClause: options });
  }

  /** More columns: `select(a.c.x).addColumns(b.c.y)`. */
  addColumns<const More extends readonly SelectItem[]>(...items: More): Select<[...Items, ...More]> {
    return new Select<[...Items, ...More]>({ ...this.state, items: [...this.items, ...items] });
  }

  /**
   * Which enclosing FROM items this SELECT, used inside another statement, refers to rather than
   * selects from itself. Default: all of them that it uses ("auto"); `correlate()` with none: none.
   */
  correlate(...froms: FromClause[]): Select<Items> {
    return this.with({ correlation: froms });
  }

  /**
   * The FROM list: explicit items (with their joins), then the tables of the columns and WHERE
   * criteria that no explicit item covers. Tables used only inside nested SELECTs do not count.
   */
  get froms(): FromClause[] {
    const froms = [...this.fromClauses];
    const covered = new Set(froms.flatMap((from) => from.parts));
    for (const from of referencedFroms([...this.items, ...this.whereClause])) {
      if (!covered.has(from)) {
        froms.push(from);
        covered.add(from);
      }
    }
    return froms;
  }

  get exportedColumns(): Readonly<Record<string, ColumnClause<unknown>>> {
    const columns = columnMap();
    for (const item of this.items) {
      if (item instanceof FromClause) {
        for (const column of Object.values(item.columns)) columns[column.key] ??= column;
      } else if (item instanceof ColumnClause) {
        columns[item.key] ??= item;
      } else if (item instanceof Label) {
        columns[item.name] ??= new ColumnClause(item.name, item.name, item.type, undefined);
      } else if (item.selectName !== undefined) {
        columns[item.selectName] ??= new ColumnClause(item.selectName, item.selectName, item.type, undefined);
      }
    }
    return columns;
  }

  /** Computed once: a statement is immutable, and compiling it again must not pay for this. */
  override get resultColumns(): readonly ResultColumn[] {
    this.results ??= resultColumnsOf(this.items);
    return this.results;
  }

  shape(context: ShapeContext): void {
    context.add("select(");
    for (const item of this.items) {
      item.shape(context);
      context.add(",");
    }
    context.add("from(");
    for (const from of this.fromClauses) from.shape(context);
    context.add(")");
    shapeList(context, "where", this.whereClause);
    shapeList(context, "groupby", this.groupByClause);
    shapeList(context, "having", this.havingClause);
    if (this.distinctClause === true) context.add("distinct");
    else if (this.distinctClause !== false) shapeList(context, "distincton", this.distinctClause);
    const lock = this.lockClause;
    if (lock !== undefined) {
      context.add(
        `lock${lock.read ? "r" : ""}${lock.keyShare ? "k" : ""}${lock.nowait ? "n" : ""}${lock.skipLocked ? "s" : ""}(`,
      );
      for (const from of lockTargets(lock)) from.shapeRef(context);
      context.add(")");
    }
    if (this.correlation !== "auto") {
      context.add("correlate(");
      for (const from of this.correlation) from.shapeRef(context);
      context.add(")");
    }
    shapeCommon(this, context);
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [
      ...this.items,
      ...this.fromClauses,
      ...this.whereClause,
      ...this.groupByClause,
      ...this.havingClause,
      ...(Array.isArray(this.distinctClause) ? this.distinctClause : []),
      ...childrenOfCommon(this),
    ];
  }
}

/** The empty clause every new SELECT starts with: shared, since clauses are never changed in place. */
const none: readonly never[] = Object.freeze([]);

/** SELECT these columns (expressions, or FROM items for all their columns). */
export function select<const Items extends readonly SelectItem[]>(...items: Items): Select<Items> {
  return new Select<Items>({
    items,
    fromClauses: none,
    whereClause: none,
    groupByClause: none,
    havingClause: none,
    distinctClause: false,
    lockClause: undefined,
    correlation: "auto",
    orderByClause: none,
    limitClause: undefined,
    offsetClause: undefined,
  });
}

/** EXISTS (select): `exists(select(a.c.id).where(...))`. */
export function exists(subquery: SelectBase): ColumnElement<boolean> {
  return subquery.exists();
}

export function lockTargets(lock: LockOptions): readonly FromClause[] {
  return lock.of === undefined ? [] : lock.of instanceof FromClause ? [lock.of] : lock.of;
}

/** Appends a named list of elements to a shape (nothing when it is empty). */
export function shapeList(context: ShapeContext, name: string, items: readonly SqlElement[]): void {
  if (items.length === 0) return;
  context.add(name);
  for (const item of items) {
    item.shape(context);
    context.add(",");
  }
  context.add(")");
}

/** The result columns of selected (or returned) items: FROM items expand to their columns. */
export function resultColumnsOf(items: readonly SelectItem[]): ResultColumn[] {
  const columns: ResultColumn[] = [];
  for (const item of items) {
    if (item instanceof FromClause) {
      for (const column of Object.values(item.columns)) columns.push({ name: column.key, type: column.type });
    } else columns.push({ name: resultName(item), type: item.type });
  }
  return columns;
}

function resultName(item: ColumnElement<unknown>): string {
  if (item instanceof ColumnClause) return item.key;
  return item.selectName ?? "?column?";
}

function canJoin(from: FromClause, target: FromClause): boolean {
  return from.parts.some(
    (part) => part.foreignKeysTo(target).length > 0 || target.foreignKeysTo(part).length > 0,
  );
}

/**
 * FROM items the elements refer to, in order of first appearance: tables of columns and FROM items
 * selected whole. Nested SELECTs are their own scope and are not entered.
 */
export function referencedFroms(elements: readonly SqlElement[]): FromClause[] {
  const found = new Set<FromClause>();
  const visit = (element: SqlElement): void => {
    if (element instanceof SelectBase) return;
    if (element instanceof ColumnClause) {
      if (element.from !== undefined) found.add(element.from);
      return;
    }
    if (element instanceof FromClause) {
      found.add(element);
      return;
    }
    for (const child of element.children) visit(child);
  };
  for (const element of elements) visit(element);
  return [...found];
}
