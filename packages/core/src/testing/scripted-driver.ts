import type { IORequest } from "../runtime/io-request.ts";
import type { RequestHandler } from "../runtime/request-handler.ts";

/** How a scripted driver answers one request: the value at once, or a promise of it. */
export type ScriptedAnswer = (request: IORequest, index: number) => unknown;

/**
 * A request handler for runtime tests: answers from a script and records every request it was asked
 * and every cancellation, so a test can assert the exact sequence. Never a stand-in for a database.
 */
export class ScriptedDriver implements RequestHandler {
  /** Every request answered, in order. */
  readonly requests: IORequest[] = [];
  /** Every cancellation the scheduler sent, in order. */
  readonly cancellations: { request: IORequest; reason: unknown }[] = [];
  /** Every answer that arrived after its run was aborted, in order. */
  readonly abandonedAnswers: { request: IORequest; answer: unknown }[] = [];
  private readonly respond: ScriptedAnswer;

  constructor(respond: ScriptedAnswer) {
    this.respond = respond;
  }

  /** Answers every request synchronously with `respond`'s value. */
  static sync(respond: ScriptedAnswer): ScriptedDriver {
    return new ScriptedDriver(respond);
  }

  /** Answers every request through an already-resolved promise (one await per request). */
  static async(respond: ScriptedAnswer): ScriptedDriver {
    return new ScriptedDriver((request, index) => Promise.resolve().then(() => respond(request, index)));
  }

  answer(request: IORequest): unknown {
    const index = this.requests.length;
    this.requests.push(request);
    return this.respond(request, index);
  }

  /** Records the cancellation and tells the request, as the default handler does. */
  cancel(request: IORequest, reason: unknown): void {
    this.cancellations.push({ request, reason });
    request.cancel(reason);
  }

  /** Records the unused answer and tells the request, as the default handler does. */
  abandoned(request: IORequest, answer: unknown): void {
    this.abandonedAnswers.push({ request, answer });
    request.abandoned(answer);
  }

  /** The kinds (labels) of the requests seen so far. */
  get labels(): string[] {
    return this.requests.map((request) => request.label);
  }
}

/** A promise the test settles by hand, to hold a request in flight. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
