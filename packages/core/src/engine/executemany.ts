import { ArgumentError } from "../errors.ts";
import { Result } from "../result/result.ts";
import type { Instruction } from "../runtime/instruction.ts";
import { Insert } from "../sql/insert.ts";
import type { Connection, ExecutionOptions } from "./connection.ts";
import { anyListening, dispatch } from "./events.ts";
import { describeParameters } from "./logging.ts";
import { fieldColumns, type Parameters, prepareStatement, type Statement, withCache } from "./statement.ts";

/** Most rows in one multi-row VALUES: beyond this, bigger statements stop paying off. */
const maxBatchRows = 1000;

/**
 * A statement run once per parameter set, in as few round trips as the dialect allows:
 * - an INSERT whose values come from the parameters becomes multi-row VALUES, in batches that fit
 *   the dialect's parameter limit (one compiled form per batch size, so the cache serves them all);
 * - anything else is compiled once per set and handed to the driver's executeMany (pipelined)
 *   inside the transaction, or, with RETURNING or in AUTOCOMMIT, run one set after another.
 * The rowcount is the sum; RETURNING rows come back in parameter order.
 */
export function* executeManyOn(
  connection: Connection,
  statement: Statement | string,
  paramSets: readonly Parameters[] | readonly (readonly unknown[])[],
  options: ExecutionOptions,
): Generator<Instruction, Result, unknown> {
  if (paramSets.length === 0) {
    throw new ArgumentError("executemany: the list of parameter sets is empty; there is nothing to execute");
  }
  const dbapi = yield* connection.dbapiInTransaction();
  const dialect = withCache(connection.dialect, options.compiledCache);
  const capabilities = connection.dialect.capabilities;

  if (
    typeof statement !== "string" &&
    statement instanceof Insert &&
    statement.rows === undefined &&
    statement.selectSource === undefined &&
    capabilities.executemany === "values"
  ) {
    const sets = paramSets as readonly Parameters[];
    const width = Math.max(1, Object.keys(statement.table.columns).length);
    const batchRows = Math.max(1, Math.min(maxBatchRows, Math.floor(capabilities.maxParameters / width)));
    const rows: (readonly unknown[])[] = [];
    let rowcount: number | undefined = 0;
    let columns = statement.resultColumns;
    for (let start = 0; start < sets.length; start += batchRows) {
      const batch = statement.values(sets.slice(start, start + batchRows) as never);
      const prepared = prepareStatement(batch, dialect, undefined);
      const raw = yield* sendOne(
        connection,
        dbapi,
        statement,
        prepared.sql,
        prepared.parameters,
        options,
        true,
      );
      for (const row of raw.rows) rows.push(row);
      rowcount = rowcount === undefined || raw.rowcount === undefined ? undefined : rowcount + raw.rowcount;
      if (columns.length === 0 && raw.returnsRows) columns = fieldColumns(raw.fields);
    }
    return new Result(columns, rows, { rowcount, returnsRows: statement.resultColumns.length > 0 });
  }

  const prepared = paramSets.map((set) =>
    typeof statement === "string"
      ? { sql: statement, parameters: set as readonly unknown[], resultColumns: undefined }
      : prepareStatement(statement, dialect, set as Parameters),
  );
  const columns = prepared[0]!.resultColumns;
  const returning = columns !== undefined && columns.length > 0;
  let rowcount: number | undefined = 0;
  const rows: (readonly unknown[])[] = [];
  let fields: readonly string[] = [];
  if (returning || !dbapi.inTransaction) {
    // Rows are wanted, or each set must commit on its own: one statement after another.
    for (const one of prepared) {
      const raw = yield* sendOne(connection, dbapi, statement, one.sql, one.parameters, options, true);
      for (const row of raw.rows) rows.push(row);
      fields = raw.fields;
      rowcount = rowcount === undefined || raw.rowcount === undefined ? undefined : rowcount + raw.rowcount;
    }
  } else {
    // Runs of the same SQL go to the driver together (sets naming different keys compile differently).
    let start = 0;
    while (start < prepared.length) {
      const sql = prepared[start]!.sql;
      let end = start + 1;
      while (end < prepared.length && prepared[end]!.sql === sql) end++;
      const sets = prepared.slice(start, end).map((one) => one.parameters);
      const context = { connection, statement, executionOptions: options, executemany: true };
      if (anyListening("beforeCursorExecute")) {
        yield* dispatch(eventTargets(connection), "beforeCursorExecute", [
          connection,
          sql,
          sets,
          context,
          true,
        ]);
      }
      if (connection.engine.echo !== false) {
        connection.log(sql);
        connection.log(
          `[executemany ${sets.length} sets] ${sets
            .slice(0, 3)
            .map((set) => describeParameters(set))
            .join(", ")}${sets.length > 3 ? ", ..." : ""}`,
        );
      }
      const done = yield* connection.guard(dbapi.executeMany(sql, sets), sql, sets);
      if (anyListening("afterCursorExecute")) {
        yield* dispatch(eventTargets(connection), "afterCursorExecute", [
          connection,
          sql,
          sets,
          context,
          true,
        ]);
      }
      rowcount = rowcount === undefined || done.rowcount === undefined ? undefined : rowcount + done.rowcount;
      start = end;
    }
  }
  const resultColumns = returning ? columns : fields.length > 0 ? fieldColumns(fields) : [];
  return new Result(resultColumns, rows, { rowcount, returnsRows: returning || fields.length > 0 });
}

function* sendOne(
  connection: Connection,
  dbapi: import("./adapted-connection.ts").AdaptedConnection,
  statement: Statement | string,
  sql: string,
  parameters: readonly unknown[],
  options: ExecutionOptions,
  executemany: boolean,
): Generator<Instruction, import("./driver.ts").DriverResult, unknown> {
  const context = { connection, statement, executionOptions: options, executemany };
  if (anyListening("beforeCursorExecute")) {
    yield* dispatch(eventTargets(connection), "beforeCursorExecute", [
      connection,
      sql,
      parameters,
      context,
      executemany,
    ]);
  }
  if (connection.engine.echo !== false) {
    connection.log(sql);
    connection.log(`[executemany] ${describeParameters(parameters)}`);
  }
  const raw = yield* connection.guard(dbapi.execute(sql, parameters), sql, parameters);
  if (anyListening("afterCursorExecute")) {
    yield* dispatch(eventTargets(connection), "afterCursorExecute", [
      connection,
      sql,
      parameters,
      context,
      executemany,
    ]);
  }
  return raw;
}

function eventTargets(connection: Connection): readonly object[] {
  return connection.eventTargets;
}
