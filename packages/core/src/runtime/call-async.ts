import { IORequest } from "./io-request.ts";

/**
 * The generic request: "await this promise-returning function". It is what lets sync-style code
 * reach a driver's async API (`AdaptedConnection.runAsync`). The function gets an AbortSignal that
 * fires if the run is aborted while it is in flight.
 */
export class CallAsyncRequest<T> extends IORequest<T> {
  declare readonly kind: "callAsync";
  declare readonly fn: (signal: AbortSignal) => T | PromiseLike<T>;
  declare private controller: AbortController | undefined;

  constructor(fn: (signal: AbortSignal) => T | PromiseLike<T>) {
    super();
    this.kind = "callAsync";
    this.fn = fn;
    this.controller = undefined;
  }

  override get label(): string {
    return this.fn.name ? `callAsync(${this.fn.name})` : "callAsync";
  }

  perform(): T | PromiseLike<T> {
    this.controller = new AbortController();
    return this.fn(this.controller.signal);
  }

  override cancel(reason: unknown): void {
    this.controller?.abort(reason);
  }
}

/** `const rows = yield* callAsync((signal) => client.query(sql, { signal }))` */
export function callAsync<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>): CallAsyncRequest<T> {
  return new CallAsyncRequest(fn);
}
