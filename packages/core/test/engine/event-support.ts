import {
  column,
  contains,
  type Engine,
  type EventHandler,
  type EventName,
  Integer,
  listen,
  MetaData,
  type RequestHandler,
  remove,
  runBlocking,
  String,
  Table,
} from "@athanor/core";

// What the event tests share: a table, class-level listeners that do not outlive their test, and
// a way to compare event arguments by the names a test gave its objects.

const metadata = new MetaData();
export const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
});

const classListeners: (() => void)[] = [];

/** Listens on a class (Engine, Connection, Pool...); removeClassListeners() takes it away again. */
export function listenOnClass<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
  handler: EventHandler<T, N>,
): void {
  listen(target, name, handler);
  classListeners.push(() => {
    if (contains(target, name, handler)) remove(target, name, handler);
  });
}

/** For afterEach: class-level listeners must not leak into the next test. */
export function removeClassListeners(): void {
  for (const removeListener of classListeners.splice(0)) removeListener();
}

/** Replaces the objects a test knows by their names, so event arguments can be compared exactly. */
export function labeller(known: ReadonlyMap<unknown, string>): (values: readonly unknown[]) => unknown[] {
  return (values) => values.map((value) => known.get(value) ?? value);
}

interface Scripted {
  readonly engine: Engine;
  readonly driver: RequestHandler;
}

/** Checks a connection out and returns it, doing nothing else (the pool events fire). */
export function connectOnce({ engine, driver }: Scripted): void {
  runBlocking(
    engine.connect(function* () {}),
    { handler: driver },
  );
}

/** Begins a transaction and commits it, doing nothing else (begin / commit fire). */
export function beginOnce({ engine, driver }: Scripted): void {
  runBlocking(
    engine.begin(function* () {}),
    { handler: driver },
  );
}
