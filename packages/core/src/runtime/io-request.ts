import { Instruction, type Op } from "./instruction.ts";
import { markDriven } from "./op-tracking.ts";
import { RequestReusedError } from "./runtime-errors.ts";

/**
 * A request for IO, yielded at the bottom of an op's stack: plain data tagged with `kind`, answered
 * by the run's RequestHandler. Without an intercepting handler a request carries itself out with
 * `perform()`; a scripted driver in tests answers instead and records the exact sequence.
 *
 * A request is performed once; create a new one for each IO. It is its own single-shot iterator
 * (yield itself, then return the answer), which saves an allocation on the hottest path.
 */
export abstract class IORequest<T = unknown>
  extends Instruction
  implements Op<T>, Iterator<Instruction, T, unknown>
{
  abstract readonly kind: string;
  declare private yielded: boolean;

  constructor() {
    super();
    this.yielded = false;
  }

  get label(): string {
    return this.kind;
  }

  /** Carries the request out: the value at once, or a promise of it. */
  abstract perform(): T | PromiseLike<T>;

  /**
   * Told when the run is aborted while this request is in flight, so the IO can be cancelled or its
   * connection invalidated. The run no longer waits for the answer.
   */
  cancel(_reason: unknown): void {}

  /**
   * Told when an answer arrives that no run will take: the run was aborted while waiting for it (or
   * before it could start waiting). A request whose answer holds a resource (an open connection, a
   * pool slot) gives it back here, so an abort never leaks what the IO acquired.
   */
  abandoned(_answer: T): void {}

  /**
   * Whether an abort may cut this request short. One that may not (COMMIT: once sent, its outcome
   * must be known) is waited for; the abort then takes effect at the run's next request.
   */
  get interruptible(): boolean {
    return true;
  }

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    if (this.yielded) throw new RequestReusedError(this.label);
    return this;
  }

  next(answer?: unknown): IteratorResult<Instruction, T> {
    if (this.yielded) return { done: true, value: answer as T };
    this.yielded = true;
    if (!this.driven) markDriven(this);
    return { done: false, value: this };
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }
}
