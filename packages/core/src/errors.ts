/**
 * Root of every error Athanor raises itself. Driver errors are wrapped by subclasses (later issues),
 * so `instanceof AthanorError` separates "Athanor said no" from a foreign failure.
 */
export class AthanorError extends Error {
  override name = "AthanorError";
}
