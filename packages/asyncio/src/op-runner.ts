import type { Op } from "@athanor/core";

/**
 * How the facade drives a sync-layer op: `run(op)` through the owning AsyncConnection, which
 * serialises calls so two never interleave on one connection. AsyncResult and friends get one.
 */
export type OpRunner = <T>(op: Op<T>) => Promise<T>;
