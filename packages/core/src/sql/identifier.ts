import { createHash } from "node:crypto";
import { IdentifierError } from "../errors.ts";
import { hasLoneSurrogate, utf8Length } from "../types/text-checks.ts";

/**
 * PostgreSQL's NAMEDATALEN - 1: the longest identifier, in bytes of UTF-8. The server cuts longer
 * names down with only a NOTICE, so two names that share their first 63 bytes would name one object.
 * Every dialect Athanor has is PostgreSQL's, so this is the limit names are held to where they are made.
 */
export const maxIdentifierBytes = 63;

/** Hex digits of the hash that ends a shortened name: distinct long names stay distinct. */
const hashDigits = 8;

/**
 * Checks a name that will be written into SQL as a quoted identifier: quoting makes any text safe
 * except NUL, which PostgreSQL cannot hold in a name (the statement would be cut there), an unpaired
 * surrogate (no UTF-8 form: drivers send U+FFFD instead) and length past the limit.
 */
export function checkIdentifier(name: string, what: string): string {
  if (name === "") throw new IdentifierError(`${what}: a name cannot be empty`, name);
  if (name.includes("\u0000"))
    throw new IdentifierError(`${what}: a name cannot contain NUL (\\u0000): ${JSON.stringify(name)}`, name);
  if (hasLoneSurrogate(name)) {
    throw new IdentifierError(
      `${what}: a name cannot contain an unpaired UTF-16 surrogate: ${JSON.stringify(name)}`,
      name,
    );
  }
  return checkIdentifierLength(name, what);
}

/** Refuses a name longer than the identifier limit, saying how long it is. */
export function checkIdentifierLength(name: string, what: string): string {
  // Three bytes per UTF-16 unit at most: short names need no counting.
  if (name.length * 3 <= maxIdentifierBytes) return name;
  const bytes = utf8Length(name);
  if (bytes > maxIdentifierBytes) {
    throw new IdentifierError(
      `${what}: identifier ${JSON.stringify(name)} is ${bytes} bytes (UTF-8), over PostgreSQL's maximum ` +
        `identifier length of ${maxIdentifierBytes} bytes (the server would truncate it, and two names ` +
        "could become one): give a shorter name",
      name,
    );
  }
  return name;
}

/**
 * A name Athanor makes up (`ix_<table>_<column>`, `<table>_<columns>_fkey`): as it is when it fits,
 * else cut to fit and ended with `_` and 8 hex digits of its SHA-256, so different long names never
 * shorten to the same one (SQLAlchemy's truncation of convention names, with a longer hash).
 */
export function shortenedName(name: string): string {
  if (name.length * 3 <= maxIdentifierBytes || utf8Length(name) <= maxIdentifierBytes) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, hashDigits);
  const budget = maxIdentifierBytes - hashDigits - 1;
  let prefix = "";
  let bytes = 0;
  // By code point, so a character is never split.
  for (const char of name) {
    const size = utf8Length(char);
    if (bytes + size > budget) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}_${hash}`;
}
