import { InvalidRequestError } from "../errors.ts";

/** No connection came free within the pool's timeout (SQLAlchemy's sqlalchemy.exc.TimeoutError). */
export class TimeoutError extends InvalidRequestError {
  override name = "TimeoutError";
}

/**
 * The connection's transaction failed (or the connection was invalidated) and must be rolled back
 * before the connection does anything else.
 */
export class PendingRollbackError extends InvalidRequestError {
  override name = "PendingRollbackError";
}

/** A pool that has been disposed of for good (not the engine's, which makes a new one) was used. */
export class PoolClosedError extends InvalidRequestError {
  override name = "PoolClosedError";
}
