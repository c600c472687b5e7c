import { ArgumentError } from "../errors.ts";
import type { Instruction } from "../runtime/instruction.ts";

/**
 * What an event handler may return: nothing (a plain function), or the generator of a generator
 * function, which is driven in place so the handler can do IO sync-style:
 * `function* (dbapiConnection) { yield* dbapiConnection.cursor().execute("select 1") }`.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain handler is typed `() => void`; undefined would refuse it.
export type HandlerResult = void | Iterator<Instruction, unknown, unknown>;

/** Something events can be attached to: an instance, or a class (then every instance hears it). */
export interface EventTarget<Events> {
  /** Phantom: the events this target dispatches. */
  readonly __events?: Events;
}

type AnyHandler = (...args: never[]) => HandlerResult;
type EventsOf<T> =
  T extends EventTarget<infer E>
    ? E
    : T extends abstract new (
          ...args: never[]
        ) => infer I
      ? EventsOf<I>
      : never;

/** The event names a target (instance or class) accepts. */
export type EventName<T> = keyof EventsOf<T> & string;
/** The handler type of event `N` on target `T`. */
export type EventHandler<T, N extends EventName<T>> = EventsOf<T>[N] extends AnyHandler
  ? EventsOf<T>[N]
  : never;

interface Registration {
  readonly names: readonly string[];
  readonly owner: string;
}

/** Each target class says which events it has; listen() checks names against it. */
const declared = new WeakMap<object, Registration>();
const listeners = new WeakMap<object, Map<string, AnyHandler[]>>();
/** Listener count per event name over all targets: lets dispatch skip its lookups when nobody listens. */
const listening = new Map<string, number>();
let total = 0;

/** Declares the events of a target class (done once by Engine, Pool, Connection). */
export function declareEvents(
  targetClass: abstract new (...args: never[]) => unknown,
  names: readonly string[],
): void {
  declared.set(targetClass, { names, owner: targetClass.name });
}

function registrationOf(target: object): Registration | undefined {
  // A class: its own declaration or an ancestor's. An instance: its constructor's.
  let current: object | null = typeof target === "function" ? target : target.constructor;
  while (current !== null && current !== Function.prototype) {
    const found = declared.get(current);
    if (found !== undefined) return found;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}

/** Lets a facade refuse listeners on itself with a pointer to the sync target (issue 5). */
export interface EventRedirect {
  eventTargetError(): Error;
}
const redirect: unique symbol = Symbol.for("athanor.eventRedirect");

export { redirect as eventRedirect };

/**
 * Lets a target keep some listeners on another object: a derived Engine (executionOptions()) keeps its
 * pool-event listeners on the root engine, whose pool it shares (SQLAlchemy attaches them to the pool).
 */
const host: unique symbol = Symbol.for("athanor.eventHost");

export { host as eventHost };

function hostOf(target: object, name: string): object {
  const hook = (target as { [host]?: (name: string) => object })[host];
  return typeof hook === "function" ? hook.call(target, name) : target;
}

function resolve(target: object, name: string): Registration {
  const redirected = (target as { [redirect]?: () => Error })[redirect];
  if (typeof redirected === "function") throw redirected.call(target);
  const registration = registrationOf(target);
  if (registration === undefined) {
    throw new ArgumentError(
      `${describe(target)} has no events (targets: Engine, Pool, Connection, or their instances)`,
    );
  }
  if (!registration.names.includes(name)) {
    throw new ArgumentError(
      `no event "${name}" on ${registration.owner}; its events are ${registration.names.join(", ")}`,
    );
  }
  return registration;
}

function describe(target: unknown): string {
  if (typeof target === "function") return `class ${target.name || "(anonymous)"}`;
  if (target === null || typeof target !== "object") return String(target);
  return `a ${target.constructor?.name ?? "object"}`;
}

/** `event.listen(engine, "beforeExecute", fn)`: `fn` runs at each such event of `target` (an instance or a class). */
export function listen<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
  handler: EventHandler<T, N>,
): void {
  if (target === null || (typeof target !== "object" && typeof target !== "function")) {
    throw new ArgumentError(`event.listen: the target must be an object or class, got ${describe(target)}`);
  }
  resolve(target, name);
  if (typeof handler !== "function") {
    throw new ArgumentError(
      `event.listen: the handler for "${name}" must be a function, got ${typeof handler}`,
    );
  }
  const owner = hostOf(target, name);
  let byName = listeners.get(owner);
  if (byName === undefined) {
    byName = new Map();
    listeners.set(owner, byName);
  }
  const list = byName.get(name) ?? [];
  // Copy on write: a dispatch in progress keeps iterating the list it started with.
  byName.set(name, [...list, handler as AnyHandler]);
  listening.set(name, (listening.get(name) ?? 0) + 1);
  total++;
}

/** Decorator-free form of SQLAlchemy's `@listens_for`: returns the handler, registered. */
export function listensFor<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
): <H extends EventHandler<T, N>>(handler: H) => H {
  resolve(target, name);
  return (handler) => {
    listen(target, name, handler);
    return handler;
  };
}

/** Removes a handler added with listen(); an unknown handler raises, as SQLAlchemy's does. */
export function remove<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
  handler: EventHandler<T, N>,
): void {
  const owner = hostOf(target, name);
  const list = listeners.get(owner)?.get(name);
  const index = list?.indexOf(handler as AnyHandler) ?? -1;
  if (list === undefined || index < 0) {
    throw new ArgumentError(`event.remove: no such handler for "${name}" on ${describe(target)}`);
  }
  listeners.get(owner)!.set(
    name,
    list.filter((_, i) => i !== index),
  );
  listening.set(name, (listening.get(name) ?? 1) - 1);
  total--;
}

/** Whether `handler` listens for `name` on `target`. */
export function contains<T extends object, N extends EventName<T>>(
  target: T,
  name: N,
  handler: EventHandler<T, N>,
): boolean {
  return (
    listeners
      .get(hostOf(target, name))
      ?.get(name)
      ?.includes(handler as AnyHandler) ?? false
  );
}

export const event = { listen, listensFor, remove, contains };

/** Whether anything listens for `name` anywhere: the fast check before a dispatch. */
export function anyListening(name: string): boolean {
  // Most programs listen for nothing on the statement path: one number answers them.
  return total > 0 && (listening.get(name) ?? 0) > 0;
}

/**
 * The handlers for `name` on each target in order (instances and classes, e.g. a connection, its
 * engine, the Connection class, the Engine class); classes include their ancestors.
 */
export function handlersFor(targets: readonly object[], name: string): AnyHandler[] {
  const found: AnyHandler[] = [];
  for (const target of targets) {
    if (typeof target === "function") {
      let current: object | null = target;
      while (current !== null && current !== Function.prototype) {
        const list = listeners.get(current)?.get(name);
        if (list !== undefined) found.push(...list);
        current = Object.getPrototypeOf(current) as object | null;
      }
    } else {
      const list = listeners.get(target)?.get(name);
      if (list !== undefined) found.push(...list);
    }
  }
  return found;
}

/**
 * Runs the handlers of `name` with `args`, in order. A generator handler is driven to its end before
 * the next runs. `yield* dispatch(...)` inside an op.
 */
export function* dispatch(
  targets: readonly object[],
  name: string,
  args: readonly unknown[],
): Generator<Instruction, void, unknown> {
  for (const handler of handlersFor(targets, name)) {
    const result = (handler as (...a: readonly unknown[]) => HandlerResult)(...args);
    if (
      result !== undefined &&
      result !== null &&
      typeof (result as Iterator<Instruction>).next === "function"
    ) {
      yield* { [Symbol.iterator]: () => result as Iterator<Instruction, unknown, unknown> };
    }
  }
}
