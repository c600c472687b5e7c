import { z } from "zod";
import { CompiledCache } from "../compile/compiled-cache.ts";
import { ArgumentError } from "../errors.ts";
import type { DriverConnection } from "./driver.ts";
import type { Logger } from "./logging.ts";
import type { Pool, PoolOptions } from "./pool.ts";

const isolationLevels = [
  "AUTOCOMMIT",
  "READ COMMITTED",
  "READ UNCOMMITTED",
  "REPEATABLE READ",
  "SERIALIZABLE",
] as const;

const echoSchema = z.union([z.boolean(), z.literal("debug")]);

export const executionOptionsSchema = z
  .object({
    isolationLevel: z.enum(isolationLevels).optional(),
    streamResults: z.boolean().optional(),
    yieldPer: z.number().int().min(1).optional(),
    compiledCache: z.union([z.instanceof(CompiledCache), z.null()]).optional(),
    loggingToken: z.string().optional(),
  })
  .loose();

/** A pool class given directly: called with the pool options the engine computes. */
export type PoolFactory = new (options: PoolOptions & Record<string, unknown>) => Pool;

const loggerSchema = z.custom<Logger>(
  (value) => value !== null && typeof value === "object" && typeof (value as Logger).info === "function",
  { error: "a logger must be an object with an info(message) method" },
);

export const engineOptionsSchema = z.strictObject({
  /** Log SQL and parameters (true), and rows too ("debug"). */
  echo: echoSchema.optional(),
  /** Log pool checkouts, checkins and invalidations. */
  echoPool: echoSchema.optional(),
  poolSize: z.number().int().min(1).optional(),
  maxOverflow: z.number().int().min(-1).optional(),
  /** Seconds. */
  poolTimeout: z.number().positive().optional(),
  /** Seconds; -1 never. */
  poolRecycle: z.number().int().min(-1).optional(),
  poolPrePing: z.boolean().optional(),
  poolUseLifo: z.boolean().optional(),
  poolResetOnReturn: z.boolean().optional(),
  poolclass: z
    .union([
      z.enum(["queue", "null", "static"]),
      z.custom<PoolFactory>((value) => typeof value === "function", {
        error: 'poolclass must be "queue", "null", "static" or a Pool subclass',
      }),
    ])
    .optional(),
  isolationLevel: z.enum(isolationLevels).optional(),
  executionOptions: executionOptionsSchema.optional(),
  connectArgs: z.record(z.string(), z.unknown()).optional(),
  creator: z
    .custom<() => Promise<DriverConnection>>((value) => typeof value === "function", {
      error: "creator must be a function returning a promise of a driver connection",
    })
    .optional(),
  queryCacheSize: z.number().int().min(0).optional(),
  logger: loggerSchema.optional(),
  /** Name shown in log lines (default "athanor.engine.Engine"). */
  loggingName: z.string().optional(),
});

export type EngineOptions = z.input<typeof engineOptionsSchema>;
export type ParsedEngineOptions = z.output<typeof engineOptionsSchema>;

/** Parses createEngine's options; anything unknown or ill-typed raises ArgumentError naming it. */
export function parseEngineOptions(options: unknown): ParsedEngineOptions {
  const parsed = engineOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw new ArgumentError(`invalid engine options:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function parseExecutionOptions<T extends object>(options: T): T {
  const parsed = executionOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new ArgumentError(`invalid execution options:\n${z.prettifyError(parsed.error)}`);
  return options;
}

/** How config-file strings are read for each option. */
const coercions: Readonly<Record<string, "boolean" | "integer" | "number" | "echo" | "string">> = {
  echo: "echo",
  echoPool: "echo",
  poolSize: "integer",
  maxOverflow: "integer",
  poolTimeout: "number",
  poolRecycle: "integer",
  poolPrePing: "boolean",
  poolUseLifo: "boolean",
  poolResetOnReturn: "boolean",
  poolclass: "string",
  isolationLevel: "string",
  queryCacheSize: "integer",
  loggingName: "string",
};

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function coerce(key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  switch (coercions[key]) {
    case "boolean":
    case "echo": {
      const lower = text.toLowerCase();
      if (["true", "1", "yes", "on"].includes(lower)) return true;
      if (["false", "0", "no", "off"].includes(lower)) return false;
      if (coercions[key] === "echo" && lower === "debug") return "debug";
      return value; // left for the schema to reject with its message
    }
    case "integer":
    case "number":
      return text !== "" && Number.isFinite(Number(text)) ? Number(text) : value;
    default:
      return value;
  }
}

/**
 * The url and options under `prefix` in a config dictionary (`{"athanor.url": ..., "athanor.pool_size": "5"}`),
 * strings coerced to each option's type; snake_case keys are accepted as well as camelCase.
 */
export function optionsFromConfig(
  config: Readonly<Record<string, unknown>>,
  prefix: string,
): { url: string; options: ParsedEngineOptions } {
  if (config === null || typeof config !== "object")
    throw new ArgumentError("engineFromConfig: the config must be an object");
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(prefix)) continue;
    picked[camelCase(key.slice(prefix.length))] = value;
  }
  const { url, ...rest } = picked;
  if (typeof url !== "string") {
    throw new ArgumentError(`engineFromConfig: no "${prefix}url" string in the config`);
  }
  const coerced: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) coerced[key] = coerce(key, value);
  return { url, options: parseEngineOptions(coerced) };
}
