import { ArgumentError, InvalidRequestError } from "../errors.ts";
import { Result } from "../result/result.ts";
import type { Instruction } from "../runtime/instruction.ts";
import { Insert } from "../sql/insert.ts";
import type { Connection } from "./connection.ts";
import type { ExecuteOptions, ExecutionOptions } from "./connection-types.ts";
import { anyListening, dispatch } from "./events.ts";
import { executeManyOn } from "./executemany.ts";
import { describeParameters } from "./logging.ts";
import {
  fieldColumns,
  type Parameters,
  type PreparedStatement,
  prepareStatement,
  type Statement,
  withCache,
} from "./statement.ts";
import { StreamingResult } from "./streaming-result.ts";

// The bodies of Connection.execute / execDriverSql / stream: generator functions run with the
// connection as `this` (opCall), so a call allocates no closure.

export function* executeBody(
  this: Connection,
  statement: Statement,
  params: Parameters | readonly Parameters[] | undefined,
  executeOptions: ExecuteOptions | undefined,
): Generator<Instruction, Result, unknown> {
  const options = optionsFor(this, executeOptions);
  if (options.streamResults === true || options.yieldPer !== undefined) {
    throw new InvalidRequestError(
      "streamResults / yieldPer read through a server-side cursor: use conn.stream() for such results",
    );
  }
  if (anyListening("beforeExecute"))
    yield* dispatchOn(this, "beforeExecute", [this, statement, params, options]);
  let result: Result;
  if (Array.isArray(params)) {
    result = yield* executeManyOn(this, statement, params as readonly Parameters[], options);
  } else {
    if (!this.readyForStatement || this.liveDbapi() === undefined) yield* this.dbapiInTransaction();
    const dialect = withCache(this.dialect, options.compiledCache);
    if (
      statement instanceof Insert &&
      statement.returningItems.length === 0 &&
      statement.table.primaryKey !== undefined &&
      (statement.rows === undefined || statement.rows.length === 1) &&
      statement.selectSource === undefined
    ) {
      result = yield* insertOne(this, statement, params as Parameters | undefined, options);
    } else {
      const prepared = prepareStatement(statement, dialect, params as Parameters | undefined);
      result = yield* this.run(statement, params, prepared, options);
    }
  }
  if (anyListening("afterExecute"))
    yield* dispatchOn(this, "afterExecute", [this, statement, params, options, result]);
  return result;
}

/** A single-row INSERT: RETURNING the primary key behind the user's back, for insertedPrimaryKey. */
function* insertOne(
  connection: Connection,
  statement: Insert,
  params: Parameters | undefined,
  options: ExecutionOptions,
): Generator<Instruction, Result, unknown> {
  const keyColumns = statement.table.primaryKey!.columns;
  const dialect = withCache(connection.dialect, options.compiledCache);
  const given = statement.rows?.[0] ?? params ?? {};
  if (
    keyColumns.every((column) => given[column.key] !== undefined && given[column.key] !== null) ||
    !connection.dialect.capabilities.returning
  ) {
    const prepared = prepareStatement(statement, dialect, params);
    const result = yield* connection.run(statement, params, prepared, options);
    const known = keyColumns.map((column) => given[column.key] ?? null);
    return new Result([], [], { rowcount: result.rowcount, returnsRows: false, insertedPrimaryKey: known });
  }
  const withKeys = statement.returning(...keyColumns);
  const prepared = prepareStatement(withKeys, dialect, params);
  const result = yield* connection.run(statement, params, prepared, options);
  const row = result.fetchone();
  return new Result([], [], {
    rowcount: result.rowcount,
    returnsRows: false,
    insertedPrimaryKey: row === null ? keyColumns.map(() => null) : [...row],
  });
}

export function* execDriverSqlBody(
  this: Connection,
  sql: string,
  parameters: readonly unknown[] | readonly (readonly unknown[])[],
  executeOptions: ExecuteOptions | undefined,
): Generator<Instruction, Result, unknown> {
  const options = optionsFor(this, executeOptions);
  if (anyListening("beforeExecute"))
    yield* dispatchOn(this, "beforeExecute", [this, sql, parameters, options]);
  yield* this.dbapiInTransaction();
  const isMany = parameters.length > 0 && parameters.every((set) => Array.isArray(set));
  let result: Result;
  if (isMany) {
    result = yield* executeManyOn(this, sql, parameters as readonly (readonly unknown[])[], options);
  } else {
    const prepared: PreparedStatement = { sql, parameters, resultColumns: undefined, cached: false };
    result = yield* this.run(sql, parameters, prepared, options);
  }
  if (anyListening("afterExecute"))
    yield* dispatchOn(this, "afterExecute", [this, sql, parameters, options, result]);
  return result;
}

export function* streamBody(
  this: Connection,
  statement: Statement,
  params: Parameters | undefined,
  executeOptions: ExecuteOptions | undefined,
): Generator<Instruction, StreamingResult, unknown> {
  const options = optionsFor(this, executeOptions);
  if (!this.dialect.capabilities.serverSideCursors) {
    throw new InvalidRequestError(
      `the ${this.dialect.name}+${this.dialect.driver} dialect has no server-side cursors to stream with`,
    );
  }
  if (Array.isArray(params)) throw new ArgumentError("stream() takes one parameter set, not a list");
  if (anyListening("beforeExecute"))
    yield* dispatchOn(this, "beforeExecute", [this, statement, params, options]);
  const dbapi = yield* this.dbapiInTransaction();
  const prepared = prepareStatement(statement, withCache(this.dialect, options.compiledCache), params);
  if (this.engine.echo !== false) this.log(prepared.sql);
  this.log(`[server-side cursor] ${describeParameters(prepared.parameters)}`);
  const cursor = yield* this.guard(
    dbapi.openCursor(prepared.sql, prepared.parameters),
    prepared.sql,
    prepared.parameters,
  );
  const columns =
    prepared.resultColumns !== undefined && prepared.resultColumns.length > 0
      ? prepared.resultColumns
      : fieldColumns(cursor.fields);
  const stream = new StreamingResult(this, dbapi, cursor, columns, options.yieldPer ?? 1000);
  this.setStream(stream);
  if (anyListening("afterExecute"))
    yield* dispatchOn(this, "afterExecute", [this, statement, params, options, stream]);
  return stream;
}

/** The connection's execution options, with a call's own merged over them (and checked). */
function optionsFor(connection: Connection, executeOptions: ExecuteOptions | undefined): ExecutionOptions {
  const own = executeOptions?.executionOptions;
  return own === undefined
    ? connection.options
    : connection.engine.validateExecutionOptions({ ...connection.options, ...own });
}

function dispatchOn(
  connection: Connection,
  name: string,
  args: readonly unknown[],
): Generator<Instruction, void, unknown> {
  return dispatch(connection.eventTargets, name, args);
}
