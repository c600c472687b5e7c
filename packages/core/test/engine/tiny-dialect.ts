import {
  CompiledCache,
  type ConnectParams,
  type Dialect,
  type DialectCapabilities,
  type DriverConnection,
  type DriverCursor,
  type DriverResult,
} from "@athanor/core";
import { PostgresQueryCompiler } from "kysely";

/** What the tiny dialect needs of a database: PGlite's query() in array row mode. */
export interface TinyDatabase {
  query(
    sql: string,
    params: unknown[],
    options: { rowMode: "array" },
  ): Promise<{ rows: unknown[]; fields: { name: string }[]; affectedRows?: number }>;
}

/**
 * A dialect written the way a third party would: against the public Dialect interface only (no base
 * class), registered under its own name. It runs on a PGlite instance handed in through connectArgs.
 * Used by the engine tests to prove the plugin seam, and as their database.
 */
export class TinyDialect implements Dialect {
  readonly name = "tiny";
  readonly driver = "pglite";
  readonly isAsync = true;
  readonly capabilities: DialectCapabilities = {
    serverSideCursors: true,
    returning: true,
    executemany: "values",
    maxParameters: 65535,
  };
  readonly defaultPoolClass = "static" as const;
  readonly queryCompiler = new PostgresQueryCompiler();
  readonly compiledCache: CompiledCache;
  /** Connections opened, for assertions. */
  opened = 0;

  constructor(options: { queryCacheSize?: number | undefined }) {
    this.compiledCache = new CompiledCache(options.queryCacheSize);
  }

  async connect(params: ConnectParams): Promise<DriverConnection> {
    const database = params.connectArgs.database as TinyDatabase | undefined;
    if (database === undefined) throw new Error("tiny dialect: pass connectArgs.database");
    this.opened++;
    return new TinyConnection(database);
  }

  isDisconnect(error: unknown): boolean {
    return error instanceof Error && error.message === "tiny: connection closed";
  }
}

class TinyConnection implements DriverConnection {
  readonly driverConnection: TinyDatabase;
  closed = false;
  #cursors = 0;

  constructor(database: TinyDatabase) {
    this.driverConnection = database;
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    if (this.closed) throw new Error("tiny: connection closed");
    const result = await this.driverConnection.query(sql, [...params], { rowMode: "array" });
    const returnsRows = result.fields.length > 0;
    return {
      rows: result.rows as unknown[][],
      fields: result.fields.map((field) => field.name),
      returnsRows,
      rowcount: returnsRows ? result.rows.length : result.affectedRows,
    };
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<{ rowcount: number | undefined }> {
    let rowcount = 0;
    for (const params of paramSets) rowcount += (await this.execute(sql, params)).rowcount ?? 0;
    return { rowcount };
  }

  async openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor> {
    const name = `tiny_cursor_${++this.#cursors}`;
    await this.execute(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
    const described = await this.execute(`FETCH FORWARD 0 FROM ${name}`, []);
    let open = true;
    return {
      fields: described.fields,
      fetch: async (count) => (await this.execute(`FETCH FORWARD ${count} FROM ${name}`, [])).rows,
      close: async () => {
        if (!open) return;
        open = false;
        await this.execute(`CLOSE ${name}`, []);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  terminate(): void {
    this.closed = true;
  }
}
