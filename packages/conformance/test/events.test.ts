import { type DriverTarget, forEachDriver } from "@athanor/conformance";
import {
  type AdaptedConnection,
  type Connection,
  type ConnectionRecord,
  column,
  DBAPIError,
  Engine,
  type EngineOptions,
  type EventHandler,
  type ExceptionContext,
  type ExecutionContext,
  event,
  Integer,
  IntegrityError,
  InvalidRequestError,
  insert,
  MetaData,
  PoolProxiedConnection,
  run,
  String,
  select,
  Table,
  text,
} from "@athanor/core";
import { rejection } from "@athanor/testing";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, test } from "vitest";

/**
 * Engine, connection and pool events on real drivers: connect handlers doing IO on the new DBAPI
 * connection (through its cursor, and through the driver's own object with runAsync), class-level
 * listeners, the SQL and parameters cursor events see, handleError on a real constraint violation,
 * the order of pool events, and raw pooled connections.
 */

const metadata = new MetaData();
const users = new Table("ev_users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { nullable: false }),
});

/** A postgres.js instance (`postgres()`): a tagged-template function with `unsafe(sql)`. */
interface PostgresJsSql {
  unsafe(sql: string): PromiseLike<readonly Record<string, unknown>[]>;
}

function isPostgresJsSql(value: unknown): value is PostgresJsSql {
  return typeof value === "function" && "unsafe" in value && typeof value.unsafe === "function";
}

/** What PGlite's instance offers for a query. */
interface PgliteLike {
  query(sql: string): Promise<{ rows: readonly Record<string, unknown>[] }>;
}

/** The driver's own connection object is the one this driver makes (a pg.Client, a postgres() instance, the PGlite). */
function expectDriverObject(target: DriverTarget, driverConnection: unknown): void {
  if (target.name === "pg") expect(driverConnection).toBeInstanceOf(pg.Client);
  else if (target.name === "postgresjs") expect(isPostgresJsSql(driverConnection)).toBe(true);
  else expect(driverConnection).toBe(target.db.pglite);
}

/** `select 1 as x` through the driver's own API; the rows as the driver gives them. */
async function queryThroughDriver(
  target: DriverTarget,
  driverConnection: unknown,
): Promise<readonly Record<string, unknown>[]> {
  if (target.name === "pg") {
    if (!(driverConnection instanceof pg.Client)) throw new Error("not a pg.Client");
    return (await driverConnection.query("select 1 as x")).rows;
  }
  if (target.name === "postgresjs") {
    if (!isPostgresJsSql(driverConnection)) throw new Error("not a postgres.js instance");
    return [...(await driverConnection.unsafe("select 1 as x"))];
  }
  if (driverConnection !== target.db.pglite) throw new Error("not the PGlite instance");
  const pglite: PgliteLike = target.db.pglite;
  return (await pglite.query("select 1 as x")).rows;
}

forEachDriver((target) => {
  /**
   * Two pooled connections at most. PGlite's default pool is a StaticPool of one; a QueuePool of two
   * connections over its one instance lets "once per new connection" be checked the same way
   * everywhere (the tests never run two transactions on them at once).
   */
  const twoConnections = (options: EngineOptions = {}) =>
    target.engine({
      ...options,
      poolSize: 2,
      maxOverflow: 0,
      ...(target.name === "pglite" ? { poolclass: "queue" } : {}),
    });

  beforeAll(async () => {
    await run(
      target.engine().begin(function* (conn) {
        yield* metadata.dropAll(conn);
        yield* metadata.createAll(conn);
        yield* conn.execute(insert(users), [
          { id: 1, name: "ed" },
          { id: 2, name: "wendy" },
        ]);
      }),
    );
  });

  describe("connect", () => {
    test("a generator connect handler runs a statement through the DBAPI cursor, once per new connection, before the first statement", async () => {
      const e = twoConnections();
      const lines: unknown[] = [];
      const records: ConnectionRecord[] = [];
      event.listen(e, "connect", function* (dbapiConnection, record) {
        const cursor = dbapiConnection.cursor();
        yield* cursor.execute("select 'execute from event'");
        expect(cursor.description).toEqual(["?column?"]);
        expect(cursor.rowcount).toBe(1);
        lines.push(cursor.fetchone()?.[0]);
        expect(cursor.fetchone()).toBeNull();
        expect(record.dbapiConnection).toBe(dbapiConnection);
        records.push(record);
      });
      event.listen(e, "beforeExecute", (_conn, statement) => {
        lines.push(`before execute: ${typeof statement === "string" ? statement : "a statement"}`);
      });
      await run(function* () {
        const first = yield* e.connect();
        yield* first.execDriverSql("select 1");
        // The first is still checked out: the pool opens a second connection.
        const second = yield* e.connect();
        yield* second.execDriverSql("select 2");
        yield* second.close();
        yield* first.close();
        // Both are idle now: this checkout reuses one, no new connection.
        const third = yield* e.connect();
        yield* third.execDriverSql("select 3");
        yield* third.close();
      });
      expect(lines).toEqual([
        "execute from event",
        "before execute: select 1",
        "execute from event",
        "before execute: select 2",
        "before execute: select 3",
      ]);
      expect(records).toHaveLength(2);
      expect(records[0]).not.toBe(records[1]);
    });

    test("runAsync in a connect handler reaches the driver's own connection, and its value comes back into the handler", async () => {
      const e = target.engine();
      const seen: {
        driverObject: unknown;
        sameAsDbapi: boolean;
        rows: readonly Record<string, unknown>[];
      }[] = [];
      event.listen(e, "connect", function* (dbapiConnection: AdaptedConnection) {
        let driverObject: unknown;
        const rows = yield* dbapiConnection.runAsync((driverConnection) => {
          driverObject = driverConnection;
          return queryThroughDriver(target, driverConnection);
        });
        seen.push({ driverObject, sameAsDbapi: driverObject === dbapiConnection.driverConnection, rows });
      });
      const driverOfConnection = await run(
        e.connect(function* (conn) {
          expect(yield* conn.scalar(text("select 'after connect'"))).toBe("after connect");
          return conn.getRawConnection().driverConnection;
        }),
      );
      expect(seen).toHaveLength(1);
      const [only] = seen;
      expect(only!.rows).toEqual([{ x: 1 }]);
      expect(only!.sameAsDbapi).toBe(true);
      expect(only!.driverObject).toBe(driverOfConnection);
      expectDriverObject(target, only!.driverObject);
    });

    test("firstConnect fires once per engine, before that first connection's connect", async () => {
      const engines = [twoConnections(), twoConnections()] as const;
      const seen: [number, string, AdaptedConnection][] = [];
      engines.forEach((e, index) => {
        event.listen(e, "firstConnect", (dbapiConnection) => {
          seen.push([index, "firstConnect", dbapiConnection]);
        });
        event.listen(e, "connect", (dbapiConnection) => {
          seen.push([index, "connect", dbapiConnection]);
        });
      });
      await run(function* () {
        for (let round = 0; round < 2; round++) {
          const a = yield* engines[0].connect();
          const b = yield* engines[0].connect();
          yield* a.execDriverSql("select 1");
          yield* a.close();
          yield* b.execDriverSql("select 1");
          yield* b.close();
        }
        const c = yield* engines[1].connect();
        yield* c.execDriverSql("select 1");
        yield* c.close();
      });
      expect(seen.map(([index, name]) => [index, name])).toEqual([
        [0, "firstConnect"],
        [0, "connect"],
        [0, "connect"],
        [1, "firstConnect"],
        [1, "connect"],
      ]);
      // firstConnect is about the pool's first connection: the same one its connect event gets.
      expect(seen[0]![2]).toBe(seen[1]![2]);
      expect(seen[3]![2]).toBe(seen[4]![2]);
      expect(seen[1]![2]).not.toBe(seen[2]![2]);
    });
  });

  describe("execution events", () => {
    const classHandlers: (() => void)[] = [];
    afterEach(() => {
      for (const removeHandler of classHandlers.splice(0)) removeHandler();
    });

    test("beforeExecute on the Engine class fires for every engine's statements, until removed", async () => {
      const engines = [target.engine(), target.engine()] as const;
      const seen: [Engine, unknown][] = [];
      const handler: EventHandler<typeof Engine, "beforeExecute"> = (conn, statement) => {
        seen.push([conn.engine, statement]);
      };
      event.listen(Engine, "beforeExecute", handler);
      classHandlers.push(() => {
        if (event.contains(Engine, "beforeExecute", handler)) event.remove(Engine, "beforeExecute", handler);
      });
      const query = select(users.c.name).where(users.c.id.eq(1));
      const names = await run(function* () {
        const first = yield* engines[0].connect(function* (conn) {
          return yield* conn.scalar(query);
        });
        const second = yield* engines[1].connect(function* (conn) {
          return (yield* conn.execDriverSql("select name from ev_users where id = $1", [2])).scalar();
        });
        return [first, second];
      });
      expect(names).toEqual(["ed", "wendy"]);
      expect(seen).toEqual([
        [engines[0], query],
        [engines[1], "select name from ev_users where id = $1"],
      ]);
      expect(seen[0]![0]).toBe(engines[0]);
      expect(seen[1]![0]).toBe(engines[1]);

      event.remove(Engine, "beforeExecute", handler);
      expect(event.contains(Engine, "beforeExecute", handler)).toBe(false);
      await run(
        engines[0].connect(function* (conn) {
          yield* conn.execDriverSql("select 1");
        }),
      );
      expect(seen).toHaveLength(2);
    });

    test("beforeCursorExecute sees the final SQL and parameters: compiled, text() and executemany", async () => {
      const e = target.engine();
      const seen: {
        sql: string;
        parameters: readonly unknown[] | readonly (readonly unknown[])[];
        executemany: boolean;
        contextExecutemany: boolean;
        sameConnection: boolean;
      }[] = [];
      const statements: unknown[] = [];
      event.listen(
        e,
        "beforeCursorExecute",
        (conn, sql, parameters, context: ExecutionContext, executemany) => {
          seen.push({
            sql,
            parameters,
            executemany,
            contextExecutemany: context.executemany,
            sameConnection: context.connection === conn,
          });
          statements.push(context.statement);
        },
      );
      const query = select(users.c.id, users.c.name).where(users.c.id.eq(2));
      const textQuery = text("select :a::int + :b::int as total");
      const update = text("update ev_users set name = :name where id = :id");
      const results = await run(
        e.connect(function* (conn) {
          const row = (yield* conn.execute(query)).one();
          const total = (yield* conn.execute(textQuery, { a: 2, b: 3 })).scalar();
          const updated = yield* conn.execute(update, [
            { name: "ed", id: 1 },
            { name: "wendy", id: 2 },
          ]);
          yield* conn.rollback();
          return { row: [...row], total, rowcount: updated.rowcount };
        }),
      );
      expect(results).toEqual({ row: [2, "wendy"], total: 5, rowcount: 2 });
      expect(seen).toEqual([
        {
          sql: 'select "ev_users"."id", "ev_users"."name" from "ev_users" where "ev_users"."id" = $1',
          parameters: [2],
          executemany: false,
          contextExecutemany: false,
          sameConnection: true,
        },
        {
          sql: "select $1::int + $2::int as total",
          parameters: [2, 3],
          executemany: false,
          contextExecutemany: false,
          sameConnection: true,
        },
        {
          sql: "update ev_users set name = $1 where id = $2",
          parameters: [
            ["ed", 1],
            ["wendy", 2],
          ],
          executemany: true,
          contextExecutemany: true,
          sameConnection: true,
        },
      ]);
      expect(statements).toEqual([query, textQuery, update]);
      expect(statements[0]).toBe(query);
    });

    test("handleError sees the real IntegrityError, the driver's own error, the SQL and parameters, and isDisconnect false", async () => {
      const e = target.engine();
      const contexts: ExceptionContext[] = [];
      event.listen(e, "handleError", (context) => {
        contexts.push(context);
      });
      let connection: Connection | undefined;
      const error = await rejection(
        run(
          e.begin(function* (conn) {
            connection = conn;
            yield* conn.execute(insert(users).values({ id: 1, name: "duplicate" }));
          }),
        ),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(contexts).toHaveLength(1);
      const [context] = contexts;
      expect(context!.athanorException).toBe(error);
      expect(context!.athanorException).toBeInstanceOf(IntegrityError);
      expect(context!.athanorException).toMatchObject({ code: "23505", connectionInvalidated: false });
      // The driver's own error, not a wrapper: it carries the server's SQLSTATE.
      expect(context!.originalException).not.toBeInstanceOf(DBAPIError);
      expect(context!.originalException).toBeInstanceOf(Error);
      expect(context!.originalException).toHaveProperty("code", "23505");
      expect(context!.statement).toBe('insert into "ev_users" ("id", "name") values ($1, $2)');
      expect(context!.parameters).toEqual([1, "duplicate"]);
      expect(context!.isDisconnect).toBe(false);
      expect(context!.engine).toBe(e);
      expect(context!.connection).toBe(connection);
    });
  });

  describe("pool events", () => {
    test("checkout / reset / checkin fire in order for a connect + execute + close cycle; reset only when a transaction was open", async () => {
      const e = target.engine();
      const seen: string[] = [];
      const dbapis = new Set<AdaptedConnection | undefined>();
      const records = new Set<ConnectionRecord>();
      const proxies: PoolProxiedConnection[] = [];
      event.listen(e, "connect", (dbapiConnection, record) => {
        seen.push("connect");
        dbapis.add(dbapiConnection);
        records.add(record);
      });
      event.listen(e, "checkout", (dbapiConnection, record, proxied) => {
        seen.push("checkout");
        dbapis.add(dbapiConnection);
        records.add(record);
        proxies.push(proxied);
      });
      event.listen(e, "reset", (dbapiConnection, record) => {
        seen.push("reset");
        dbapis.add(dbapiConnection);
        records.add(record);
      });
      event.listen(e, "checkin", (dbapiConnection, record) => {
        seen.push("checkin");
        dbapis.add(dbapiConnection);
        records.add(record);
      });
      const raws: PoolProxiedConnection[] = [];
      const cycles: string[][] = [];
      await run(function* () {
        for (let round = 0; round < 2; round++) {
          const conn = yield* e.connect();
          raws.push(conn.getRawConnection());
          yield* conn.execute(select(users.c.id).where(users.c.id.eq(1)));
          seen.push("close");
          yield* conn.close();
          cycles.push(seen.splice(0));
        }
        // No statement, no transaction: nothing to reset.
        const idle = yield* e.connect();
        raws.push(idle.getRawConnection());
        yield* idle.close();
        cycles.push(seen.splice(0));
        // A committed transaction leaves nothing to reset either.
        yield* e.begin(function* (conn) {
          raws.push(conn.getRawConnection());
          yield* conn.execDriverSql("select 1");
        });
        cycles.push(seen.splice(0));
      });
      expect(cycles).toEqual([
        ["connect", "checkout", "close", "reset", "checkin"],
        ["checkout", "close", "reset", "checkin"],
        ["checkout", "checkin"],
        ["checkout", "checkin"],
      ]);
      // One DBAPI connection and one record throughout; each checkout hands out the Connection's proxy.
      expect(dbapis.size).toBe(1);
      expect(dbapis.has(undefined)).toBe(false);
      expect(records.size).toBe(1);
      expect(proxies).toHaveLength(4);
      proxies.forEach((proxied, index) => {
        expect(proxied).toBe(raws[index]);
      });
      expect(e.pool.checkedout()).toBe(0);
    });

    test("engine.rawConnection(): a PoolProxiedConnection over the driver's object; close() gives it back", async () => {
      const e = target.engine();
      const raw = await run(e.rawConnection());
      expect(raw).toBeInstanceOf(PoolProxiedConnection);
      expect(e.pool.checkedout()).toBe(1);
      expect(raw.isValid).toBe(true);
      const driverObject = raw.driverConnection;
      expectDriverObject(target, driverObject);
      expect(driverObject).toBe(raw.dbapiConnection.driverConnection);
      expect(await queryThroughDriver(target, driverObject)).toEqual([{ x: 1 }]);
      const cursor = raw.dbapiConnection.cursor();
      await run(cursor.execute("select $1::int * 2 as doubled", [21]));
      expect(cursor.fetchall()).toEqual([[42]]);

      await run(raw.close());
      expect(raw.returned).toBe(true);
      expect(raw.isValid).toBe(false);
      expect(e.pool.checkedout()).toBe(0);
      expect(() => raw.driverConnection).toThrow(InvalidRequestError);
      expect(() => raw.driverConnection).toThrow("this pooled connection was returned to the pool");
      // close() again does nothing.
      await run(raw.close());
      expect(e.pool.checkedout()).toBe(0);
      // The connection went back to the pool: the next checkout gets the same driver object.
      const reused = await run(
        e.connect(function* (conn) {
          expect(yield* conn.scalar(text("select 7"))).toBe(7);
          return conn.getRawConnection().driverConnection;
        }),
      );
      expect(reused).toBe(driverObject);
    });
  });
});
