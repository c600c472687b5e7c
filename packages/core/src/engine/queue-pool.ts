import type { Instruction } from "../runtime/instruction.ts";
import { IORequest } from "../runtime/io-request.ts";
import { TimeoutError } from "./engine-errors.ts";
import { Pool, type PoolOptions } from "./pool.ts";
import { ConnectionRecord } from "./pooled-connection.ts";

export interface QueuePoolOptions extends PoolOptions {
  /** Connections kept open (default 5). */
  readonly size?: number | undefined;
  /** Connections allowed beyond `size`, closed when returned (default 10; -1 no limit). */
  readonly maxOverflow?: number | undefined;
  /** Seconds to wait for a connection before TimeoutError (default 30). */
  readonly timeout?: number | undefined;
  /** Hand out the most recently returned connection first (default: the oldest, FIFO). */
  readonly useLifo?: boolean | undefined;
}

/** What a waiter is handed: a record, a freed slot (undefined: open a connection in it), or the pool that replaced this one. */
type Handed = ConnectionRecord | Pool | undefined;

interface Waiter {
  readonly request: PoolWaitRequest;
  resolve(handed: Handed): void;
  reject(error: unknown): void;
}

/**
 * Waits for a connection to come back (or a slot to free up). Answered with the record handed over,
 * undefined when a slot was freed and the waiter should open a new connection, or the successor pool
 * when this one was retired. A record or slot handed to a run that was aborted meanwhile goes back.
 */
export class PoolWaitRequest extends IORequest<Handed> {
  declare readonly kind: "poolWait";
  declare readonly pool: QueuePool;
  declare private timer: ReturnType<typeof setTimeout> | undefined;
  declare private waiter: Waiter | undefined;

  constructor(pool: QueuePool) {
    super();
    this.kind = "poolWait";
    this.pool = pool;
    this.timer = undefined;
    this.waiter = undefined;
  }

  perform(): Promise<Handed> {
    const pool = this.pool;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        request: this,
        resolve: (handed) => {
          clearTimeout(this.timer);
          resolve(handed);
        },
        reject: (error) => {
          clearTimeout(this.timer);
          reject(error);
        },
      };
      this.waiter = waiter;
      this.timer = setTimeout(() => {
        pool.forget(waiter);
        reject(
          new TimeoutError(
            `${pool.constructor.name} limit of size ${pool.size} overflow ${pool.maxOverflow} reached, ` +
              `connection timed out, timeout ${pool.timeout.toFixed(2)} seconds`,
          ),
        );
      }, pool.timeout * 1000);
      pool.enqueue(waiter);
    });
  }

  override cancel(): void {
    clearTimeout(this.timer);
    if (this.waiter !== undefined) this.pool.forget(this.waiter);
  }

  /** Handed over in the very tick the run was aborted: the record or slot goes to the next in line. */
  override abandoned(handed: Handed): void {
    if (handed === undefined) this.pool.slotFreed();
    else if (!(handed instanceof Pool)) this.pool.handBack(handed);
  }
}

/**
 * SQLAlchemy's QueuePool: up to `size` connections kept, `maxOverflow` more made on demand (and
 * closed when returned), checkouts beyond that wait up to `timeout` seconds, then TimeoutError.
 * Waiters are served in arrival order.
 */
export class QueuePool extends Pool {
  readonly size: number;
  readonly maxOverflow: number;
  readonly timeout: number;
  readonly useLifo: boolean;
  readonly #idle: ConnectionRecord[] = [];
  readonly #waiters: Waiter[] = [];
  /** Records in existence (idle + checked out + being opened). */
  #count = 0;

  constructor(options: QueuePoolOptions) {
    super(options);
    this.size = options.size ?? 5;
    this.maxOverflow = options.maxOverflow ?? 10;
    this.timeout = options.timeout ?? 30;
    this.useLifo = options.useLifo ?? false;
  }

  override recreate(): QueuePool {
    return new QueuePool(this.options as QueuePoolOptions);
  }

  override status(): string {
    return (
      `Pool size: ${this.size}  Connections in pool: ${this.#idle.length} ` +
      `Current Overflow: ${this.overflow()} Current Checked out connections: ${this.checkedout()}`
    );
  }

  /** Connections beyond `size` in existence now (negative while below size). */
  overflow(): number {
    return this.#count - this.size;
  }

  /** Idle connections. */
  checkedin(): number {
    return this.#idle.length;
  }

  override checkedout(): number {
    return this.#count - this.#idle.length;
  }

  protected override *acquire(): Generator<Instruction, ConnectionRecord | Pool, unknown> {
    const idle = this.useLifo ? this.#idle.pop() : this.#idle.shift();
    if (idle !== undefined) return idle;
    if (this.maxOverflow < 0 || this.#count < this.size + this.maxOverflow) {
      this.#count++;
      return new ConnectionRecord(this);
    }
    const handed = yield* new PoolWaitRequest(this);
    if (handed !== undefined) return handed;
    this.#count++;
    return new ConnectionRecord(this);
  }

  protected override release(record: ConnectionRecord): void {
    this.handBack(record);
  }

  /** A record is free: the first waiter gets it, else it goes idle. */
  handBack(record: ConnectionRecord): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(record);
    else this.#idle.push(record);
  }

  protected override discard(record: ConnectionRecord): void {
    const index = this.#idle.indexOf(record);
    if (index >= 0) this.#idle.splice(index, 1);
    this.#count--;
    this.slotFreed();
  }

  /** A slot came free: the first waiter opens a connection in it. */
  slotFreed(): void {
    const waiter = this.#waiters.shift();
    // The waiter counts its new record in when it makes it.
    if (waiter !== undefined) waiter.resolve(undefined);
  }

  protected override keep(record: ConnectionRecord): boolean {
    // An overflow connection is closed on return unless someone is waiting for it.
    return super.keep(record) && (this.#idle.length < this.size || this.#waiters.length > 0);
  }

  protected override takeAllIdle(): ConnectionRecord[] {
    return [...this.#idle];
  }

  protected override rejectWaiters(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  protected override forwardWaiters(successor: Pool): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(successor);
  }

  enqueue(waiter: Waiter): void {
    this.#waiters.push(waiter);
  }

  forget(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
  }
}

/**
 * One connection, handed to one checkout at a time (others wait, as with a QueuePool of one): for
 * embedded databases such as PGlite, where there is only one connection to have. Unlike SQLAlchemy's
 * StaticPool it never shares the connection between two checkouts at once, which would interleave
 * their transactions.
 */
export class StaticPool extends QueuePool {
  constructor(options: PoolOptions & { timeout?: number | undefined }) {
    super({ ...options, size: 1, maxOverflow: 0, recycle: -1 });
  }

  override recreate(): StaticPool {
    return new StaticPool(this.options);
  }
}
