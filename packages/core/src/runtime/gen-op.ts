import { Instruction, type Op, SingleShot } from "./instruction.ts";

/** The body of an op: a generator function whose `yield*`s are ops. */
export type OpBody<T, This = unknown, Args extends unknown[] = []> = (
  this: This,
  ...args: Args
) => Iterator<Instruction, T, unknown>;

/**
 * An op whose body is a generator function. Driving it pushes a fresh generator of the body as a
 * frame on the scheduler's own stack, so nesting depth costs nothing per resumed request. A GenOp is
 * a description: each drive runs the body anew.
 */
export class GenOp<T> extends Instruction implements Op<T> {
  declare readonly body: OpBody<T, unknown, unknown[]>;
  declare readonly self: unknown;
  declare readonly args: unknown[] | undefined;

  constructor(body: OpBody<T, unknown, unknown[]>, self?: unknown, args?: unknown[]) {
    super();
    this.body = body;
    this.self = self;
    this.args = args;
  }

  get label(): string {
    return this.body.name || "anonymous op";
  }

  /** A new generator of the body: the frame the scheduler pushes. */
  start(): Iterator<Instruction, T, unknown> {
    const frame = this.args === undefined ? this.body.call(this.self) : this.body.apply(this.self, this.args);
    if (frame === null || typeof frame !== "object" || typeof frame.next !== "function") {
      throw new TypeError(`op "${this.label}": its body must be a generator function (function*)`);
    }
    return frame;
  }

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return new SingleShot<T>(this);
  }
}

/**
 * An op from a generator function: `op(function* () { const r = yield* conn.execute(s); return r })`.
 * Pass `self` first to run the body with that `this` (generator functions cannot be arrows).
 */
export function op<T>(body: OpBody<T>): GenOp<T>;
export function op<This, T>(self: This, body: OpBody<T, This>): GenOp<T>;
export function op<T>(a: unknown, b?: OpBody<T, unknown>): GenOp<T> {
  return b === undefined ? new GenOp(a as OpBody<T>) : new GenOp(b, a);
}

/**
 * Turns a generator function into a function returning ops, keeping its parameters and `this`:
 * `const fetch = opFn(function* fetch(id: number) {...})`, then `yield* fetch(1)`.
 *
 * To recurse, call the opFn result, not the generator's own name: inside
 * `const walk = opFn(function* walkNode(n) { yield* walk(n - 1) })`, `walk` pushes a frame, while
 * `walkNode(n - 1)` would nest native generators (which overflow near depth 5,000).
 */
export function opFn<T, This = unknown, Args extends unknown[] = []>(
  body: OpBody<T, This, Args>,
): (this: This, ...args: Args) => GenOp<T> {
  const untyped = body as OpBody<T, unknown, unknown[]>;
  return function (this: This, ...args: Args): GenOp<T> {
    return new GenOp(untyped, this, args);
  };
}

/**
 * The op of calling `body` with `self` and `args`, without a closure: the hot-path form for methods
 * (`return opCall(executeBody, this, [statement, params])`).
 */
export function opCall<T, This, Args extends unknown[]>(
  body: (this: This, ...args: Args) => Iterator<Instruction, T, unknown>,
  self: This,
  args: Args,
): GenOp<T> {
  return new GenOp(body as unknown as OpBody<T, unknown, unknown[]>, self, args);
}
