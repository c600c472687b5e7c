import type { DriverConnection, DriverCursor, DriverResult, DriverRows } from "@athanor/core";
import type { PGlite, Results } from "@electric-sql/pglite";
import { PgliteConnectionClosedError, sqlStateOf } from "./errors.ts";
import { passThroughSerializers, toDriverParams } from "./params.ts";
import { arrayParser, canonicalParsers, type TextParser } from "./type-parsers.ts";

/** Cursor names are unique per process: connections given the same instance share its namespace. */
let cursorCount = 0;

/** The element type of an array type (a domain element as its base type); no row for other types. */
const arrayElementSql =
  "SELECT CASE WHEN e.typtype = 'd' THEN e.typbasetype ELSE e.oid END" +
  " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON e.oid = t.typelem" +
  " WHERE t.oid = $1 AND t.typlen = -1";

/** The session settings the canonical values rely on. */
export const sessionSetupSql =
  "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET client_encoding = 'UTF8'; SET bytea_output = 'hex'";

export interface PgliteConnectionOptions {
  /** Whether this connection created the instance, and so closes it. */
  readonly owned: boolean;
  /** Called once the owned instance has closed (or failed to). */
  readonly onClosed?: (() => void) | undefined;
  /** Called when the owned instance is dropped by terminate() (not closed politely). */
  readonly onTerminated?: (() => void) | undefined;
}

/**
 * A driver connection over one PGlite instance. PGlite has a single session and runs statements one
 * at a time, so this is the only connection a dialect opens on an instance it creates (the static
 * pool); connections given the same instance through `connectArgs.pglite` share that one session.
 */
export class PgliteConnection implements DriverConnection {
  readonly driverConnection: PGlite;
  readonly owned: boolean;
  /**
   * A statement cannot be interrupted: it runs to its end in WebAssembly, on the main thread, and
   * the session lives on. So an abort takes effect between statements, and core keeps the connection
   * (waiting for the statement, then rolling back) instead of dropping it with its in-memory data.
   */
  readonly keepsSessionOnCancel = true;
  #open: PGlite | undefined;
  readonly #onClosed: (() => void) | undefined;
  readonly #onTerminated: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  /** Canonical parsers by type OID, extended with array types learned from the catalog. */
  readonly #parsers: Record<number, TextParser> = canonicalParsers();
  /** Types looked up and found not to be arrays: their text is the value. */
  readonly #plainTypes = new Set<number>();

  constructor(pglite: PGlite, options: PgliteConnectionOptions) {
    this.driverConnection = pglite;
    this.#open = pglite;
    this.owned = options.owned;
    this.#onClosed = options.onClosed;
    this.#onTerminated = options.onTerminated;
  }

  get closed(): boolean {
    return this.#open === undefined;
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    const result = await this.query(sql, params);
    return {
      rows: result.rows,
      fields: result.fields.map((field) => field.name),
      // A statement with a row description; `SELECT FROM t` has one without fields, but has rows.
      returnsRows: result.fields.length > 0 || result.rows.length > 0,
      // From the command tag: rows affected or returned; none for DDL, SHOW, BEGIN...
      rowcount: result.rowCount,
      command: commandOf(result),
    };
  }

  /**
   * PGlite runs one statement at a time whatever is sent, so the sets simply run in turn: no round
   * trips to save. The first error ends it.
   */
  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<{ rowcount: number | undefined }> {
    let rowcount: number | undefined = 0;
    for (const params of paramSets) {
      const result = await this.query(sql, params);
      rowcount =
        rowcount === undefined || result.rowCount === undefined ? undefined : rowcount + result.rowCount;
    }
    return { rowcount };
  }

  async openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor> {
    const name = `athanor_cursor_${++cursorCount}`;
    await this.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
    // FETCH 0 right after DECLARE returns no row but the row description (later it would be a
    // backward move, which NO SCROLL forbids).
    const described = await this.query(`FETCH FORWARD 0 FROM ${name}`, []);
    return new PgliteCursor(
      this,
      name,
      described.fields.map((field) => field.name),
    );
  }

  async close(): Promise<void> {
    const pglite = this.#open;
    if (pglite === undefined) return this.#closing;
    this.#open = undefined;
    if (this.owned) await this.#closeInstance(pglite);
  }

  terminate(): void {
    const pglite = this.#open;
    if (pglite === undefined) return;
    this.#open = undefined;
    if (!this.owned) {
      // A given instance lives on, and its one session with it: the transaction this connection had
      // open must not outlive it, or the next connection on the instance would go on inside it (and
      // its COMMIT write what was dropped). PGlite runs calls in turn, so this goes before theirs.
      if (!pglite.closed && pglite.isInTransaction()) pglite.query("ROLLBACK").catch(() => {});
      return;
    }
    this.#onTerminated?.();
    this.#closeInstance(pglite).catch(() => {});
  }

  /** One statement through PGlite's extended protocol, with rows in canonical values. */
  async query(sql: string, params: readonly unknown[]): Promise<Results<unknown[]>> {
    // PGlite answers through microtasks only: without a turn of the event loop between statements, a
    // run of them would starve timers and other IO (an AbortSignal.timeout could never fire).
    await yieldToEventLoop();
    const pglite = this.#instance();
    const result = await pglite.query<unknown[]>(sql, toDriverParams(params), {
      rowMode: "array",
      parsers: this.#parsers,
      serializers: passThroughSerializers,
    });
    await this.#parseUnknownTypes(pglite, result);
    return result;
  }

  /** Closes a server-side cursor if it still exists. */
  async closeCursor(name: string): Promise<void> {
    const pglite = this.#open;
    // A closed connection took its session's cursors with it; so does the end of a transaction.
    if (pglite === undefined || pglite.closed || !pglite.isInTransaction()) return;
    try {
      // A ROLLBACK TO SAVEPOINT may have closed it, and CLOSE of a missing cursor would abort the
      // transaction: look first.
      const found = await this.query("SELECT 1 FROM pg_catalog.pg_cursors WHERE name = $1", [name]);
      if (found.rows.length > 0) await this.query(`CLOSE ${name}`, []);
    } catch (error) {
      // In an aborted transaction the cursor goes with the ROLLBACK that must follow.
      if (sqlStateOf(error) !== "25P02") throw error;
    }
  }

  #instance(): PGlite {
    if (this.#open === undefined) throw new PgliteConnectionClosedError();
    return this.#open;
  }

  #closeInstance(pglite: PGlite): Promise<void> {
    this.#closing = (async () => {
      try {
        await pglite.close();
      } finally {
        this.#onClosed?.();
      }
    })();
    return this.#closing;
  }

  /**
   * Types nobody had a parser for (created after the instance started, e.g. an enum and its array)
   * came back as text. Arrays among them are parsed here, and their parser kept for next time.
   */
  async #parseUnknownTypes(pglite: PGlite, result: Results<unknown[]>): Promise<void> {
    for (let index = 0; index < result.fields.length; index++) {
      const oid = result.fields[index]!.dataTypeID;
      if (oid in this.#parsers || this.#plainTypes.has(oid) || oid in pglite.parsers) continue;
      const parser = await this.#learnType(pglite, oid);
      if (parser === undefined) continue;
      for (const row of result.rows) {
        const value = row[index];
        if (typeof value === "string") row[index] = parser(value);
      }
    }
  }

  async #learnType(pglite: PGlite, oid: number): Promise<TextParser | undefined> {
    const found = await pglite.query<unknown[]>(arrayElementSql, [String(oid)], {
      rowMode: "array",
      parsers: this.#parsers,
      serializers: passThroughSerializers,
    });
    const element = found.rows[0]?.[0];
    if (typeof element !== "number") {
      this.#plainTypes.add(oid);
      return undefined;
    }
    const parser = arrayParser(oid, element, this.#parsers);
    this.#parsers[oid] = parser;
    return parser;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The command tag's verb: PGlite reports it on each result, though its types do not declare it. */
function commandOf(result: Results<unknown[]>): string | undefined {
  const command = (result as { command?: unknown }).command;
  return typeof command === "string" ? command : undefined;
}

/** A server-side cursor: `DECLARE ... NO SCROLL CURSOR`, read with `FETCH FORWARD n`. */
class PgliteCursor implements DriverCursor {
  readonly fields: readonly string[];
  readonly #connection: PgliteConnection;
  readonly #name: string;
  #open = true;

  constructor(connection: PgliteConnection, name: string, fields: readonly string[]) {
    this.#connection = connection;
    this.#name = name;
    this.fields = fields;
  }

  async fetch(count: number): Promise<DriverRows> {
    if (!this.#open) throw new Error(`cursor ${this.#name} is closed`);
    // The count is written into the SQL: only a whole number of rows.
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`a cursor fetches a whole number of rows, not ${count}`);
    }
    if (count === 0) return [];
    return (await this.#connection.query(`FETCH FORWARD ${count} FROM ${this.#name}`, [])).rows;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#connection.closeCursor(this.#name);
  }
}
