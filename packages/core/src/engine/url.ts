import { ArgumentError } from "../errors.ts";

/**
 * A database URL, `dialect+driver://user:password@host:port/database?key=value`, taken apart. The
 * password never shows in `toString()` (logs, errors); `renderWithPassword()` gives it back whole.
 */
export class DatabaseUrl {
  /** "postgresql+pg", or just "postgresql" when no driver is named. */
  readonly drivername: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /**
   * The database name; for embedded dialects a path, relative as `postgresql+pglite:///data/dir`
   * ("data/dir") or absolute as `postgresql+pglite:////var/data` ("/var/data"), as SQLAlchemy's sqlite.
   */
  readonly database: string | undefined;
  readonly query: Readonly<Record<string, string>>;

  constructor(parts: {
    drivername: string;
    username?: string | undefined;
    password?: string | undefined;
    host?: string | undefined;
    port?: number | undefined;
    database?: string | undefined;
    query?: Readonly<Record<string, string>>;
  }) {
    this.drivername = parts.drivername;
    this.username = parts.username;
    this.password = parts.password;
    this.host = parts.host;
    this.port = parts.port;
    this.database = parts.database;
    this.query = Object.freeze({ ...parts.query });
    Object.freeze(this);
  }

  /** "postgresql" of "postgresql+pg". */
  get dialectName(): string {
    return this.drivername.split("+")[0]!;
  }

  /** "pg" of "postgresql+pg"; undefined when the URL names no driver. */
  get driverName(): string | undefined {
    const plus = this.drivername.indexOf("+");
    return plus < 0 ? undefined : this.drivername.slice(plus + 1);
  }

  /** A copy with some parts replaced. */
  set(parts: Partial<Omit<DatabaseUrl, "dialectName" | "driverName">>): DatabaseUrl {
    return new DatabaseUrl({ ...this, ...parts });
  }

  toString(): string {
    return this.render(true);
  }

  renderWithPassword(): string {
    return this.render(false);
  }

  private render(hidePassword: boolean): string {
    let text = `${this.drivername}://`;
    if (this.username !== undefined) {
      text += encodeURIComponent(this.username);
      if (this.password !== undefined) text += `:${hidePassword ? "***" : encodeURIComponent(this.password)}`;
      text += "@";
    }
    if (this.host !== undefined) text += this.host.includes(":") ? `[${this.host}]` : this.host;
    if (this.port !== undefined) text += `:${this.port}`;
    if (this.database !== undefined) {
      text += `/${this.database.split("/").map(encodeURIComponent).join("/")}`;
    }
    const keys = Object.keys(this.query);
    if (keys.length > 0) {
      text += `?${keys.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(this.query[key]!)}`).join("&")}`;
    }
    return text;
  }
}

const schemePattern = /^([A-Za-z][A-Za-z0-9_]*(?:\+[A-Za-z][A-Za-z0-9_]*)?):\/\/(.*)$/s;

/** Parses `dialect+driver://...`; a malformed URL raises ArgumentError naming what is wrong. */
export function makeUrl(url: string | DatabaseUrl): DatabaseUrl {
  if (url instanceof DatabaseUrl) return url;
  if (typeof url !== "string") {
    throw new ArgumentError(`a database URL must be a string or DatabaseUrl, got ${typeof url}`);
  }
  const match = schemePattern.exec(url.trim());
  if (match === null) {
    throw new ArgumentError(
      `could not parse a database URL from ${hidden(url)}: expected "dialect+driver://user:password@host:port/database"`,
    );
  }
  const drivername = match[1]!.toLowerCase();
  const rest = match[2]!;
  // Split off the query and the path by hand: WHATWG URL parsing mangles empty hosts and paths.
  const questionMark = rest.indexOf("?");
  const beforeQuery = questionMark < 0 ? rest : rest.slice(0, questionMark);
  const queryText = questionMark < 0 ? "" : rest.slice(questionMark + 1);
  const slash = beforeQuery.indexOf("/");
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? undefined : beforeQuery.slice(slash + 1);
  const at = authority.lastIndexOf("@");
  const credentials = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);

  let username: string | undefined;
  let password: string | undefined;
  if (credentials !== undefined) {
    const colon = credentials.indexOf(":");
    username = decode(colon < 0 ? credentials : credentials.slice(0, colon), url);
    password = colon < 0 ? undefined : decode(credentials.slice(colon + 1), url);
  }
  let host: string | undefined;
  let port: number | undefined;
  if (hostPort !== "") {
    const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
    const colon = hostPort.lastIndexOf(":");
    const hostText = bracketed ? bracketed[1]! : colon < 0 ? hostPort : hostPort.slice(0, colon);
    const portText = bracketed ? bracketed[2] : colon < 0 ? undefined : hostPort.slice(colon + 1);
    host = decode(hostText, url);
    if (portText !== undefined && portText !== "") {
      if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
        throw new ArgumentError(`invalid port ${JSON.stringify(portText)} in database URL ${hidden(url)}`);
      }
      port = Number(portText);
    }
  }
  const database = path === undefined || path === "" ? undefined : decode(path, url);
  const query: Record<string, string> = {};
  if (queryText !== "") {
    for (const [key, value] of new URLSearchParams(queryText)) query[key] = value;
  }
  return new DatabaseUrl({ drivername, username, password, host, port, database, query });
}

function decode(text: string, url: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ArgumentError(`invalid percent-encoding in database URL ${hidden(url)}`);
  }
}

/** The URL with any password masked, for error messages. */
function hidden(url: string): string {
  // From the user's ":" to the last "@" before the path, as makeUrl reads credentials; any scheme or none.
  return JSON.stringify(url.replace(/:[^/?#]*@/, ":***@"));
}
