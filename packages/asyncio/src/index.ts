export {
  AsyncConnection,
  type AsyncExecuteOptions,
  type SyncResult,
} from "./async-connection.ts";
export { AsyncEngine, asyncEngineFromConfig, createAsyncEngine } from "./async-engine.ts";
export { AsyncTransaction } from "./async-transaction.ts";
export type { OpRunner } from "./op-runner.ts";
