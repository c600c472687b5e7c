import { AthanorError } from "../errors.ts";

/**
 * A run was aborted through its AbortSignal. `cause` is the signal's reason. Errors raised by
 * `finally` blocks while the run's frames were closed are kept in `suppressed`, not lost.
 */
export class AbortError extends AthanorError {
  override name = "AbortError";
  readonly suppressed: unknown[] = [];

  constructor(reason: unknown) {
    super("the run was aborted", { cause: reason });
  }
}

/**
 * runBlocking() met a request its handler answered with a promise. Raised inside the op (so its
 * `finally` blocks run) the moment it happens; the promise is abandoned and its request cancelled.
 */
export class BlockingRunError extends AthanorError {
  override name = "BlockingRunError";
  readonly request: string;

  constructor(request: string) {
    super(
      `request "${request}" was answered asynchronously, but runBlocking() cannot wait: ` +
        "use run() with an async driver, or a handler that answers at once",
    );
    this.request = request;
  }
}

/**
 * A request object was driven a second time. A request is performed once (unlike a GenOp, which is a
 * reusable description): create a new request for each IO.
 */
export class RequestReusedError extends AthanorError {
  override name = "RequestReusedError";

  constructor(label: string) {
    super(`request "${label}" was already performed; create a new request for each IO`);
  }
}

/** A frame yielded something that is neither an op nor an IO request. */
export class NotAnOpError extends AthanorError {
  override name = "NotAnOpError";

  constructor(value: unknown) {
    super(
      `an op yielded ${describe(value)}, which is not an op or IO request: ` +
        "compose ops with `yield*` (not `yield`), and keep plain values out of `yield`",
    );
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  return `${typeof value} ${String(value)}`;
}
