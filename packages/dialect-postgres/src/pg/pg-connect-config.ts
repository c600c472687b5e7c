import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { ArgumentError, type DatabaseUrl } from "@athanor/core";
import type pg from "pg";

/**
 * Session settings every connection starts with, so values come back in core's canonical text
 * forms. Sent as startup options (no extra round trip), after the user's own `options` so that
 * they cannot be overridden by accident.
 */
const sessionOptions = "-c DateStyle=ISO,MDY -c IntervalStyle=postgres -c client_encoding=UTF8";

/** URL query keys (libpq's names) that become pg options as they are. */
const stringKeys = new Set(["application_name", "fallback_application_name", "options", "sslnegotiation"]);
/** URL query keys in milliseconds that pg takes as numbers. */
const millisecondKeys = new Set([
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "query_timeout",
]);
const sslFileKeys = { sslrootcert: "ca", sslcert: "cert", sslkey: "key" } as const;
const sslModes = new Set(["disable", "allow", "prefer", "require", "verify-ca", "verify-full", "no-verify"]);

/**
 * pg.Client options for a URL and the engine's `connectArgs`: host, port, user, password and
 * database from the URL, its query parameters under libpq's names (sslmode, sslrootcert, sslcert,
 * sslkey, application_name, options, connect_timeout, keepalives, host for a socket directory, and
 * pg's own statement_timeout, lock_timeout, idle_in_transaction_session_timeout, query_timeout),
 * then `connectArgs`, pg's own option names, which win. `types` is always ours.
 */
export function clientConfig(
  url: DatabaseUrl,
  connectArgs: Readonly<Record<string, unknown>>,
  types: pg.CustomTypesConfig,
): pg.ClientConfig {
  const config: pg.ClientConfig = {};
  applyQuery(config, url);
  if (url.host !== undefined) config.host = url.host;
  if (url.port !== undefined) config.port = url.port;
  if (url.username !== undefined) config.user = url.username;
  if (url.password !== undefined) config.password = url.password;
  if (url.database !== undefined) config.database = url.database;
  // connectArgs are pg's own options, passed through untouched (core's contract).
  Object.assign(config, connectArgs as pg.ClientConfig);
  const userOptions = config.options;
  config.options = userOptions ? `${userOptions} ${sessionOptions}` : sessionOptions;
  config.types = types;
  return config;
}

function applyQuery(config: pg.ClientConfig, url: DatabaseUrl): void {
  const query = url.query;
  for (const [key, value] of Object.entries(query)) {
    switch (key) {
      case "host":
        config.host = value;
        break;
      case "port":
        config.port = integer(key, value, url);
        break;
      case "user":
        config.user = value;
        break;
      case "password":
        config.password = value;
        break;
      case "dbname":
        config.database = value;
        break;
      case "connect_timeout":
        config.connectionTimeoutMillis = integer(key, value, url) * 1000;
        break;
      case "keepalives":
        config.keepAlive = value !== "0";
        break;
      case "keepalives_idle":
        config.keepAliveInitialDelayMillis = integer(key, value, url) * 1000;
        break;
      case "client_encoding":
        // The session is always UTF8 (canonical text values); only that may be asked for.
        if (!/^utf-?8$/i.test(value)) {
          throw new ArgumentError(`client_encoding=${value} in ${url}: the pg driver always uses UTF8`);
        }
        break;
      case "sslmode":
      case "ssl":
      case "sslrootcert":
      case "sslcert":
      case "sslkey":
        break; // below, together
      default:
        if (stringKeys.has(key)) {
          Object.assign(config, { [key]: value });
        } else if (millisecondKeys.has(key)) {
          Object.assign(config, { [key]: integer(key, value, url) });
        } else {
          throw new ArgumentError(`unknown query parameter "${key}" in ${url} for the pg driver`);
        }
    }
  }
  const ssl = sslOption(url);
  if (ssl !== undefined) config.ssl = ssl;
}

/**
 * libpq's sslmode: disable (and allow) connect without TLS; prefer and require encrypt without
 * checking the certificate unless a root certificate is given; verify-ca checks the chain only;
 * verify-full checks the chain and the host name. `ssl=true` is pg's shorthand for verify-full.
 */
function sslOption(url: DatabaseUrl): boolean | ConnectionOptions | undefined {
  const query = url.query;
  const mode = query.sslmode;
  if (mode !== undefined && !sslModes.has(mode)) {
    throw new ArgumentError(`unknown sslmode "${mode}" in ${url}`);
  }
  if (mode === "disable" || mode === "allow") return false;
  const files: { ca?: string; cert?: string; key?: string } = {};
  for (const [key, option] of Object.entries(sslFileKeys)) {
    const path = query[key];
    if (path !== undefined) files[option] = readFileSync(path, "utf8");
  }
  const hasFiles = Object.keys(files).length > 0;
  switch (mode) {
    case undefined: {
      const flag = query.ssl;
      if (flag === undefined) return hasFiles ? files : undefined;
      return flag === "true" || flag === "1" ? files : false;
    }
    case "prefer":
    case "require":
      return files.ca === undefined
        ? { ...files, rejectUnauthorized: false }
        : { ...files, checkServerIdentity: () => undefined };
    case "no-verify":
      return { ...files, rejectUnauthorized: false };
    case "verify-ca":
      return { ...files, checkServerIdentity: () => undefined };
    default:
      return files;
  }
}

function integer(key: string, value: string, url: DatabaseUrl): number {
  if (!/^\d+$/.test(value)) throw new ArgumentError(`${key}=${value} in ${url} is not a whole number`);
  return Number(value);
}
