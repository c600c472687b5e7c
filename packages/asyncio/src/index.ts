export type { OpRunner } from "./op-runner.ts";
