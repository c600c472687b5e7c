import { ResourceClosedError } from "../errors.ts";

const noLinks: readonly BufferedCursor[] = [];

/**
 * The rows a buffered result holds and how far they have been read. A Result and the views made
 * from it (columns, unique, scalars, mappings) share one cursor, as SQLAlchemy's share one DBAPI
 * cursor: reading from one consumes for all, and closing one closes all.
 */
export class BufferedCursor {
  /** Raw rows in the layout of the result that created the cursor. */
  rows: readonly (readonly unknown[])[];
  position = 0;
  readonly returnsRows: boolean;
  #closed: boolean;
  /** Cursors closed with this one (the sources of a merged result). */
  readonly #linked: readonly BufferedCursor[];

  constructor(
    rows: readonly (readonly unknown[])[],
    returnsRows: boolean,
    linked: readonly BufferedCursor[] = noLinks,
  ) {
    this.rows = rows;
    this.returnsRows = returnsRows;
    // A statement without rows is closed from the start, as SQLAlchemy closes it automatically.
    this.#closed = !returnsRows;
    this.#linked = linked;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws unless rows can be read. */
  checkOpen(): void {
    if (!this.returnsRows) {
      throw new ResourceClosedError(
        "This result object does not return rows. It has been closed automatically.",
      );
    }
    if (this.#closed) throw new ResourceClosedError();
  }

  /** The unread raw rows, now marked read (merge and freeze take them whole). */
  drain(): readonly (readonly unknown[])[] {
    this.checkOpen();
    const rest = this.rows.slice(this.position);
    this.position = this.rows.length;
    return rest;
  }

  close(): void {
    this.#closed = true;
    this.rows = []; // let the buffered rows be collected
    this.position = 0;
    for (const cursor of this.#linked) cursor.close();
  }
}
