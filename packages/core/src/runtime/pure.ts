import type { Instruction, Op } from "./instruction.ts";

/**
 * An op that already has its value (an identity-map hit, a loaded attribute): `yield*` gets the value
 * on its first `next()`, with no scheduler work and no allocation.
 */
class PureOp<T> implements Op<T>, Iterator<Instruction, T, unknown> {
  private readonly result: IteratorReturnResult<T>;

  constructor(value: T) {
    this.result = { done: true, value };
  }

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return this;
  }

  next(): IteratorResult<Instruction, T> {
    return this.result;
  }
}

export function pure<T>(value: T): Op<T> {
  return new PureOp(value);
}
