import { ResourceClosedError } from "../errors.ts";
import { Result } from "../result/result.ts";
import type { Row } from "../result/row.ts";
import type { Instruction } from "../runtime/instruction.ts";
import type { ResultColumn } from "../sql/executable.ts";
import type { AdaptedConnection } from "./adapted-connection.ts";
import type { Connection } from "./connection.ts";
import type { DriverCursor, DriverRows } from "./driver.ts";
import type { StreamingResult } from "./streaming-result.ts";

/** Marks "no more rows", since null is a valid scalar. */
export const END: unique symbol = Symbol("athanor.streamEnd");
export type End = typeof END;

/** Where a stream view reads rows from: one cursor (StreamState), or several in turn (MergedSource). */
export interface RowSource {
  readonly closed: boolean;
  /** The connections whose cursors it reads (several for a merged stream). */
  readonly connections: readonly Connection[];
  /** Rows per round trip; the default size of fetchmany() and partition(). */
  batchSize: number;
  /** The next row, or END once there are no more (raises ResourceClosedError once closed). */
  nextRow(): Generator<Instruction, Row | End, unknown>;
  close(): Generator<Instruction, void, unknown>;
}

/** The cursor and the fetched-but-unread rows, shared by a streaming result and its views. */
export class StreamState implements RowSource {
  readonly connection: Connection;
  readonly dbapi: AdaptedConnection;
  readonly cursor: DriverCursor;
  readonly columns: readonly ResultColumn[];
  batchSize: number;
  buffer: Row[] = [];
  position = 0;
  exhausted = false;
  closed = false;

  constructor(
    connection: Connection,
    dbapi: AdaptedConnection,
    cursor: DriverCursor,
    columns: readonly ResultColumn[],
    batchSize: number,
  ) {
    this.connection = connection;
    this.dbapi = dbapi;
    this.cursor = cursor;
    this.columns = columns;
    this.batchSize = batchSize;
  }

  get connections(): readonly Connection[] {
    return [this.connection];
  }

  *nextRow(): Generator<Instruction, Row | End, unknown> {
    if (this.closed) throw new ResourceClosedError();
    if (this.position < this.buffer.length) return this.buffer[this.position++]!;
    if (this.exhausted || !(yield* this.fill())) return END;
    return this.buffer[this.position++]!;
  }

  /** Fills the buffer with the next batch; false when the cursor has no more rows. */
  private *fill(): Generator<Instruction, boolean, unknown> {
    let raw: DriverRows;
    try {
      raw = yield* this.connection.guard(this.dbapi.fetch(this.cursor, this.batchSize), undefined);
    } catch (error) {
      // A failed fetch ends the stream (its transaction is aborted, or its connection gone).
      this.detach();
      throw error;
    }
    this.buffer = new Result(this.columns, raw).all() as Row[];
    this.position = 0;
    if (raw.length < this.batchSize) yield* this.finish();
    return this.buffer.length > 0;
  }

  /** The cursor is done: close it on the server and free the connection for other statements. */
  *finish(): Generator<Instruction, void, unknown> {
    if (this.exhausted) return;
    this.exhausted = true;
    this.connection.streamEnded(this.owner);
    // A dropped connection took the cursor with it; an interrupted one closes it with the rollback
    // its reset does.
    if (this.dbapi.usable) yield* this.connection.guard(this.dbapi.closeCursor(this.cursor), undefined);
  }

  /** Marks the stream over without IO: its cursor died with its transaction or connection. */
  detach(): void {
    this.closed = true;
    this.exhausted = true;
    this.buffer = [];
    this.position = 0;
    this.connection.streamEnded(this.owner);
  }

  *close(): Generator<Instruction, void, unknown> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.position = 0;
    yield* this.finish();
  }

  declare owner: StreamingResult;
}

/** One source of a merged stream: its rows, as the result merged in shows them. */
export interface MergedPart {
  readonly source: RowSource;
  readonly make: (row: Row) => Row;
}

/**
 * The rows of several streams, each read to its end in turn (`StreamingResult.merge`). Each source's
 * rows go through that source's column view but not its unique filter: the merged result applies
 * its own, across all of them, as the buffered Result's merge does.
 */
export class MergedSource implements RowSource {
  readonly #parts: readonly MergedPart[];
  /** The part being read; those before it are exhausted. */
  #current = 0;
  #closed = false;

  constructor(parts: readonly MergedPart[]) {
    this.#parts = parts;
  }

  /** Closed explicitly, or a source not yet read to its end is closed (reading would raise). */
  get closed(): boolean {
    if (this.#closed) return true;
    for (let index = this.#current; index < this.#parts.length; index++) {
      if (this.#parts[index]!.source.closed) return true;
    }
    return false;
  }

  get connections(): readonly Connection[] {
    return [...new Set(this.#parts.flatMap((part) => part.source.connections))];
  }

  get batchSize(): number {
    return this.#parts[0]!.source.batchSize;
  }

  set batchSize(size: number) {
    for (const part of this.#parts) part.source.batchSize = size;
  }

  *nextRow(): Generator<Instruction, Row | End, unknown> {
    if (this.#closed) throw new ResourceClosedError();
    for (; this.#current < this.#parts.length; this.#current++) {
      const part = this.#parts[this.#current]!;
      const row = yield* part.source.nextRow();
      if (row !== END) return part.make(row);
    }
    return END;
  }

  /** Closes every source (each cursor, so each connection is free again); the first failure is raised after. */
  *close(): Generator<Instruction, void, unknown> {
    if (this.#closed) return;
    this.#closed = true;
    let failure: { error: unknown } | undefined;
    for (const part of this.#parts) {
      try {
        yield* part.source.close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
