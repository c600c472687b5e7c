/**
 * Adds the op frames that were active when an error arose to its stack trace. A driver's rejection
 * has only the driver's own frames; this says which ops were waiting on it.
 */
const annotated = new WeakSet<Error>();
const MAX_FRAMES = 50;

export function attachOpContext(error: unknown, labels: readonly string[]): void {
  if (!(error instanceof Error) || labels.length === 0 || annotated.has(error)) return;
  annotated.add(error);
  const shown = labels.slice(0, MAX_FRAMES).map((label) => `    at ${label} (athanor op)`);
  if (labels.length > MAX_FRAMES) shown.push(`    ... ${labels.length - MAX_FRAMES} more op frames`);
  try {
    error.stack = `${error.stack ?? `${error.name}: ${error.message}`}\n${shown.join("\n")}`;
  } catch {
    // A frozen or exotic error keeps its own stack.
  }
}
