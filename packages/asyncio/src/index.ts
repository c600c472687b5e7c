export { AsyncCommon } from "./async-common.ts";
export {
  AsyncConnection,
  type AsyncExecuteOptions,
  type SyncResult,
} from "./async-connection.ts";
export { AsyncEngine, asyncEngineFromConfig, createAsyncEngine } from "./async-engine.ts";
export {
  AsyncMappingResult,
  AsyncResult,
  AsyncScalarResult,
  type NamesOf,
  type RowOf,
  type TupleOf,
} from "./async-result.ts";
export { AsyncTransaction } from "./async-transaction.ts";
export type { OpRunner } from "./op-runner.ts";
