/**
 * Where `echo` and `echoPool` write. Replace it per engine (`createEngine(url, { logger })`) or for
 * every engine made afterwards (`setDefaultLogger`).
 */
export interface Logger {
  info(message: string): void;
  /** Row-level detail, written only with `echo: "debug"`. */
  debug?(message: string): void;
}

/** Prefixes every line with the logger name, as SQLAlchemy's `sqlalchemy.engine.Engine`. */
export function consoleLogger(name: string): Logger {
  return {
    info: (message) => console.log(`INFO ${name} ${message}`),
    debug: (message) => console.log(`DEBUG ${name} ${message}`),
  };
}

let defaultLogger: (name: string) => Logger = consoleLogger;

export function setDefaultLogger(factory: (name: string) => Logger): void {
  defaultLogger = factory;
}

export function makeLogger(name: string): Logger {
  return defaultLogger(name);
}

/** Parameters as SQLAlchemy echoes them: a tuple of values, long ones cut. */
export function describeParameters(params: readonly unknown[] | undefined): string {
  if (params === undefined || params.length === 0) return "()";
  const shown = params.slice(0, 10).map(describeValue);
  if (params.length > 10) shown.push(`... ${params.length - 10} more`);
  return `(${shown.join(", ")})`;
}

function describeValue(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value))
    return `[${value.slice(0, 10).map(describeValue).join(", ")}${value.length > 10 ? ", ..." : ""}]`;
  if (value !== null && typeof value === "object") {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
