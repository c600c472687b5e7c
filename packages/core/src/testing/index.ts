export { type Deferred, deferred, type ScriptedAnswer, ScriptedDriver } from "./scripted-driver.ts";
