import type { DriverCursor, DriverRows } from "@athanor/core";
import type { PostgresJsConnection } from "./postgresjs-connection.ts";

/** SQLSTATEs of a CLOSE that has nothing to do: the cursor is gone (its transaction ended). */
const invalidCursorName = "34000";
/** CLOSE in an aborted transaction: the cursor goes with the ROLLBACK that must follow. */
const inFailedTransaction = "25P02";

function sqlState(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * A server-side cursor as SQL: `DECLARE name NO SCROLL CURSOR FOR <query>` then `FETCH FORWARD n`,
 * inside the transaction core has open. Chosen over postgres.js's `.cursor(n)` because that one holds
 * the connection for the cursor's whole life (any other statement waits behind it, so a query issued
 * between two fetches deadlocks), and its next-batch write after a kill is the nextWrite crash. Here
 * the connection stays free between fetches and every fetch is an ordinary statement.
 */
export class PostgresJsCursor implements DriverCursor {
  readonly fields: readonly string[];
  private readonly connection: PostgresJsConnection;
  private readonly id: number;
  private readonly quotedName: string;
  private closed = false;

  private constructor(connection: PostgresJsConnection, id: number, fields: readonly string[]) {
    this.connection = connection;
    this.id = id;
    this.quotedName = `"athanor_cursor_${id}"`;
    this.fields = fields;
  }

  static async open(
    connection: PostgresJsConnection,
    sql: string,
    params: readonly unknown[],
  ): Promise<PostgresJsCursor> {
    const id = connection.takeCursorId();
    const name = `"athanor_cursor_${id}"`;
    // DECLARE and an empty FETCH (for the fields) go out together: one round trip.
    const declared = connection.execute(
      `DECLARE ${name} NO SCROLL CURSOR FOR ${sql.replace(/[\s;]+$/, "")}`,
      params,
    );
    const described = connection.execute(`FETCH FORWARD 0 FROM ${name}`, []);
    // Observed now: when DECLARE fails, this fails too, for the same reason, and is not awaited.
    described.catch(() => {});
    try {
      await declared;
    } catch (error) {
      connection.releaseCursorId(id);
      throw error;
    }
    const first = await described;
    return new PostgresJsCursor(connection, id, first.fields);
  }

  async fetch(count: number): Promise<DriverRows> {
    if (this.closed) throw new TypeError("fetch() on a closed cursor");
    if (!Number.isInteger(count) || count < 0) {
      throw new TypeError(`fetch(count): count must be a non-negative integer, got ${count}`);
    }
    if (count === 0) return [];
    return (await this.connection.execute(`FETCH FORWARD ${count} FROM ${this.quotedName}`, [])).rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A dead connection took its cursors with it.
    if (!this.connection.usable) return;
    try {
      await this.connection.execute(`CLOSE ${this.quotedName}`, []);
    } catch (error) {
      const state = sqlState(error);
      if (state === invalidCursorName) this.connection.releaseCursorId(this.id);
      // In an aborted transaction the name stays taken: a savepoint rollback may keep the cursor.
      if (state === invalidCursorName || state === inFailedTransaction) return;
      throw error;
    }
    this.connection.releaseCursorId(this.id);
  }
}
