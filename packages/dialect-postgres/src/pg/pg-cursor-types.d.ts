// pg-cursor ships no types; what this driver uses of it (pg-cursor 2.22's documented API).
declare module "pg-cursor" {
  import type { Connection, CustomTypesConfig, FieldDef, Submittable } from "pg";

  interface CursorConfig {
    rowMode?: "array";
    types?: CustomTypesConfig;
  }

  interface CursorResult {
    fields: FieldDef[];
    rowCount: number | null;
  }

  type ReadCallback = (error: Error | undefined, rows: unknown[][], result: CursorResult) => void;

  export default class Cursor implements Submittable {
    constructor(text: string, values?: unknown[] | null, config?: CursorConfig);
    submit(connection: Connection): void;
    /** Up to `rows` more rows; `rows` must be at least 1 (0 means "all" in the protocol). */
    read(rows: number, callback: ReadCallback): void;
    close(): Promise<void>;
  }
}
