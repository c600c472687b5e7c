import type { BindParameter } from "./column-element.ts";
import type { ElementKind } from "./element-kinds.ts";

/**
 * Collects a statement's shape key (its structure, values left out) and its bind parameters, in one
 * traversal. Equal keys compile to equal SQL, so the key indexes the compiled-statement cache; the
 * binds, in traversal order, supply the values on every execution.
 */
export class ShapeContext {
  /** The shape as tokens: constants, names and numbers (no values). Equal tokens, equal SQL. */
  declare readonly tokens: (string | number)[];
  /** FNV-1a over the tokens, so the cache finds candidates without building a string key. */
  declare hash: number;
  declare readonly binds: BindParameter<unknown>[];
  /** Execution parameters, for statements whose shape depends on them (an INSERT of given keys). */
  declare readonly params: Readonly<Record<string, unknown>> | undefined;
  // Allocated on first use: most statements need none of them (this object is made per compile).
  declare private seenSet: Set<object> | undefined;
  declare private planMap: Map<object, unknown> | undefined;
  declare private anonymousMap: Map<object, number> | undefined;

  constructor(params?: Readonly<Record<string, unknown>>) {
    this.tokens = [];
    this.hash = 0x811c9dc5;
    this.binds = [];
    this.params = params;
    this.seenSet = undefined;
    this.planMap = undefined;
    this.anonymousMap = undefined;
  }

  /** Elements whose definition is already in the key (a CTE is defined once, then named). */
  get seen(): Set<object> {
    this.seenSet ??= new Set();
    return this.seenSet;
  }

  /** Per-compile plans of statements (an INSERT's columns and values), shared by shape and lowering. */
  get plans(): Map<object, unknown> {
    this.planMap ??= new Map();
    return this.planMap;
  }

  /** Anonymous FROM items (unnamed subqueries) in order of first appearance: they render anon_1... */
  get anonymous(): ReadonlyMap<object, number> {
    this.anonymousMap ??= new Map();
    return this.anonymousMap;
  }

  /** The number of an anonymous FROM item within this statement. */
  anonymousNumber(item: object): number {
    this.anonymousMap ??= new Map();
    let number = this.anonymousMap.get(item);
    if (number === undefined) {
      number = this.anonymousMap.size + 1;
      this.anonymousMap.set(item, number);
    }
    return number;
  }

  /**
   * Appends a token: a structural constant ("select(", an operator), a name, raw SQL text, or a
   * number (a table's id, a count). Tokens stay separate, so no two sequences are confused.
   */
  add(token: string | number): void {
    this.tokens.push(token);
    let hash = this.hash;
    if (typeof token === "number") hash = Math.imul(hash ^ (token | 0), 0x01000193);
    else for (let i = 0; i < token.length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
    this.hash = Math.imul(hash ^ 0xff, 0x01000193);
  }

  /** The tokens as one string, for reading (tests, debugging); the cache never builds it. */
  get key(): string {
    return this.tokens.join(" ");
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
