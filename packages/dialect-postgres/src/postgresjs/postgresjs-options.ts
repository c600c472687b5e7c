import type { DatabaseUrl } from "@athanor/core";
import type { SocketFactory, SocketGuard } from "./socket-guard.ts";

/**
 * Session settings every connection starts with (startup parameters, so no round trip): they make
 * the server's text output the canonical driver values. They win over connectArgs.
 */
export const sessionSettings = {
  DateStyle: "ISO, MDY",
  IntervalStyle: "postgres",
  client_encoding: "UTF8",
} as const;

/** The options given to postgres(), as far as this module sets them. */
export type PostgresJsOptions = Record<string, unknown> & {
  readonly connection: Record<string, unknown>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * postgres() options for one connection: the URL's parts, then connectArgs (they win), then what makes
 * the instance one physical connection that never reconnects and reads canonical values (those win
 * over everything):
 *  - max 1 and the socket guard: one socket for the instance's whole life;
 *  - idle_timeout / max_lifetime off: postgres.js must not end the connection by itself (core's pool
 *    recycles connections), since it could not reopen it;
 *  - fetch_types off: type parsers are installed per instance, unknown types looked up on demand;
 *  - max_pipeline unbounded: executeMany hands every statement to the socket at once instead of
 *    queueing them in postgres.js (queued queries are what it reconnects for);
 *  - no_subscribe: no second, replication instance built beside this one;
 *  - transform off: rows stay arrays in field order.
 */
export function buildOptions(
  url: DatabaseUrl,
  connectArgs: Readonly<Record<string, unknown>>,
  guard: SocketGuard,
  onclose: () => void,
): PostgresJsOptions {
  const fromUrl: Record<string, unknown> = {};
  if (url.host !== undefined) fromUrl["host"] = url.host;
  if (url.port !== undefined) fromUrl["port"] = url.port;
  if (url.database !== undefined) fromUrl["database"] = url.database;
  if (url.username !== undefined) fromUrl["username"] = url.username;
  if (url.password !== undefined) fromUrl["password"] = url.password;
  // libpq's query parameters; any other is a startup parameter (application_name, options, ...).
  // A host starting with / is a unix socket directory, as in libpq (postgres.js derives the path).
  const startup: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(url.query)) {
    if (key === "host") fromUrl["host"] = value;
    else if (key === "port") fromUrl["port"] = Number(value);
    else if (key === "user") fromUrl["username"] = value;
    else if (key === "password") fromUrl["password"] = value;
    else if (key === "dbname") fromUrl["database"] = value;
    else if (key === "sslmode") fromUrl["ssl"] = value === "disable" ? false : value;
    else if (key === "connect_timeout") fromUrl["connect_timeout"] = Number(value);
    else startup[key] = value;
  }

  const userOnclose = connectArgs["onclose"];
  const userConnection = connectArgs["connection"];
  return {
    onnotice: ignoreNotice,
    ...fromUrl,
    ...connectArgs,
    connection: {
      ...startup,
      ...(isRecord(userConnection) ? userConnection : {}),
      ...sessionSettings,
    },
    max: 1,
    socket: guard.factory,
    onclose: (connectionId: number) => {
      onclose();
      if (typeof userOnclose === "function") userOnclose(connectionId);
    },
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    max_pipeline: Number.POSITIVE_INFINITY,
    no_subscribe: true,
    transform: { undefined: null },
  };
}

/** postgres.js prints notices to stdout unless told otherwise. */
function ignoreNotice(): void {}

/** A socket factory given in connectArgs, which the guard then calls for the one socket. */
export function userSocketFactory(connectArgs: Readonly<Record<string, unknown>>): SocketFactory | undefined {
  const socket = connectArgs["socket"];
  return typeof socket === "function" ? (socket as SocketFactory) : undefined;
}
