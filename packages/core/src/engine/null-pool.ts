import type { Op } from "../runtime/instruction.ts";
import { pure } from "../runtime/pure.ts";
import { Pool } from "./pool.ts";
import { ConnectionRecord } from "./pooled-connection.ts";

/** No pooling: every checkout opens a connection and every checkin closes it. */
export class NullPool extends Pool {
  #checkedOut = 0;

  override recreate(): NullPool {
    return new NullPool(this.options);
  }

  override status(): string {
    return "NullPool";
  }

  override checkedout(): number {
    return this.#checkedOut;
  }

  protected override acquire(): Op<ConnectionRecord> {
    this.#checkedOut++;
    return pure(new ConnectionRecord(this));
  }

  protected override release(record: ConnectionRecord): void {
    this.discard(record);
  }

  protected override discard(_record: ConnectionRecord): void {
    this.#checkedOut--;
  }

  protected override keep(): boolean {
    return false;
  }

  protected override takeAllIdle(): ConnectionRecord[] {
    return [];
  }
}
