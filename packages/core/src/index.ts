// SQL expression language
export { CompiledCache } from "./compile/compiled-cache.ts";
export {
  type CompilableStatement,
  Compiled,
  type CompiledTemplate,
  compileStatement,
} from "./compile/compiler.ts";
export { defaultDialect, PostgresDialect } from "./dialect/postgres-dialect.ts";
export type { SqlDialect } from "./dialect/sql-dialect.ts";
export {
  DatabaseError,
  DataError,
  DBAPIError,
  type DriverErrorDetail,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  wrapDriverError,
} from "./driver-errors.ts";
// Engine layer
export {
  AdaptedConnection,
  AdaptedCursor,
  ConnectRequest,
  DriverRequest,
  type DriverRequestKind,
} from "./engine/adapted-connection.ts";
export {
  Connection,
  type ConnectionEvents,
  type ExceptionContext,
  type ExecuteOptions,
  type ExecutionContext,
  type ExecutionOptions,
  type IsolationLevel,
  type ScalarOf,
} from "./engine/connection.ts";
export type {
  ConnectParams,
  Dialect,
  DialectCapabilities,
  DialectFactory,
  DialectOptions,
  ExecutemanyStrategy,
  PoolClassName,
} from "./engine/dialect.ts";
export {
  dialectPackageNames,
  loadDialect,
  NoSuchDialectError,
  registerDialect,
  registeredDialect,
  registeredDialectNames,
  unregisterDialect,
} from "./engine/dialect-registry.ts";
export type { DriverConnection, DriverCursor, DriverResult, DriverRows } from "./engine/driver.ts";
export { createEngine, Engine, type EngineEvents, engineFromConfig } from "./engine/engine.ts";
export { PendingRollbackError, PoolClosedError, TimeoutError } from "./engine/engine-errors.ts";
export type { EngineOptions, PoolFactory } from "./engine/engine-options.ts";
export {
  contains,
  type EventHandler,
  type EventName,
  event,
  eventRedirect,
  type HandlerResult,
  listen,
  listensFor,
  remove,
} from "./engine/events.ts";
export {
  Inspector,
  inspect,
  type ReflectedCheckConstraint,
  type ReflectedColumn,
  type ReflectedForeignKey,
  type ReflectedForeignKeyOptions,
  type ReflectedIndex,
  type ReflectedPrimaryKey,
  type ReflectedUniqueConstraint,
} from "./engine/inspector.ts";
export { consoleLogger, type Logger, setDefaultLogger } from "./engine/logging.ts";
export { NullPool } from "./engine/null-pool.ts";
export {
  Pool,
  type PoolEvents,
  type PoolOptions,
} from "./engine/pool.ts";
export { ConnectionRecord, PoolProxiedConnection } from "./engine/pooled-connection.ts";
export { PostgresDriverDialect } from "./engine/postgres-driver-dialect.ts";
export { PoolWaitRequest, QueuePool, type QueuePoolOptions, StaticPool } from "./engine/queue-pool.ts";
export {
  type ReflectMetadataOptions,
  type ReflectTableOptions,
  reflectMetadata,
  reflectTable,
} from "./engine/reflection.ts";
export type { KyselyCompiledQuery, Parameters, ResultOf, Statement } from "./engine/statement.ts";
export {
  type NamesOfResult,
  type RowOfResult,
  StreamingResult,
  StreamView,
  type TupleOfResult,
} from "./engine/streaming-result.ts";
export { NestedTransaction, RootTransaction, Transaction } from "./engine/transaction.ts";
export { DatabaseUrl, makeUrl } from "./engine/url.ts";
// Schema reflection
export {
  AmbiguousForeignKeysError,
  ArgumentError,
  AthanorError,
  CompileError,
  IdentifierError,
  InvalidRequestError,
  MultipleResultsFound,
  NoForeignKeysError,
  NoReferencedColumnError,
  NoReferencedTableError,
  NoResultFound,
  NoSuchColumnError,
  NoSuchTableError,
  ResourceClosedError,
  StatementError,
} from "./errors.ts";
export type { FrozenResult } from "./result/frozen-result.ts";
export { MappingResult } from "./result/mapping-result.ts";
export {
  type ColumnKey,
  type ColumnsNames,
  type ColumnsTuple,
  Result,
  type ResultOptions,
} from "./result/result.ts";
export { Row, type RowMembers } from "./result/row.ts";
export { ScalarResult } from "./result/scalar-result.ts";
export { CallAsyncRequest, callAsync } from "./runtime/call-async.ts";
export { GenOp, type OpBody, op, opCall, opFn } from "./runtime/gen-op.ts";
export { Instruction, type Op, type OpResult } from "./runtime/instruction.ts";
export { IORequest } from "./runtime/io-request.ts";
export { configureOpTracking, type OpTrackingSettings } from "./runtime/op-tracking.ts";
export { pure } from "./runtime/pure.ts";
export { performRequests, type RequestHandler } from "./runtime/request-handler.ts";
export { type BlockingRunOptions, type Runnable, type RunOptions, run, runBlocking } from "./runtime/run.ts";
export { AbortError, BlockingRunError, NotAnOpError, RequestReusedError } from "./runtime/runtime-errors.ts";
export {
  type ClientDefault,
  Column,
  type ColumnExtra,
  type ColumnOptions,
  ColumnSpec,
  column,
} from "./schema/column.ts";
export {
  CheckConstraint,
  type ConstraintOptions,
  PrimaryKeyConstraint,
  UniqueConstraint,
} from "./schema/constraints.ts";
export {
  AddConstraint,
  type ConstraintDefinition,
  CreateEnumType,
  CreateIndex,
  CreateTable,
  type CreateTableOptions,
  DdlStatement,
  DropConstraint,
  type DropConstraintOptions,
  DropEnumType,
  DropIndex,
  DropTable,
  type DropTableOptions,
  SetComment,
  type TableConstraint,
} from "./schema/ddl.ts";
export type { SchemaConnection, SchemaOptions } from "./schema/ddl-runner.ts";
export type { EnumTypeLike } from "./schema/enum-ddl.ts";
export {
  ForeignKey,
  type ForeignKeyAction,
  ForeignKeyConstraint,
  type ForeignKeyOptions,
} from "./schema/foreign-key.ts";
export { MetaData, type MetaDataOptions } from "./schema/metadata.ts";
export { sortTables, type TableOrder } from "./schema/sort-tables.ts";
export type { AliasColumns } from "./schema/table.ts";
export { Table, type TableColumns, type TableExtra, type TableOptions } from "./schema/table.ts";
export { Index, type IndexOptions } from "./schema/table-index.ts";
export { CaseExpression, case_ } from "./sql/case-expression.ts";
export type { Condition } from "./sql/column-element.ts";
export {
  and_,
  asc,
  Between,
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  bindparam,
  Cast,
  ColumnElement,
  cast,
  desc,
  false_,
  InList,
  Keyword,
  Label,
  Like,
  type LikeOptions,
  literal,
  not_,
  null_,
  nullsFirst,
  nullsLast,
  type Operand,
  Ordering,
  or_,
  true_,
  UnaryExpression,
} from "./sql/column-element.ts";
export { Delete, delete_ } from "./sql/delete.ts";
export { DmlStatement } from "./sql/dml-base.ts";
export { ShapeContext, SqlElement } from "./sql/element.ts";
export type { ElementKind, ElementKinds } from "./sql/element-kinds.ts";
export { Executable, type ResultColumn } from "./sql/executable.ts";
export { Alias, ColumnClause, columnClause, FromClause, Join, type JoinOptions } from "./sql/from-clause.ts";
export {
  type FunctionArgument,
  FunctionElement,
  func,
  type KnownFunctions,
  type WindowSpec,
} from "./sql/functions.ts";
export {
  type ColumnValue,
  type ConflictTarget,
  Excluded,
  type ExcludedColumns,
  Insert,
  insert,
  type OnConflict,
  type ValuesOf,
} from "./sql/insert.ts";
export {
  exists,
  type LockOptions,
  type RowMapping,
  type RowOf,
  type RowTuple,
  Select,
  type SelectColumns,
  type SelectItem,
  select,
} from "./sql/select.ts";
export { CompoundSelect, SelectBase, type SetOperator } from "./sql/select-base.ts";
export { Cte, ScalarSubquery, Subquery } from "./sql/subquery.ts";
export { literalColumn, TextClause, text } from "./sql/text-clause.ts";
export { Update, update } from "./sql/update.ts";
export {
  ARRAY,
  type ArrayDimensions,
  type ArrayOptions,
  type ArrayType,
  type ArrayValue,
} from "./types/array-type.ts";
export { LargeBinary, type LargeBinaryType } from "./types/binary-type.ts";
export { Boolean } from "./types/boolean-type.ts";
export {
  Date,
  DateTime,
  type DateTimeOptions,
  type DateTimeType,
  type DateType,
  Time,
  type TimeOptions,
  type TimeType,
} from "./types/datetime-types.ts";
export {
  Enum,
  type EnumOptions,
  type EnumType,
  type NativeEnumOptions,
  type NonNativeEnumOptions,
} from "./types/enum-type.ts";
export { Float } from "./types/float-type.ts";
export { inferType } from "./types/infer-type.ts";
export { BigInteger, Integer, SmallInteger } from "./types/integer-types.ts";
export {
  Interval,
  type IntervalParts,
  type IntervalType,
  type IntervalValue,
  makeInterval,
} from "./types/interval-type.ts";
export { JSON, JSONB, type JsonType, type JsonValue } from "./types/json-types.ts";
export { nullType } from "./types/null-type.ts";
export { Numeric, type NumericType } from "./types/numeric-type.ts";
export { type JsOf, resolveType, SqlType, type TypeArg } from "./types/sql-type.ts";
export { String, Text } from "./types/string-types.ts";
export { TypeDecorator } from "./types/type-decorator.ts";
export { Unmapped, type UnmappedType } from "./types/unmapped-type.ts";
export { UUID, Uuid, type UuidType } from "./types/uuid-type.ts";
