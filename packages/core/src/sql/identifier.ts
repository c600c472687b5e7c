import { ArgumentError } from "../errors.ts";

/**
 * Checks a name that will be written into SQL as a quoted identifier: quoting makes any text safe
 * except NUL, which PostgreSQL cannot hold in a name (the statement would be cut there).
 */
export function checkIdentifier(name: string, what: string): string {
  if (name === "") throw new ArgumentError(`${what}: a name cannot be empty`);
  if (name.includes("\u0000"))
    throw new ArgumentError(`${what}: a name cannot contain NUL (\\u0000): ${JSON.stringify(name)}`);
  return name;
}
