/**
 * The key `unique()` compares by: equal values give equal keys. JS has no value equality for
 * objects, so values are written out: each primitive tagged with its kind (1 and "1" differ), arrays
 * (rows) element-wise, dates by instant, byte arrays by bytes, plain objects (JSON) by sorted keys.
 * Instances of other classes are compared by identity, as Python compares objects without __eq__.
 */
export function uniqueKey(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return `n${value}`; // NaN equals NaN, 0 equals -0, as Python's set does
    case "bigint":
      return `i${value}`;
    case "boolean":
      return value ? "t" : "f";
    case "undefined":
      return "u";
    case "object":
      return value === null ? "z" : objectKey(value);
    case "symbol":
      return symbolKey(value);
    default:
      return identityKey(value as object); // a function
  }
}

function objectKey(value: object): string {
  if (Array.isArray(value)) return `[${value.map(uniqueKey).join(",")}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (ArrayBuffer.isView(value)) {
    return `b${Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).join(".")}`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return identityKey(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${uniqueKey(item)}`).join(",")}}`;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityKey(value: object): string {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return `#${id}`;
}

const symbols = new Map<symbol, number>();

function symbolKey(value: symbol): string {
  let id = symbols.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    symbols.set(value, id);
  }
  return `#${id}`;
}
