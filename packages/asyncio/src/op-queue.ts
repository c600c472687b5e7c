import { type Op, run } from "@athanor/core";

/**
 * Serialises the calls made on one AsyncConnection: each op runs after the previous one settles, so
 * two never interleave on the wire. When nothing is running or waiting (the usual case: one awaited
 * call after another) an op starts at once, without a promise hop through the queue's tail.
 */
export class OpQueue {
  /** An op is running (set when it starts; cleared by the first reaction to its settling). */
  #busy = false;
  /** Ops waiting for their turn. */
  #waiting = 0;
  /** The last op started or queued: the next one waits for it. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #release = (): void => {
    this.#busy = false;
  };

  run<T>(operation: Op<T>, signal?: AbortSignal): Promise<T> {
    if (!this.#busy && this.#waiting === 0) {
      const result = this.#start(operation, signal);
      this.#tail = result;
      return result;
    }
    this.#waiting++;
    const start = (): Promise<T> => {
      this.#waiting--;
      return this.#start(operation, signal);
    };
    const result = this.#tail.then(start, start);
    this.#tail = result;
    return result;
  }

  #start<T>(operation: Op<T>, signal: AbortSignal | undefined): Promise<T> {
    this.#busy = true;
    const result = run(operation, signal === undefined ? undefined : { signal });
    // Registered before anyone else can react to `result`: the queue is free again before the
    // caller's continuation or a waiting op runs.
    result.then(this.#release, this.#release);
    return result;
  }
}
