import type { DriverCursor, DriverRows } from "@athanor/core";
import type Cursor from "pg-cursor";

/** One pg-cursor read: up to `count` rows, and the field names from the row description. */
export function readCursor(cursor: Cursor, count: number): Promise<{ rows: unknown[][]; fields: string[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: result.fields.map((field) => field.name) });
    });
  });
}

/** What the cursor needs of its connection. */
export interface CursorOwner {
  /** Throws when the connection is dead. */
  checkUsable(): void;
  /** Resolves with the reason when the client dies (never settles while it lives). */
  readonly died: Promise<Error>;
  /** The cursor no longer holds the client (closed, exhausted or failed). */
  cursorReleased(cursor: PgDriverCursor): void;
}

/**
 * A server-side cursor over pg-cursor (a protocol-level portal, rows in array mode). The portal
 * holds the client until it is closed or read to the end; the connection refuses other statements
 * meanwhile. The first row was read when it was opened, to learn the fields.
 */
export class PgDriverCursor implements DriverCursor {
  readonly fields: readonly string[];
  private readonly owner: CursorOwner;
  private readonly cursor: Cursor;
  private buffered: unknown[][];
  /** No more rows on the server: pg-cursor has closed the portal and freed the client. */
  private exhausted: boolean;
  private closing: Promise<void> | undefined;

  constructor(
    owner: CursorOwner,
    cursor: Cursor,
    fields: readonly string[],
    firstRows: unknown[][],
    exhausted: boolean,
  ) {
    this.owner = owner;
    this.cursor = cursor;
    this.fields = fields;
    this.buffered = firstRows;
    this.exhausted = exhausted;
    this.closing = undefined;
  }

  /** Whether the portal still holds the client. */
  get holdsClient(): boolean {
    return !this.exhausted && this.closing === undefined;
  }

  async fetch(count: number): Promise<DriverRows> {
    this.owner.checkUsable();
    if (this.closing !== undefined) throw new Error("fetch from a closed cursor");
    const rows = this.buffered.length <= count ? this.buffered : this.buffered.slice(0, count);
    this.buffered = this.buffered.slice(rows.length);
    const wanted = count - rows.length;
    if (this.exhausted || wanted <= 0) return rows;
    let more: unknown[][];
    try {
      more = (await readCursor(this.cursor, wanted)).rows;
    } catch (error) {
      // pg-cursor has synced after the error: the portal is gone and the client free.
      this.release();
      throw error;
    }
    if (more.length < wanted) this.release();
    return rows.length === 0 ? more : rows.concat(more);
  }

  close(): Promise<void> {
    this.closing ??= this.closePortal();
    return this.closing;
  }

  private async closePortal(): Promise<void> {
    this.buffered = [];
    if (this.exhausted) return;
    try {
      this.owner.checkUsable();
      // pg-cursor waits for the server's ReadyForQuery, which a dead connection never sends.
      await Promise.race([
        this.cursor.close(),
        this.owner.died.then((reason) => {
          throw reason;
        }),
      ]);
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.exhausted = true;
    this.owner.cursorReleased(this);
  }
}
