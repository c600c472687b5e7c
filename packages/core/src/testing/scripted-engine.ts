import {
  AdaptedConnection,
  CompiledCache,
  ConnectRequest,
  createEngine,
  type Dialect,
  type DialectCapabilities,
  type DriverConnection,
  DriverRequest,
  type DriverResult,
  type Engine,
  type EngineOptions,
  type IORequest,
  registerDialect,
} from "@athanor/core";
import { ScriptedDriver } from "@athanor/core/testing";
import { PostgresQueryCompiler } from "kysely";

/** A dialect whose connections are never really opened: a ScriptedDriver answers every request. */
export class ScriptedDialect implements Dialect {
  readonly name = "scripted";
  readonly driver = "script";
  readonly isAsync = true;
  readonly capabilities: DialectCapabilities;
  readonly defaultPoolClass = "queue" as const;
  readonly queryCompiler = new PostgresQueryCompiler();
  readonly compiledCache = new CompiledCache();

  constructor(capabilities: Partial<DialectCapabilities> = {}) {
    this.capabilities = {
      serverSideCursors: true,
      returning: true,
      executemany: "values",
      maxParameters: 65535,
      ...capabilities,
    };
  }

  connect(): Promise<DriverConnection> {
    throw new Error("a scripted dialect connects only through a ScriptedDriver");
  }

  isDisconnect(): boolean {
    return false;
  }
}

/** A driver connection that is never called: the ScriptedDriver answers its requests. */
export const inertDriverConnection: DriverConnection = {
  driverConnection: "scripted connection",
  execute: () => Promise.reject(new Error("scripted: answer through the driver")),
  executeMany: () => Promise.reject(new Error("scripted: answer through the driver")),
  openCursor: () => Promise.reject(new Error("scripted: answer through the driver")),
  close: () => Promise.resolve(),
  terminate: () => {},
};

/** How the test answers statements; undefined falls back to an empty result. */
export type StatementAnswer = (request: DriverRequest) => unknown;

export function emptyResult(rowcount?: number): DriverResult {
  return { rows: [], fields: [], returnsRows: false, rowcount };
}

export function rowsResult(fields: string[], rows: unknown[][]): DriverResult {
  return { rows, fields, returnsRows: true, rowcount: rows.length };
}

/** One line per request: "connect", "begin: BEGIN", "execute: SELECT ...", "close". */
export function describeRequest(request: IORequest): string {
  if (request instanceof DriverRequest)
    return request.sql === undefined ? request.kind : `${request.kind}: ${request.sql}`;
  return request.label;
}

let registered = 0;

/** An engine on a scripted dialect, and the driver recording what it was asked. */
export function scriptedEngine(
  answer: StatementAnswer = () => undefined,
  options: EngineOptions = {},
  capabilities: Partial<DialectCapabilities> = {},
): { engine: Engine; driver: ScriptedDriver; log(): string[]; connections: AdaptedConnection[] } {
  const name = `scripted${++registered}`;
  const dialect = new ScriptedDialect(capabilities);
  registerDialect(name, () => dialect);
  const connections: AdaptedConnection[] = [];
  const driver = ScriptedDriver.sync((request) => {
    if (request instanceof ConnectRequest) {
      const connection = new AdaptedConnection(request.dialect, inertDriverConnection);
      connections.push(connection);
      return connection;
    }
    if (request instanceof DriverRequest) {
      const given = answer(request);
      if (given !== undefined) return given;
      if (request.kind === "execute") return emptyResult(0);
      if (request.kind === "executeMany") return { rowcount: (request.params as unknown[]).length };
      return undefined;
    }
    // Pool waits and callAsync carry themselves out.
    return request.perform();
  });
  const engine = createEngine(`${name}://`, options);
  return { engine, driver, log: () => driver.requests.map(describeRequest), connections };
}
