import type { IORequest } from "./io-request.ts";

/**
 * Answers the IO requests of a run. `answer` returns the value at once (the run resumes without a
 * microtask hop) or a promise of it (the run waits). A handler never answers with a promise-like
 * value that is itself the result: a promise-like answer always means "wait for it".
 */
export interface RequestHandler {
  answer(request: IORequest): unknown;
  /** The run was aborted while `request` was in flight; the run no longer waits for its answer. */
  cancel?(request: IORequest, reason: unknown): void;
  /** An answer arrived that no run will take (the run was aborted first): release what it holds. */
  abandoned?(request: IORequest, answer: unknown): void;
}

/** The default handler: every request carries itself out. */
export const performRequests: RequestHandler = {
  answer: (request) => request.perform(),
  cancel: (request, reason) => request.cancel(reason),
  abandoned: (request, answer) => request.abandoned(answer),
};
