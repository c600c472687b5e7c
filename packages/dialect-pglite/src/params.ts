/**
 * Parameters go to PGlite as text (or NULL), formatted here rather than by PGlite's serializers:
 * those are picked by the parameter type the server infers, so the same JS value would be sent
 * differently depending on the SQL (and a given instance may have serializers of its own).
 */
export function toDriverParams(params: readonly unknown[]): (string | null)[] {
  return params.map(toText);
}

/**
 * PGlite runs each parameter through `serializers[typeOid]` of the query options, else its own; the
 * values are already text, so every type OID answers with this pass-through.
 */
export const passThroughSerializers: Readonly<Record<number, (value: unknown) => string>> = new Proxy(
  {},
  { get: () => passThrough },
);

function passThrough(value: unknown): string {
  return value as string;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      // String(-0) is "0": the sign would be lost.
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return byteaHex(value);
      if (Array.isArray(value)) return arrayLiteral(value);
      return JSON.stringify(value);
    default:
      throw new TypeError(`PGlite cannot take a ${typeof value} as a parameter`);
  }
}

function byteaHex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

/** A PostgreSQL array literal: every element quoted (so "NULL" stays a string), NULL for null. */
function arrayLiteral(values: readonly unknown[]): string {
  const parts = values.map((value) => {
    if (Array.isArray(value)) return arrayLiteral(value);
    const text = toText(value);
    return text === null ? "NULL" : `"${text.replace(/[\\"]/g, "\\$&")}"`;
  });
  return `{${parts.join(",")}}`;
}
