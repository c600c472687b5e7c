import type { ShapeContext } from "../sql/element.ts";
import type { CompiledTemplate } from "./compiler.ts";

interface Entry {
  readonly hash: number;
  readonly tokens: readonly (string | number)[];
  readonly template: CompiledTemplate;
  used: number;
}

/**
 * Compiled statements by shape, least recently used evicted first. A hit skips lowering and
 * rendering: only the values are taken from the statement. Entries are found by the shape's hash and
 * confirmed by comparing tokens (mostly the same constant and name strings: pointer compares); no
 * string key is built, which on this path costs more than the rest together. A hit stamps the entry
 * with a counter; eviction scans for the oldest stamp, only when a miss fills a full cache.
 */
export class CompiledCache {
  declare readonly maxSize: number;
  hits: number;
  misses: number;
  declare private readonly entries: Map<number, Entry | Entry[]>;
  declare private count: number;
  declare private clock: number;

  constructor(maxSize = 500) {
    if (!Number.isInteger(maxSize) || maxSize < 0)
      throw new RangeError(`cache size must be an integer >= 0, got ${maxSize}`);
    this.maxSize = maxSize;
    this.hits = 0;
    this.misses = 0;
    this.entries = new Map();
    this.clock = 0;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  get(shape: ShapeContext): CompiledTemplate | undefined {
    const found = this.entries.get(shape.hash);
    const entry =
      found === undefined ? undefined : Array.isArray(found) ? found.find((e) => same(e, shape)) : found;
    if (entry === undefined || !same(entry, shape)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    entry.used = ++this.clock;
    return entry.template;
  }

  set(shape: ShapeContext, template: CompiledTemplate): void {
    if (this.maxSize === 0) return;
    if (this.count >= this.maxSize) this.evictOldest();
    const entry: Entry = { hash: shape.hash, tokens: shape.tokens.slice(), template, used: ++this.clock };
    const found = this.entries.get(shape.hash);
    if (found === undefined) this.entries.set(shape.hash, entry);
    else if (Array.isArray(found)) found.push(entry);
    else this.entries.set(shape.hash, [found, entry]);
    this.count++;
  }

  clear(): void {
    this.entries.clear();
    this.count = 0;
  }

  private evictOldest(): void {
    let oldest: Entry | undefined;
    for (const found of this.entries.values()) {
      for (const entry of Array.isArray(found) ? found : [found]) {
        if (oldest === undefined || entry.used < oldest.used) oldest = entry;
      }
    }
    if (oldest === undefined) return;
    const found = this.entries.get(oldest.hash);
    if (Array.isArray(found)) {
      const rest = found.filter((entry) => entry !== oldest);
      this.entries.set(oldest.hash, rest.length === 1 ? rest[0]! : rest);
    } else this.entries.delete(oldest.hash);
    this.count--;
  }
}

function same(entry: Entry, shape: ShapeContext): boolean {
  const a = entry.tokens;
  const b = shape.tokens;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
