/** The members every row has besides its values. Underscored, as in SQLAlchemy, to stay out of the way of column names. */
export interface RowMembers<Tuple extends unknown[], Names> {
  /** The values by column name, read-only. With duplicate names, the first column of a name wins. */
  readonly _mapping: Readonly<Names>;
  /** The column names, in order (duplicates included). */
  readonly _fields: readonly string[];
  /** A new plain, mutable object of the values by name (first column of a name wins). */
  _asdict(): { -readonly [K in keyof Names]: Names[K] };
  /** A new plain array of the values. */
  _tuple(): Tuple;
}

/** Names that cannot become getters: array members (`length`, `map`, ...) and the row's own members. */
type Shadowed = keyof (readonly unknown[]) | keyof RowMembers<unknown[], unknown>;

/**
 * One result row: a real array of the values (`const [id, name] = row`, `row[0]`, `row.length`,
 * `Array.isArray(row)`) that also answers column names (`row.name`). A name that an array member or
 * a row member already takes (`length`, `map`, `_mapping`, ...) is only reachable via `_mapping`,
 * as in SQLAlchemy, where `row.count` is the tuple method.
 */
export type Row<Tuple extends unknown[] = unknown[], Names = Record<string, unknown>> = Readonly<Tuple> &
  RowMembers<Tuple, Names> & { readonly [K in Exclude<keyof Names, Shadowed>]: Names[K] };

const shapeKey: unique symbol = Symbol("athanor.rowShape");

/**
 * The runtime base of every row. Each result shape gets a subclass whose prototype carries the name
 * getters, so a row is one array allocation with no per-row properties (see `pnpm bench rows`).
 */
class RowBase extends Array<unknown> {
  declare readonly [shapeKey]: RowShape;

  /** map/filter/slice of a row give plain arrays, not rows of a shape that no longer fits. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  get _fields(): readonly string[] {
    return this[shapeKey].names;
  }

  get _mapping(): Readonly<Record<string, unknown>> {
    return Object.freeze(this[shapeKey].mapping(this));
  }

  _asdict(): Record<string, unknown> {
    return this[shapeKey].mapping(this);
  }

  _tuple(): unknown[] {
    return Array.from(this);
  }

  /** console.log shows a row as SQLAlchemy prints one: a tuple, `(1, 'some name')`. */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    const values = Array.from(this, (value) => inspect(value, options));
    return values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`;
  }
}

/** `instanceof Row` is true for every row of every result. */
export const Row: abstract new () => Row<unknown[], Record<string, never>> = RowBase as never;

/** A canonical array index: such a name must never become a getter, it would hide the value. */
function isIndexName(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name);
}

/** What rows of one column layout share: names, the first index of each name, the row class. */
export class RowShape {
  readonly names: readonly string[];
  /** [name, index of its first column], once per distinct name. */
  readonly entries: readonly (readonly [string, number])[];
  /** Called with the row's width: `new RowClass(width)` is an array of that length. */
  readonly RowClass: new (
    width: number,
  ) => RowBase;

  constructor(names: readonly string[]) {
    this.names = Object.freeze([...names]);
    const entries: [string, number][] = [];
    const seen = new Set<string>();
    class ShapeRow extends RowBase {}
    Object.defineProperty(ShapeRow.prototype, shapeKey, { value: this });
    names.forEach((name, index) => {
      if (seen.has(name)) return; // duplicates: the first column of a name answers it
      seen.add(name);
      entries.push([name, index]);
      if (name in ShapeRow.prototype || isIndexName(name)) return;
      Object.defineProperty(ShapeRow.prototype, name, {
        get(this: RowBase) {
          return this[index];
        },
      });
    });
    this.entries = entries;
    this.RowClass = ShapeRow;
  }

  /** A plain object of `values` by name; `__proto__` is defined, not assigned, so it stays a key. */
  mapping(values: readonly unknown[]): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    for (const [name, index] of this.entries) {
      if (name === "__proto__") {
        Object.defineProperty(mapping, name, { value: values[index], enumerable: true, writable: true });
      } else mapping[name] = values[index];
    }
    return mapping;
  }
}

/**
 * Shapes by column names. Reusing one class per name list keeps row property reads monomorphic
 * across executions of a statement (a new class per Result made every read site megamorphic). Capped
 * so ad-hoc column lists cannot grow it without bound.
 */
const shapes = new Map<string, RowShape>();
const maxShapes = 1000;

export function rowShape(names: readonly string[]): RowShape {
  // NUL cannot occur in a PostgreSQL name, so it separates unambiguously (and join is ~3x cheaper
  // than JSON.stringify on this per-result path).
  const key = names.length === 1 ? names[0]! : names.join("\u0000");
  let shape = shapes.get(key);
  if (shape === undefined) {
    if (shapes.size >= maxShapes) shapes.clear();
    shape = new RowShape(names);
    shapes.set(key, shape);
  }
  return shape;
}
