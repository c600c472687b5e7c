import type { DriverConnection, DriverCursor, DriverResult } from "@athanor/core";
import type pg from "pg";
import Cursor from "pg-cursor";
import { sendCancelRequest } from "./pg-cancel.ts";
import { type CursorOwner, PgDriverCursor, readCursor } from "./pg-driver-cursor.ts";
import { prepareParams } from "./pg-params.ts";
import type { PgTypeParsers, TypeRow } from "./pg-type-parsers.ts";

type ArrayResult = pg.QueryArrayResult<unknown[]>;

/** pg's messages for a client that can no longer be used (isDriverDisconnect knows them). */
export const closedMessage = "Client was closed and is not queryable";
export const brokenMessage = "Client has encountered a connection error and is not queryable";

/**
 * pg switches pipelining with the client's `pipeline` flag, read afresh each time it sends; it is
 * typed readonly because it is meant to be set at construction. Set only while the client is idle.
 */
function setPipeline(client: pg.Client, on: boolean): void {
  (client as unknown as { pipeline: boolean }).pipeline = on;
}

const typeLookupSql =
  "select oid, typbasetype, case when typcategory = 'A' and typlen = -1 then typelem else 0 end, typdelim" +
  " from pg_type where oid = any($1::oid[])";

/**
 * One pg.Client as core's DriverConnection. The client is never reconnected: once it has emitted
 * `error` or `end` it is dead, and every later call rejects at once with pg's own message.
 */
export class PgConnection implements DriverConnection, CursorOwner {
  readonly driverConnection: pg.Client;
  readonly died: Promise<Error>;
  private readonly client: pg.Client;
  private readonly types: PgTypeParsers;
  private deadError: Error | undefined;
  private markDead: (error: Error) => void = () => {};
  private closedByUs = false;
  private deadByUs = false;
  private backendKey: { processId: number; secretKey: number } | undefined;
  /** The cursor whose portal holds the client, if any. */
  private cursor: PgDriverCursor | undefined;

  constructor(client: pg.Client, types: PgTypeParsers) {
    this.driverConnection = client;
    this.client = client;
    this.types = types;
    this.died = new Promise<Error>((resolve) => {
      this.markDead = resolve;
    });
    // Without an error listener a backend killed while the client is idle crashes the process.
    client.on("error", (error) => this.dead(error));
    client.on("end", () => this.dead(new Error("Connection terminated")));
    // Kept for cancel requests; pg stores them too, but not as public API.
    client.connection.on("backendKeyData", (message: { processID: number; secretKey: number }) => {
      this.backendKey = { processId: message.processID, secretKey: message.secretKey };
    });
  }

  checkUsable(): void {
    if (this.deadError !== undefined) throw this.unusable();
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    this.checkIdle();
    const values = prepareParams(params);
    const raw: ArrayResult | ArrayResult[] = await this.client.query<unknown[]>({
      text: sql,
      values,
      rowMode: "array",
    });
    // Several statements in one parameterless string give one result each: the last one counts.
    const result: ArrayResult = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
    const fields = result.fields;
    const unknownColumns: number[] = [];
    for (let i = 0; i < fields.length; i++) {
      if (this.types.isUnknown(fields[i]!.dataTypeID)) unknownColumns.push(i);
    }
    if (unknownColumns.length > 0) await this.parseUnknownColumns(result, unknownColumns);
    return {
      rows: result.rows,
      fields: fields.map((field) => field.name),
      // A row description came (fields), or rows did (a SELECT of no columns).
      returnsRows: fields.length > 0 || result.rows.length > 0,
      rowcount: result.rowCount ?? undefined,
      command: result.command ?? undefined,
    };
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<{ rowcount: number | undefined }> {
    this.checkIdle();
    // All parameters first: one that cannot be sent must fail before anything is.
    const valueSets = paramSets.map(prepareParams);
    const client = this.client;
    let rowcount: number | undefined;
    const add = (result: ArrayResult) => {
      if (result.rowCount !== null) rowcount = (rowcount ?? 0) + result.rowCount;
    };
    if (client.getTransactionStatus() !== "T") {
      // Outside a transaction every statement commits alone: send one at a time to stop at an error.
      for (const values of valueSets)
        add(await client.query<unknown[]>({ text: sql, values, rowMode: "array" }));
      return { rowcount: rowcount ?? (valueSets.length === 0 ? 0 : undefined) };
    }
    // In a transaction, pipeline: every set is written at once, one Sync each; after an error the
    // transaction is aborted and the rest fail with 25P02. One round trip for the whole list.
    setPipeline(client, true);
    let outcomes: PromiseSettledResult<ArrayResult>[];
    try {
      outcomes = await Promise.allSettled(
        valueSets.map((values) => client.query<unknown[]>({ text: sql, values, rowMode: "array" })),
      );
    } finally {
      setPipeline(client, false);
    }
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") throw outcome.reason;
      add(outcome.value);
    }
    return { rowcount: rowcount ?? (valueSets.length === 0 ? 0 : undefined) };
  }

  async openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor> {
    this.checkIdle();
    const cursor = new Cursor(sql, prepareParams(params), { rowMode: "array", types: this.types });
    this.client.query(cursor);
    // The first read brings the row description with it (core needs the fields before any fetch).
    const first = await readCursor(cursor, 1);
    const exhausted = first.rows.length === 0;
    const handle = new PgDriverCursor(this, cursor, first.fields, first.rows, exhausted);
    if (!exhausted) this.cursor = handle;
    return handle;
  }

  cursorReleased(cursor: PgDriverCursor): void {
    if (this.cursor === cursor) this.cursor = undefined;
  }

  async close(): Promise<void> {
    if (this.deadError !== undefined) return;
    this.closedByUs = true;
    await this.client.end();
  }

  terminate(): void {
    this.closedByUs = true;
    try {
      // end() marks the client as ending (pending queries fail with "Connection terminated");
      // destroying the socket drops it now, whatever end() was about to wait for.
      this.client.end().catch(() => {});
      this.client.connection.stream.destroy();
    } catch {
      // terminate never throws: the client is unusable either way.
    }
    this.dead(new Error(closedMessage));
  }

  async cancel(): Promise<void> {
    const key = this.backendKey;
    if (key === undefined || this.deadError !== undefined) return;
    await sendCancelRequest({ host: this.client.host, port: this.client.port, ...key });
  }

  private dead(error: Error): void {
    if (this.deadError !== undefined) return;
    this.deadError = error;
    // Closed by us, or lost: decided once, by whichever came first.
    this.deadByUs = this.closedByUs;
    this.markDead(this.unusable());
  }

  private unusable(): Error {
    return this.deadByUs ? new Error(closedMessage) : new Error(brokenMessage, { cause: this.deadError });
  }

  /** Throws when the client is dead or a cursor's portal holds it (a statement would wait forever). */
  private checkIdle(): void {
    this.checkUsable();
    if (this.cursor?.holdsClient) {
      throw new Error(
        "pg: a server-side cursor is open on this connection; close it or read it to the end before running another statement",
      );
    }
  }

  /** Columns of types first seen here (enums, domains, their arrays): learn them, then parse the text pg left. */
  private async parseUnknownColumns(result: ArrayResult, columns: readonly number[]): Promise<void> {
    let wanted = [...new Set(columns.map((column) => result.fields[column]!.dataTypeID))];
    const rows: TypeRow[] = [];
    for (let round = 0; wanted.length > 0 && round < 8; round++) {
      const found = await this.client.query<[number, number, number, string]>({
        text: typeLookupSql,
        values: [wanted],
        rowMode: "array",
      });
      for (const [oid, baseOid, elementOid, delimiter] of found.rows)
        rows.push({ oid, baseOid, elementOid, delimiter });
      // A type dropped meanwhile has no row: its values stay text.
      for (const oid of wanted) {
        if (!found.rows.some((row) => row[0] === oid))
          rows.push({ oid, baseOid: 0, elementOid: 0, delimiter: "," });
      }
      wanted = [...new Set(this.types.learn(rows))];
    }
    for (const column of columns) {
      const parse = this.types.getTypeParser(result.fields[column]!.dataTypeID);
      for (const row of result.rows) {
        const text = row[column];
        if (typeof text === "string") row[column] = parse(text);
      }
    }
  }
}
