import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ArgumentError,
  CompiledCache,
  type ConnectParams,
  createEngine,
  type Dialect,
  type DialectCapabilities,
  type DialectOptions,
  type DriverConnection,
  dialectPackageNames,
  InvalidRequestError,
  loadDialect,
  makeUrl,
  NoSuchDialectError,
  registerDialect,
  registeredDialect,
  registeredDialectNames,
  run,
  text,
  unregisterDialect,
} from "@athanor/core";
import { thrown } from "@athanor/testing";
import { PostgresQueryCompiler } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

/** A dialect whose connections answer every statement with one row: `[<dialect name>]`. */
class FakeDialect implements Dialect {
  readonly name: string;
  readonly driver = "fake";
  readonly isAsync = true;
  readonly capabilities: DialectCapabilities = {
    serverSideCursors: false,
    returning: true,
    executemany: "values",
    maxParameters: 65535,
  };
  readonly defaultPoolClass = "queue" as const;
  readonly queryCompiler = new PostgresQueryCompiler();
  readonly compiledCache: CompiledCache;
  readonly options: DialectOptions;
  readonly connected: ConnectParams[] = [];

  constructor(name: string, options: DialectOptions) {
    this.name = name;
    this.options = options;
    this.compiledCache = new CompiledCache(options.queryCacheSize);
  }

  connect(params: ConnectParams): Promise<DriverConnection> {
    this.connected.push(params);
    const name = this.name;
    return Promise.resolve({
      driverConnection: `${name} connection`,
      execute: () => Promise.resolve({ rows: [[name]], fields: ["name"], returnsRows: true, rowcount: 1 }),
      executeMany: () => Promise.resolve({ rowcount: 0 }),
      openCursor: () => Promise.reject(new Error("no cursors")),
      close: () => Promise.resolve(),
      terminate: () => {},
    });
  }

  isDisconnect(): boolean {
    return false;
  }
}

/** Names this file registered, forgotten after each test so tests start from an empty registry. */
const registeredHere = new Set<string>();

function register(
  name: string,
  make: (options: DialectOptions) => Dialect = (options) => new FakeDialect(name, options),
): void {
  registerDialect(name, make);
  registeredHere.add(name);
}

afterEach(() => {
  for (const name of registeredHere) unregisterDialect(name);
  registeredHere.clear();
});

describe("registerDialect", () => {
  test.each([
    "Fancy",
    "fancy+",
    "+drv",
    "1fancy",
    "fan-cy",
    "fancy+drv+more",
    "fancy+Drv",
    "fancy+1drv",
    "",
    " fancy",
  ])("refuses the name %o", (name) => {
    const error = thrown(() => registerDialect(name, (options) => new FakeDialect(name, options)));
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toHaveProperty(
      "message",
      `invalid dialect name ${JSON.stringify(name)}: expected "dialect" or "dialect+driver", lower case`,
    );
    expect(registeredDialectNames()).toEqual([]);
  });

  test("accepts `dialect` and `dialect+driver` names; registeredDialectNames lists them sorted", () => {
    expect(registeredDialectNames()).toEqual([]);
    register("zeta");
    register("fancy+drv");
    register("my_db2+my_driver_3");
    register("fancy");
    expect(registeredDialectNames()).toEqual(["fancy", "fancy+drv", "my_db2+my_driver_3", "zeta"]);
  });

  test("unregisterDialect forgets a name and says whether it was there", () => {
    register("fancy");
    register("fancy+drv");
    expect(unregisterDialect("fancy")).toBe(true);
    expect(unregisterDialect("fancy")).toBe(false);
    expect(unregisterDialect("never")).toBe(false);
    expect(registeredDialectNames()).toEqual(["fancy+drv"]);
    expect(registeredDialect(makeUrl("fancy://"))).toBeUndefined();
  });

  test("a URL finds the factory of exactly its drivername", () => {
    const plain = (options: DialectOptions) => new FakeDialect("plain", options);
    const withDriver = (options: DialectOptions) => new FakeDialect("with driver", options);
    register("fancy", plain);
    register("fancy+drv", withDriver);
    expect(registeredDialect(makeUrl("fancy://host/db"))).toBe(plain);
    expect(registeredDialect(makeUrl("FANCY+DRV://host/db"))).toBe(withDriver);
    expect(registeredDialect(makeUrl("fancy+other://host/db"))).toBeUndefined();
  });

  test("registering a name again replaces its factory; each engine gets its own dialect instance", () => {
    register("fancy", (options) => new FakeDialect("first", options));
    expect(createEngine("fancy://").dialect.name).toBe("first");
    register("fancy", (options) => new FakeDialect("second", options));
    const engine = createEngine("fancy://", { queryCacheSize: 7 });
    const other = createEngine("fancy://");
    expect(engine.dialect.name).toBe("second");
    expect(engine.dialect).not.toBe(other.dialect);
    expect(engine.dialect.compiledCache.maxSize).toBe(7);
    const dialect = engine.dialect;
    expect(dialect).toBeInstanceOf(FakeDialect);
    if (dialect instanceof FakeDialect) expect(dialect.options.url).toBe(engine.url);
  });
});

describe("dialectPackageNames: where an unregistered dialect is looked for", () => {
  test.each([
    [
      "postgresql+pglite://",
      [
        "@athanor/dialect-pglite",
        "@athanor/dialect-postgres",
        "athanor-dialect-postgresql-pglite",
        "athanor-dialect-postgresql",
      ],
    ],
    [
      "postgresql+pg://localhost/db",
      ["@athanor/dialect-postgres", "athanor-dialect-postgresql-pg", "athanor-dialect-postgresql"],
    ],
    ["postgresql://localhost/db", ["@athanor/dialect-postgres", "athanor-dialect-postgresql"]],
    ["fancy+drv://", ["athanor-dialect-fancy-drv", "athanor-dialect-fancy"]],
    ["fancy://", ["athanor-dialect-fancy"]],
  ])("%s", (url, names) => {
    expect(dialectPackageNames(makeUrl(url))).toEqual(names);
  });
});

describe("an engine for a dialect that is not registered", () => {
  test("is made; its dialect is loaded on the first connect, and until then `dialect` says so", () => {
    const engine = createEngine("nowhere+drv://scott:tiger@host/db", { poolSize: 2 });
    expect(engine.url.drivername).toBe("nowhere+drv");
    expect(engine.toString()).toBe("Engine(nowhere+drv://scott:***@host/db)");
    const message =
      'the dialect for "nowhere+drv://" is loaded on the first connect and has not been yet; ' +
      "import its package before createEngine() to have it at once";
    for (const read of [() => engine.dialect, () => engine.pool, () => engine.name, () => engine.driver]) {
      const error = thrown(read);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toHaveProperty("message", message);
    }
  });

  test("connecting rejects with NoSuchDialectError listing the packages looked for", async () => {
    const engine = createEngine("nowhere+drv://host/db");
    const error = await run(engine.connect()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoSuchDialectError);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toHaveProperty("name", "NoSuchDialectError");
    expect(error).toHaveProperty(
      "message",
      'no dialect for "nowhere+drv://": install and import one of athanor-dialect-nowhere-drv, athanor-dialect-nowhere (registered: none)',
    );
  });

  test("the message lists what is registered", async () => {
    register("fancy");
    register("alpha+beta");
    const error = await run(createEngine("nowhere://").connect()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoSuchDialectError);
    expect(error).toHaveProperty(
      "message",
      'no dialect for "nowhere://": install and import one of athanor-dialect-nowhere (registered: alpha+beta, fancy)',
    );
    const direct = await loadDialect(makeUrl("nowhere://")).catch((caught: unknown) => caught);
    expect(direct).toBeInstanceOf(NoSuchDialectError);
    expect(direct).toHaveProperty("message", (error as Error).message);
  });

  test("a dialect registered after createEngine is found at the first connect, for derived engines too", async () => {
    const engine = createEngine("late://somewhere/db", { connectArgs: { flavour: "late" } });
    const child = engine.executionOptions({ loggingToken: "child" });
    expect(() => child.dialect).toThrow(InvalidRequestError);
    const factory = (options: DialectOptions) => new FakeDialect("late", options);
    register("late", factory);
    expect(await loadDialect(makeUrl("late://"))).toBe(factory);
    const value = await run(
      child.connect(function* (conn) {
        return yield* conn.scalar(text("select name"));
      }),
    );
    expect(value).toBe("late");
    expect(child.dialect).toBe(engine.dialect);
    expect(engine.pool).toBe(child.pool);
    const dialect = engine.dialect;
    expect(dialect).toBeInstanceOf(FakeDialect);
    if (dialect instanceof FakeDialect) {
      expect(dialect.connected).toHaveLength(1);
      expect(dialect.connected[0]?.connectArgs).toEqual({ flavour: "late" });
      expect(dialect.connected[0]?.url).toBe(engine.url);
    }
  });
});

/**
 * Discovery by package name, for real: an application directory with dialect packages in its
 * node_modules, and a Node process started in it (the registry imports from the application's
 * directory, so the cwd matters and a child process is the honest way to set it).
 */
describe("discovery of a dialect package installed in the application", () => {
  const require = createRequire(import.meta.url);
  const coreUrl = pathToFileURL(require.resolve("@athanor/core")).href;
  const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
  let app = "";
  let output: Record<string, unknown> = {};
  let stderr = "";

  function writePackage(
    name: string,
    source: string,
    entry: Record<string, unknown> = { main: "index.js" },
  ): void {
    const dir = join(app, "node_modules", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name, version: "1.0.0", type: "module", ...entry }),
    );
    writeFileSync(join(dir, "index.js"), source);
  }

  /** A dialect package's module, written against the public API only, as a third party would. */
  function dialectModule(name: string, driver: string): string {
    return `import { CompiledCache, PostgresDialect, registerDialect } from ${JSON.stringify(coreUrl)};

class ThirdPartyDialect {
  name = ${JSON.stringify(name)};
  driver = ${JSON.stringify(driver)};
  isAsync = true;
  capabilities = { serverSideCursors: false, returning: true, executemany: "values", maxParameters: 100 };
  defaultPoolClass = "queue";
  queryCompiler = new PostgresDialect().queryCompiler;
  compiledCache;
  constructor(options) {
    this.compiledCache = new CompiledCache(options.queryCacheSize);
  }
  async connect(params) {
    return {
      driverConnection: this.name + " connection to " + params.url.host,
      execute: async (sql) => ({ rows: [[this.name + " answers " + sql]], fields: ["answer"], returnsRows: true, rowcount: 1 }),
      executeMany: async () => ({ rowcount: 0 }),
      openCursor: async () => { throw new Error("no cursors"); },
      close: async () => {},
      terminate: () => {},
    };
  }
  isDisconnect() {
    return false;
  }
}
registerDialect(${JSON.stringify(name)}, (options) => new ThirdPartyDialect(options));
`;
  }

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), "athanor-discovery-"));
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "discovery-app", private: true, type: "module" }),
    );
    writePackage("athanor-dialect-fancy", dialectModule("fancy", "fancydb"));
    // Installed, imported, but registers nothing.
    writePackage("athanor-dialect-lazy", "export const loaded = true;\n");
    // Installed, but importing it fails: that error is the one to report, not "not installed".
    writePackage(
      "athanor-dialect-broken",
      'import "athanor-missing-dependency";\nexport const loaded = true;\n',
    );
    // ESM only: no "main", an "exports" with the "import" condition alone (invisible to require.resolve).
    writePackage("athanor-dialect-esmonly", dialectModule("esmonly", "esm"), {
      exports: { ".": { import: "./index.js" } },
    });
    writeFileSync(
      join(app, "main.mjs"),
      `import { createEngine, registeredDialectNames, run, text } from ${JSON.stringify(coreUrl)};

const output = {};
const engine = createEngine("fancy://db.example.com/app");
try {
  engine.dialect;
  output.before = "loaded";
} catch (error) {
  output.before = error.name;
}
const conn = await run(engine.connect());
output.dialect = engine.dialect.name;
output.driver = engine.driver;
output.driverConnection = conn.getRawConnection().driverConnection;
output.answer = await run(conn.scalar(text("select 1")));
await run(conn.close());
output.registered = registeredDialectNames();
for (const name of ["lazy", "broken", "esmonly"]) {
  try {
    const other = createEngine(name + "://");
    await run(other.connect(function* (conn) {}));
    output[name] = { connected: other.dialect.name };
  } catch (error) {
    output[name] = { name: error.name, code: error.code, message: error.message };
  }
}
console.log(JSON.stringify(output));
`,
    );
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", tsxLoader, "main.mjs"],
        { cwd: app, timeout: 60_000, encoding: "utf8" },
        (error, stdout, stderrText) => {
          if (error !== null && stdout === "")
            reject(new Error(`the child process failed: ${error.message}\n${stderrText}`));
          else resolve({ stdout, stderr: stderrText });
        },
      );
    });
    stderr = result.stderr;
    const lastLine = result.stdout.trim().split("\n").at(-1) ?? "";
    output = JSON.parse(lastLine) as Record<string, unknown>;
  }, 60_000);

  afterAll(() => {
    if (app !== "") rmSync(app, { recursive: true, force: true });
  });

  test("the package is imported at the first connect and registers the dialect", () => {
    expect(stderr).toBe("");
    expect(output["before"]).toBe("InvalidRequestError");
    expect(output["dialect"]).toBe("fancy");
    expect(output["driver"]).toBe("fancydb");
    expect(output["driverConnection"]).toBe("fancy connection to db.example.com");
    expect(output["answer"]).toBe("fancy answers select 1");
    expect(output["registered"]).toEqual(["fancy"]);
  });

  test("a package that registers nothing: NoSuchDialectError says it was loaded", () => {
    expect(output["lazy"]).toEqual({
      name: "NoSuchDialectError",
      message:
        'no dialect for "lazy://": athanor-dialect-lazy loaded but registered no "lazy" (registered: fancy)',
    });
  });

  test("a package that is installed but fails to import: its own error comes through", () => {
    expect(output["broken"]).toEqual({
      name: "Error",
      code: "ERR_MODULE_NOT_FOUND",
      message: expect.stringContaining("Cannot find package 'athanor-missing-dependency' imported from"),
    });
  });

  test("an ESM-only package (exports with the import condition alone) is found too", () => {
    expect(output["esmonly"]).toEqual({ connected: "esmonly" });
  });
});
