/**
 * The heap in use after garbage collection (vitest runs with --expose-gc), for tests that a stream
 * of rows does not pile up in memory. Collected twice: the first pass frees what finalizers release.
 */
export function heapUsed(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}
