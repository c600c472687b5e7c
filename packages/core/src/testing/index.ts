export { type Deferred, deferred, type ScriptedAnswer, ScriptedDriver } from "./scripted-driver.ts";
export {
  describeRequest,
  emptyResult,
  inertDriverConnection,
  rowsResult,
  ScriptedDialect,
  type StatementAnswer,
  scriptedEngine,
} from "./scripted-engine.ts";
