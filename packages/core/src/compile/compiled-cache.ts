import type { CompiledTemplate } from "./compiler.ts";

/**
 * Compiled statements by shape key, least recently used evicted first. A hit skips lowering and
 * rendering: only the values are taken from the statement.
 */
export class CompiledCache {
  declare readonly maxSize: number;
  hits: number;
  misses: number;
  declare private readonly entries: Map<string, CompiledTemplate>;

  constructor(maxSize = 500) {
    if (!Number.isInteger(maxSize) || maxSize < 0)
      throw new RangeError(`cache size must be an integer >= 0, got ${maxSize}`);
    this.maxSize = maxSize;
    this.hits = 0;
    this.misses = 0;
    this.entries = new Map();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CompiledTemplate | undefined {
    const template = this.entries.get(key);
    if (template === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserting keeps the Map in recency order (oldest first).
    this.entries.delete(key);
    this.entries.set(key, template);
    return template;
  }

  set(key: string, template: CompiledTemplate): void {
    if (this.maxSize === 0) return;
    this.entries.set(key, template);
    if (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
