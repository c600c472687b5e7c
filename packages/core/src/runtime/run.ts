import { GenOp } from "./gen-op.ts";
import { Instruction, type Op } from "./instruction.ts";
import { IORequest } from "./io-request.ts";
import { attachOpContext } from "./op-context.ts";
import { type CreationContext, enterRun, exitRun, markDriven } from "./op-tracking.ts";
import { performRequests, type RequestHandler } from "./request-handler.ts";
import { AbortError, BlockingRunError, NotAnOpError } from "./runtime-errors.ts";

export interface RunOptions {
  /** Answers the run's IO requests. Default: each request performs itself. */
  handler?: RequestHandler;
  /** Aborting closes every frame (their `finally` blocks run) and rejects the run with AbortError. */
  signal?: AbortSignal;
}

export interface BlockingRunOptions {
  handler?: RequestHandler;
}

/** An op, or a function that makes one (e.g. a generator function taking no arguments). */
export type Runnable<T> = Op<T> | (() => Op<T>);

/** Drives an op to completion; IO requests answered with a promise are awaited. */
export function run<T>(op: Runnable<T>, options?: RunOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const scheduler = new Scheduler(options?.handler ?? performRequests, options?.signal, false);
    scheduler.onSettled = (ok, value) => (ok ? resolve(value as T) : reject(value));
    scheduler.start(op);
  });
}

/**
 * Drives an op to completion without ever waiting. A request answered with a promise raises
 * BlockingRunError inside the op at once. For scripted drivers and synchronous drivers.
 */
export function runBlocking<T>(op: Runnable<T>, options?: BlockingRunOptions): T {
  const scheduler = new Scheduler(options?.handler ?? performRequests, undefined, true);
  let outcome: { ok: boolean; value: unknown } | undefined;
  scheduler.onSettled = (ok, value) => {
    outcome = { ok, value };
  };
  scheduler.start(op);
  if (outcome === undefined) throw new Error("athanor: a blocking run ended without an outcome (a bug)");
  if (!outcome.ok) throw outcome.value;
  return outcome.value as T;
}

type Frame = Iterator<Instruction, unknown, unknown>;
const NEXT = 0;
const THROW = 1;
const RETURN = 2;
const STOP = 3;
type Mode = typeof NEXT | typeof THROW | typeof RETURN | typeof STOP;

/**
 * One run of an op: an explicit stack of generator frames, stepped in a loop. A GenOp yielded by the
 * top frame is pushed; a finished frame is popped and its parent resumed with the value or error; an
 * IORequest is answered by the handler, and the loop only leaves (to wait) when that answer is a
 * promise. Nothing recurses, so depth and request count never grow the JS stack.
 */
class Scheduler implements CreationContext {
  onSettled: (ok: boolean, value: unknown) => void = () => {};

  private readonly frames: Frame[] = [];
  /** The GenOp of each frame (undefined for a root that is a plain iterator), for diagnostics. */
  private readonly ops: (GenOp<unknown> | undefined)[] = [];
  private readonly handler: RequestHandler;
  private readonly signal: AbortSignal | undefined;
  private readonly blocking: boolean;
  private readonly onAbort: (() => void) | undefined;
  private settled = false;
  /** The request whose promised answer the run is waiting for. */
  private pending: IORequest | undefined = undefined;
  private aborting: AbortError | undefined = undefined;
  /** While aborting: index of the frame being closed with return(); frames above it run normally. */
  private closingLevel = -1;
  /** For each error seen to arise in this run, the op frames active when it first did. */
  private failureOps: WeakMap<object, string[]> | undefined = undefined;
  /** A promise-like answer may call back inside `then()`: the loop then goes on instead of recursing. */
  private insideThen = false;
  private resumeMode: Mode = NEXT;
  private resumeValue: unknown = undefined;

  constructor(handler: RequestHandler, signal: AbortSignal | undefined, blocking: boolean) {
    this.handler = handler;
    this.signal = signal;
    this.blocking = blocking;
    if (signal !== undefined) {
      this.onAbort = () => this.abortWhileWaiting();
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  currentOp(): Instruction | undefined {
    return this.ops[this.ops.length - 1];
  }

  start(runnable: Runnable<unknown>): void {
    let root: Op<unknown>;
    let frame: Frame;
    try {
      root = typeof runnable === "function" ? runnable() : runnable;
      if (root instanceof Instruction && !root.driven) markDriven(root);
      if (root instanceof GenOp) {
        frame = root.start();
      } else if (root !== null && typeof root === "object" && Symbol.iterator in root) {
        frame = root[Symbol.iterator]();
      } else {
        throw new TypeError(`run() expects an op or a function returning one, not ${typeof root}`);
      }
    } catch (error) {
      this.settle(false, error);
      return;
    }
    if (this.signal?.aborted) {
      frame.return?.();
      this.settle(false, new AbortError(this.signal.reason));
      return;
    }
    this.frames.push(frame);
    this.ops.push(root instanceof GenOp ? root : undefined);
    this.drive(NEXT, undefined);
  }

  private drive(startMode: Mode, startValue: unknown): void {
    const frames = this.frames;
    let mode = startMode;
    let value = startValue;
    const previous = enterRun(this);
    try {
      let frame = frames[frames.length - 1]!;
      while (mode !== STOP) {
        let step: IteratorResult<Instruction, unknown>;
        try {
          step = mode === NEXT ? frame.next(value) : mode === THROW ? throwInto(frame, value) : close(frame);
        } catch (error) {
          if (mode !== THROW || error !== value) this.noteFailure(error);
          mode = this.popFrame(true, error);
          value = error;
          frame = frames[frames.length - 1]!;
          continue;
        }
        if (step.done === true) {
          value = step.value;
          mode = this.popFrame(false, value);
          frame = frames[frames.length - 1]!;
          continue;
        }
        const instruction = step.value;
        if (instruction instanceof IORequest) {
          if (this.aborting === undefined && this.signal?.aborted === true) {
            // Aborted since the run last waited (or while an uninterruptible request ran): no new IO
            // starts; the frames are closed from here.
            this.beginAbort();
            mode = RETURN;
            value = undefined;
            continue;
          }
          let answer: unknown;
          try {
            answer = this.handler.answer(instruction);
          } catch (error) {
            this.noteFailure(error);
            mode = THROW;
            value = error;
            continue;
          }
          if (!isPromiseLike(answer)) {
            mode = NEXT;
            value = answer;
            continue;
          }
          if (this.blocking) {
            value = new BlockingRunError(instruction.label);
            this.abandon(instruction, answer, value);
            this.noteFailure(value);
            mode = THROW;
            continue;
          }
          if (this.signal?.aborted && this.aborting === undefined && instruction.interruptible) {
            // Aborted while the request was being started: never start waiting.
            this.beginAbort();
            this.abandon(instruction, answer, this.signal.reason);
            mode = RETURN;
            continue;
          }
          if (!this.wait(instruction, answer)) return;
          mode = this.resumeMode;
          value = this.resumeValue;
        }
        if (instruction instanceof GenOp) {
          if (!instruction.driven) markDriven(instruction);
          try {
            frame = instruction.start();
            frames.push(frame);
            this.ops.push(instruction);
            mode = NEXT;
            value = undefined;
          } catch (error) {
            this.noteFailure(error);
            mode = THROW;
            value = error;
          }
          continue;
        }
        if (instruction instanceof Instruction && !instruction.driven) markDriven(instruction);
        value = new NotAnOpError(instruction);
        this.noteFailure(value);
        mode = THROW;
      }
    } finally {
      exitRun(previous);
    }
  }

  /** Pops the finished top frame and says how to go on: resume the parent, keep closing, or stop. */
  private popFrame(threw: boolean, value: unknown): Mode {
    const index = this.frames.length - 1;
    this.frames.pop();
    this.ops.pop();
    const aborting = this.aborting;
    if (aborting !== undefined && index <= this.closingLevel) {
      if (threw && value !== aborting) aborting.suppressed.push(value);
      if (index === 0) return this.settle(false, aborting);
      this.closingLevel = index - 1;
      return RETURN;
    }
    if (index === 0) return this.settle(!threw, value);
    return threw ? THROW : NEXT;
  }

  /**
   * Waits for a promised answer. Returns true when a thenable answered inside `then()` itself: the
   * caller's loop resumes with resumeMode/resumeValue rather than this recursing into drive().
   */
  private wait(request: IORequest, answer: PromiseLike<unknown>): boolean {
    this.pending = request;
    this.insideThen = true;
    let answered = false;
    const resume = (mode: Mode, value: unknown): void => {
      if (answered) return;
      answered = true;
      if (this.pending !== request) {
        // The run was aborted while waiting: nobody takes this answer.
        if (mode === NEXT) this.release(request, value);
        return;
      }
      this.pending = undefined;
      if (mode === THROW) this.noteFailure(value);
      if (this.insideThen) {
        this.resumeMode = mode;
        this.resumeValue = value;
      } else {
        this.drive(mode, value);
      }
    };
    try {
      answer.then(
        (value) => resume(NEXT, value),
        (error: unknown) => resume(THROW, error),
      );
    } catch (error) {
      resume(THROW, error);
    } finally {
      this.insideThen = false;
    }
    return this.pending !== request;
  }

  private abortWhileWaiting(): void {
    const request = this.pending;
    // Not waiting: the run is stepping synchronously and sees the abort before its next request.
    if (this.settled || this.aborting !== undefined || request === undefined) return;
    // A request that must not be cut short is waited for; its next request sees the abort.
    if (!request.interruptible) return;
    this.pending = undefined;
    this.beginAbort();
    this.tellCancelled(request, this.signal?.reason);
    if (this.insideThen) {
      // Aborted from inside a thenable's then(): the loop that called it goes on closing frames.
      this.resumeMode = RETURN;
      this.resumeValue = undefined;
    } else {
      this.drive(RETURN, undefined);
    }
  }

  private beginAbort(): void {
    this.aborting = new AbortError(this.signal?.reason);
    this.closingLevel = this.frames.length - 1;
    this.noteFailure(this.aborting);
  }

  /** Stops caring about a promised answer: its request is told, and a late rejection is swallowed. */
  private abandon(request: IORequest, answer: PromiseLike<unknown>, reason: unknown): void {
    answer.then(
      (value) => this.release(request, value),
      () => {},
    );
    this.tellCancelled(request, reason);
  }

  /** An answer no run will take: the request gives back what it holds (a connection, a pool slot). */
  private release(request: IORequest, answer: unknown): void {
    try {
      this.handler.abandoned?.(request, answer);
    } catch {
      // Releasing is best effort; the run has moved on and has nobody to report to.
    }
  }

  private tellCancelled(request: IORequest, reason: unknown): void {
    try {
      this.handler.cancel?.(request, reason);
    } catch (error) {
      this.aborting?.suppressed.push(error);
    }
  }

  /** Remembers where an error first arose; a rethrow further up keeps the deeper context. */
  private noteFailure(error: unknown): void {
    if (error === null || typeof error !== "object") return;
    this.failureOps ??= new WeakMap();
    if (!this.failureOps.has(error)) this.failureOps.set(error, this.opLabels());
  }

  private opLabels(): string[] {
    const labels: string[] = [];
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i];
      if (op !== undefined) labels.push(op.label);
    }
    return labels;
  }

  private settle(ok: boolean, value: unknown): typeof STOP {
    if (this.settled) return STOP;
    this.settled = true;
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
    if (!ok && value !== null && typeof value === "object") {
      const labels = this.failureOps?.get(value);
      if (labels !== undefined) attachOpContext(value, labels);
    }
    this.onSettled(ok, value);
    return STOP;
  }
}

function throwInto(frame: Frame, error: unknown): IteratorResult<Instruction, unknown> {
  if (frame.throw !== undefined) return frame.throw(error);
  frame.return?.();
  throw error;
}

function close(frame: Frame): IteratorResult<Instruction, unknown> {
  return frame.return !== undefined ? frame.return() : { done: true, value: undefined };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
