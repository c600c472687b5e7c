import { NoSuchColumnError } from "../errors.ts";

/**
 * The position among a result's columns (`names`, in order) of a name (its first column) or an
 * index (negative counts from the end); NoSuchColumnError, in SQLAlchemy's words, when there is none.
 */
export function columnPosition(key: string | number, names: readonly string[]): number {
  const count = names.length;
  if (typeof key === "number") {
    const position = key < 0 ? key + count : key;
    if (!Number.isInteger(key) || position < 0 || position >= count) {
      throw new NoSuchColumnError(`Could not locate column in row for column index ${key}`);
    }
    return position;
  }
  const position = names.indexOf(key);
  if (position < 0) throw new NoSuchColumnError(`Could not locate column in row for column '${key}'`);
  return position;
}
