/**
 * The README demo: Core on embedded PostgreSQL (PGlite), in SQLAlchemy's Core style. Every database
 * step is an op (a generator yielding IO requests) driven by `run()`; echo shows the SQL sent.
 */
import "@athanor/dialect-pglite";
import {
  column,
  createEngine,
  event,
  ForeignKey,
  func,
  Integer,
  IntegrityError,
  insert,
  MetaData,
  run,
  String,
  select,
  Table,
  text,
} from "@athanor/core";

const engine = createEngine("postgresql+pglite://", { echo: true });

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30), { nullable: false }),
});
const addresses = new Table("addresses", metadata, {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, ForeignKey("users.id"), { name: "user_id", nullable: false }),
  email: column(String, { nullable: false }),
});

// A sync-style event handler doing IO on each new DBAPI connection.
event.listen(engine, "connect", function* (dbapiConnection) {
  const cursor = dbapiConnection.cursor();
  yield* cursor.execute("select version()");
  console.log(`connected: ${`${cursor.fetchone()?.[0]}`.split(" on ")[0]}`);
});

// engine.begin(body): one transaction, committed when the body returns.
await run(
  engine.begin(function* (conn) {
    yield* metadata.createAll(conn);
    const spongebob = yield* conn.execute(insert(users).values({ name: "spongebob" }));
    const [spongebobId] = spongebob.insertedPrimaryKey;
    yield* conn.execute(insert(users), [{ name: "sandy" }, { name: "patrick" }]); // executemany
    yield* conn.execute(insert(addresses), [
      { userId: spongebobId as number, email: "spongebob@sqlalchemy.org" },
      { userId: 2, email: "sandy@sqlalchemy.org" },
      { userId: 2, email: "sandy@squirrelpower.org" },
    ]);
  }),
);

// A failing transaction rolls back as a whole; the error is typed and carries the SQLSTATE.
try {
  await run(
    engine.begin(function* (conn) {
      yield* conn.execute(insert(users).values({ name: "squidward" }));
      yield* conn.execute(insert(addresses).values({ userId: 99, email: "nobody@example.com" }));
    }),
  );
} catch (error) {
  if (!(error instanceof IntegrityError)) throw error;
  console.log(`rolled back: ${error.name} ${error.code}: ${error.message}`);
}

// Typed rows: row.name is a string, row.n a number.
const rows = await run(
  engine.connect(function* (conn) {
    const result = yield* conn.execute(
      select(users.c.name, func.count(addresses.c.id).label("n"))
        .outerjoin(addresses)
        .groupBy(users.c.name)
        .orderBy(users.c.name),
    );
    return result.all();
  }),
);
for (const row of rows) console.log(`${row.name}: ${row.n} address(es)`);

// Streaming through a server-side cursor, 2 rows per round trip.
await run(
  engine.connect(function* (conn) {
    const stream = (yield* conn.stream(text("select g from generate_series(1, 5) g"))).yieldPer(2);
    for (let part = yield* stream.partition(); part.length > 0; part = yield* stream.partition()) {
      console.log(
        "partition:",
        part.map((row) => row[0]),
      );
    }
  }),
);

await run(engine.dispose());
