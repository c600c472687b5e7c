import type { BindParameter } from "./column-element.ts";
import type { ElementKind } from "./element-kinds.ts";

/**
 * Collects a statement's shape key (its structure, values left out) and its bind parameters, in one
 * traversal. Equal keys compile to equal SQL, so the key indexes the compiled-statement cache; the
 * binds, in traversal order, supply the values on every execution.
 */
export class ShapeContext {
  key = "";
  readonly binds: BindParameter<unknown>[] = [];
  /** Execution parameters, for statements whose shape depends on them (an INSERT of given keys). */
  readonly params: Readonly<Record<string, unknown>> | undefined;

  constructor(params?: Readonly<Record<string, unknown>>) {
    this.params = params;
  }

  /** Elements whose definition is already in the key (a CTE is defined once, then named). */
  readonly seen = new Set<object>();
  /** Per-compile plans of statements (an INSERT's columns and values), shared by shape and lowering. */
  readonly plans = new Map<object, unknown>();
  /** Anonymous FROM items (unnamed subqueries) in order of first appearance: they render anon_1... */
  readonly anonymous = new Map<object, number>();

  /** The number of an anonymous FROM item within this statement. */
  anonymousNumber(item: object): number {
    let number = this.anonymous.get(item);
    if (number === undefined) {
      number = this.anonymous.size + 1;
      this.anonymous.set(item, number);
    }
    return number;
  }

  /** Appends user text (names, raw SQL) so that no two different texts give the same key. */
  text(value: string): void {
    this.key += `${value.length}:${value}`;
  }
}

/**
 * The root of Athanor's SQL elements: immutable objects tagged with `kind`, lowered to Kysely
 * operation nodes by compile/lower.ts (which must handle every kind).
 */
export abstract class SqlElement {
  abstract readonly kind: ElementKind;
  /** Appends this element's structure to the key and its binds to the context. */
  abstract shape(context: ShapeContext): void;

  /** The elements directly inside this one (for traversals such as finding a SELECT's FROM list). */
  abstract get children(): readonly SqlElement[];
}

/** Binding strength, for parenthesising: a child binding looser than its parent gets parentheses. */
export const Precedence = {
  or: 1,
  and: 2,
  not: 3,
  is: 4,
  comparison: 5,
  like: 6,
  other: 7,
  additive: 8,
  multiplicative: 9,
  unary: 11,
  atom: 100,
} as const;
