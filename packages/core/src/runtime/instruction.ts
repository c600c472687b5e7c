import { markDriven, trackCreation } from "./op-tracking.ts";

/**
 * What a frame may hand to the scheduler: a GenOp (pushed as a new frame) or an IORequest (answered
 * by the run's handler). Everything else yielded into a run is a usage error.
 */
export abstract class Instruction {
  /** Set the first time a scheduler is handed this instruction; the never-driven check reads it. */
  declare driven: boolean;
  /** Set only while the never-driven check watches this instruction (see op-tracking.ts). */
  declare watch: object | undefined;

  // Hot-path classes `declare` their fields and assign them here: an in-place field initialiser
  // costs ~25 ns per object on Node 20's V8, and a request is allocated for every IO.
  constructor() {
    this.driven = false;
    this.watch = undefined;
    trackCreation(this);
  }

  /** A short name for diagnostics: the op's function name, or the request's kind. */
  abstract get label(): string;
}

/**
 * An operation: something a generator function can `yield*` to get a `T`. Generators built from ops,
 * `GenOp`s and `IORequest`s are all ops; `const x = yield* op` types `x` as `T`.
 */
export interface Op<T> {
  [Symbol.iterator](): Iterator<Instruction, T, unknown>;
}

/** The value an op produces. */
export type OpResult<O> = O extends Op<infer T> ? T : never;

/**
 * The iterator that `yield*` sees for a GenOp or IORequest: it yields its instruction once, so the
 * scheduler (not a native `yield*` chain) runs it, then returns whatever the scheduler resumes it with.
 * A thrown-in error is rethrown so it surfaces at the `yield*` in the user's frame.
 */
export class SingleShot<T> implements Iterator<Instruction, T, unknown> {
  declare private started: boolean;
  declare private readonly instruction: Instruction;

  constructor(instruction: Instruction) {
    this.started = false;
    this.instruction = instruction;
    if (!instruction.driven) markDriven(instruction);
  }

  next(value?: unknown): IteratorResult<Instruction, T> {
    if (this.started) return { done: true, value: value as T };
    this.started = true;
    return { done: false, value: this.instruction };
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }
}
