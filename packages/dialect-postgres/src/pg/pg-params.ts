/**
 * Parameters as pg should send them. pg already sends strings, numbers, booleans, bigints (as
 * text), Buffers and Uint8Arrays (bytea), plain objects (JSON text) and JS arrays (array
 * literals). Only Dates and -0 differ: pg writes Dates in the process's local time zone, core's
 * contract is `toISOString()` (UTC), and -0 as "0" (`(-0).toString()`); inside arrays too.
 */
export function prepareParams(params: readonly unknown[]): unknown[] {
  const prepared = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) prepared[i] = prepareParam(params[i]);
  return prepared;
}

function prepareParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Object.is(value, -0)) return "-0";
  if (Array.isArray(value)) return value.map(prepareParam);
  return value;
}
