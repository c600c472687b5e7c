import { ArgumentError, DatabaseUrl, makeUrl } from "@athanor/core";
import { describe, expect, test } from "vitest";

/** The error `fn` throws, checked to be an ArgumentError. */
function argumentError(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    if (error instanceof ArgumentError) return error;
  }
  throw new Error("expected an ArgumentError, nothing was thrown");
}

/** What an untyped caller (JavaScript, a config value) might pass where a URL belongs. */
function makeUrlFromUnknown(value: unknown): DatabaseUrl {
  return makeUrl(value as string);
}

describe("makeUrl takes every part apart", () => {
  test("user, password with %-escapes, IPv6 host, port, database, query", () => {
    const url = makeUrl(
      "postgresql+pg://sc%40tt:p%40ss%3Aw%2Frd@[::1]:5433/my%20db?sslmode=require&application_name=my%20app",
    );
    expect(url.drivername).toBe("postgresql+pg");
    expect(url.username).toBe("sc@tt");
    expect(url.password).toBe("p@ss:w/rd");
    expect(url.host).toBe("::1");
    expect(url.port).toBe(5433);
    expect(url.database).toBe("my db");
    expect(url.query).toEqual({ sslmode: "require", application_name: "my app" });
    expect(url.dialectName).toBe("postgresql");
    expect(url.driverName).toBe("pg");
  });

  test("a raw `@` and `:` inside the password: the last `@` ends the credentials, the first `:` the user", () => {
    const url = makeUrl("postgresql://scott:ti:g@r@db.example.com/test");
    expect(url.username).toBe("scott");
    expect(url.password).toBe("ti:g@r");
    expect(url.host).toBe("db.example.com");
    expect(url.port).toBeUndefined();
    expect(url.database).toBe("test");
  });

  test("a user without a password, a host without a port, no database, no query", () => {
    const url = makeUrl("postgresql://scott@localhost");
    expect(url.username).toBe("scott");
    expect(url.password).toBeUndefined();
    expect(url.host).toBe("localhost");
    expect(url.port).toBeUndefined();
    expect(url.database).toBeUndefined();
    expect(url.query).toEqual({});
    expect(url.toString()).toBe("postgresql://scott@localhost");
  });

  test("an IPv6 host without a port, an empty port after a host", () => {
    const bracketed = makeUrl("postgresql://[fe80::1]/db");
    expect(bracketed.host).toBe("fe80::1");
    expect(bracketed.port).toBeUndefined();
    expect(bracketed.toString()).toBe("postgresql://[fe80::1]/db");
    const emptyPort = makeUrl("postgresql://localhost:/db");
    expect(emptyPort.host).toBe("localhost");
    expect(emptyPort.port).toBeUndefined();
  });

  test("a query without a path, and the bounds of the port", () => {
    const url = makeUrl("postgresql://localhost:65535?connect_timeout=10");
    expect(url.port).toBe(65535);
    expect(url.database).toBeUndefined();
    expect(url.query).toEqual({ connect_timeout: "10" });
    expect(makeUrl("postgresql://localhost:0/db").port).toBe(0);
  });

  test("the scheme is lower-cased; surrounding whitespace is ignored", () => {
    const url = makeUrl("  PostgreSQL+PG://localhost/db\n");
    expect(url.drivername).toBe("postgresql+pg");
    expect(url.dialectName).toBe("postgresql");
    expect(url.driverName).toBe("pg");
    expect(url.database).toBe("db");
  });

  test("dialectName and driverName: a URL without a driver has no driverName", () => {
    const url = makeUrl("postgresql://localhost/db");
    expect(url.drivername).toBe("postgresql");
    expect(url.dialectName).toBe("postgresql");
    expect(url.driverName).toBeUndefined();
  });

  test("a DatabaseUrl is taken as it is", () => {
    const url = makeUrl("postgresql+pg://localhost/db");
    expect(makeUrl(url)).toBe(url);
  });
});

describe("embedded databases: the database part is a path", () => {
  test("postgresql+pglite:// has no host and no database", () => {
    const url = makeUrl("postgresql+pglite://");
    expect(url.drivername).toBe("postgresql+pglite");
    expect(url.dialectName).toBe("postgresql");
    expect(url.driverName).toBe("pglite");
    expect(url.username).toBeUndefined();
    expect(url.password).toBeUndefined();
    expect(url.host).toBeUndefined();
    expect(url.port).toBeUndefined();
    expect(url.database).toBeUndefined();
    expect(url.query).toEqual({});
    expect(url.toString()).toBe("postgresql+pglite://");
  });

  test("three slashes: a relative path", () => {
    const url = makeUrl("postgresql+pglite:///rel/dir");
    expect(url.host).toBeUndefined();
    expect(url.database).toBe("rel/dir");
    expect(url.toString()).toBe("postgresql+pglite:///rel/dir");
  });

  test("four slashes: an absolute path", () => {
    const url = makeUrl("postgresql+pglite:////abs/dir");
    expect(url.host).toBeUndefined();
    expect(url.database).toBe("/abs/dir");
    expect(url.toString()).toBe("postgresql+pglite:////abs/dir");
  });
});

describe("rendering", () => {
  const full =
    "postgresql+pg://sc%40tt:p%40ss%3Aw%2Frd@[::1]:5433/mydb?sslmode=require&application_name=my%20app";

  test("toString (and String(), and template literals) hide the password as ***", () => {
    const url = makeUrl(full);
    const expected = "postgresql+pg://sc%40tt:***@[::1]:5433/mydb?sslmode=require&application_name=my%20app";
    expect(url.toString()).toBe(expected);
    expect(String(url)).toBe(expected);
    expect(`${url}`).toBe(expected);
    expect(url.toString()).not.toContain("p@ss");
    expect(url.toString()).not.toContain("p%40ss");
  });

  test("renderWithPassword gives the password back, escaped, and round-trips through makeUrl", () => {
    const url = makeUrl(full);
    const rendered = url.renderWithPassword();
    expect(rendered).toBe(full);
    const again = makeUrl(rendered);
    expect(again).not.toBe(url);
    expect(again).toEqual(url);
    expect(again.password).toBe("p@ss:w/rd");
  });

  test("round trip of characters that need escaping in every part", () => {
    const url = new DatabaseUrl({
      drivername: "postgresql+pg",
      username: "us er/+&",
      password: "pa ss@:/?#%",
      host: "db.example.com",
      port: 5432,
      database: "data base?#",
      query: { "key with space": "a&b=c+d" },
    });
    const again = makeUrl(url.renderWithPassword());
    expect(again.username).toBe("us er/+&");
    expect(again.password).toBe("pa ss@:/?#%");
    expect(again.host).toBe("db.example.com");
    expect(again.port).toBe(5432);
    expect(again.database).toBe("data base?#");
    expect(again.query).toEqual({ "key with space": "a&b=c+d" });
    expect(url.toString()).toBe(
      "postgresql+pg://us%20er%2F%2B%26:***@db.example.com:5432/data%20base%3F%23?key%20with%20space=a%26b%3Dc%2Bd",
    );
  });
});

describe("DatabaseUrl", () => {
  test("set() returns a copy with parts replaced; the original is unchanged", () => {
    const url = makeUrl("postgresql+pg://scott:tiger@localhost:5432/test?sslmode=disable");
    const changed = url.set({ database: "other", port: 6543, query: { sslmode: "require" } });
    expect(changed).toBeInstanceOf(DatabaseUrl);
    expect(changed).not.toBe(url);
    expect(changed.renderWithPassword()).toBe(
      "postgresql+pg://scott:tiger@localhost:6543/other?sslmode=require",
    );
    expect(url.renderWithPassword()).toBe("postgresql+pg://scott:tiger@localhost:5432/test?sslmode=disable");
    const noPassword = url.set({ password: undefined, drivername: "postgresql+postgresjs" });
    expect(noPassword.password).toBeUndefined();
    expect(noPassword.driverName).toBe("postgresjs");
    expect(noPassword.renderWithPassword()).toBe(
      "postgresql+postgresjs://scott@localhost:5432/test?sslmode=disable",
    );
  });

  test("a DatabaseUrl and its query are frozen", () => {
    const url = makeUrl("postgresql://localhost/db?a=1");
    expect(Object.isFrozen(url)).toBe(true);
    expect(Object.isFrozen(url.query)).toBe(true);
  });

  test("the query given to the constructor is copied", () => {
    const query: Record<string, string> = { a: "1" };
    const url = new DatabaseUrl({ drivername: "postgresql", query });
    query["a"] = "2";
    expect(url.query).toEqual({ a: "1" });
  });
});

describe("malformed URLs raise ArgumentError", () => {
  test("not a URL", () => {
    expect(argumentError(() => makeUrl("localhost/db")).message).toBe(
      'could not parse a database URL from "localhost/db": expected "dialect+driver://user:password@host:port/database"',
    );
    expect(argumentError(() => makeUrl("")).message).toBe(
      'could not parse a database URL from "": expected "dialect+driver://user:password@host:port/database"',
    );
    expect(argumentError(() => makeUrl("postgresql+://localhost/db")).message).toBe(
      'could not parse a database URL from "postgresql+://localhost/db": expected "dialect+driver://user:password@host:port/database"',
    );
  });

  test("a bad port", () => {
    expect(argumentError(() => makeUrl("postgresql://localhost:port/db")).message).toBe(
      'invalid port "port" in database URL "postgresql://localhost:port/db"',
    );
    expect(argumentError(() => makeUrl("postgresql://localhost:65536/db")).message).toBe(
      'invalid port "65536" in database URL "postgresql://localhost:65536/db"',
    );
    expect(argumentError(() => makeUrl("postgresql://[::1]:-1/db")).message).toBe(
      'invalid port "-1" in database URL "postgresql://[::1]:-1/db"',
    );
  });

  test("bad percent-encoding, in any part", () => {
    expect(argumentError(() => makeUrl("postgresql://%zz@localhost/db")).message).toBe(
      'invalid percent-encoding in database URL "postgresql://%zz@localhost/db"',
    );
    expect(argumentError(() => makeUrl("postgresql://localhost/data%E0%A4%A")).message).toBe(
      'invalid percent-encoding in database URL "postgresql://localhost/data%E0%A4%A"',
    );
  });

  test("not a string", () => {
    expect(argumentError(() => makeUrlFromUnknown(42)).message).toBe(
      "a database URL must be a string or DatabaseUrl, got number",
    );
    expect(argumentError(() => makeUrlFromUnknown(undefined)).message).toBe(
      "a database URL must be a string or DatabaseUrl, got undefined",
    );
    expect(argumentError(() => makeUrlFromUnknown(null)).message).toBe(
      "a database URL must be a string or DatabaseUrl, got object",
    );
  });
});

describe("an error message never contains the password", () => {
  test("a bad port: the password is masked", () => {
    const error = argumentError(() => makeUrl("postgresql+pg://scott:tiger@localhost:99999/test"));
    expect(error.message).toBe(
      'invalid port "99999" in database URL "postgresql+pg://scott:***@localhost:99999/test"',
    );
    expect(error.message).not.toContain("tiger");
  });

  test("bad percent-encoding in the password itself", () => {
    const error = argumentError(() => makeUrl("postgresql://scott:ti%zzger@localhost/test"));
    expect(error.message).toBe(
      'invalid percent-encoding in database URL "postgresql://scott:***@localhost/test"',
    );
    expect(error.message).not.toContain("ti%zzger");
  });

  test("a password with a raw `@`: all of it is masked, not only what comes before the first `@`", () => {
    const error = argumentError(() => makeUrl("postgresql://scott:sec@ret@localhost:port/test"));
    expect(error.message).toBe(
      'invalid port "port" in database URL "postgresql://scott:***@localhost:port/test"',
    );
    expect(error.message).not.toContain("ret@");
  });

  test("a URL too malformed to parse: its credentials are masked all the same", () => {
    const error = argumentError(() => makeUrl("scott:tiger@localhost/test"));
    expect(error.message).toBe(
      'could not parse a database URL from "scott:***@localhost/test": expected "dialect+driver://user:password@host:port/database"',
    );
    expect(error.message).not.toContain("tiger");
    const noColon = argumentError(() => makeUrl("postgresql//scott:tiger@localhost/test"));
    expect(noColon.message).not.toContain("tiger");
  });
});
