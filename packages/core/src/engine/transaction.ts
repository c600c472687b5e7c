import { InvalidRequestError } from "../errors.ts";
import { op } from "../runtime/gen-op.ts";
import type { Op } from "../runtime/instruction.ts";
import type { Connection } from "./connection.ts";
import { PendingRollbackError } from "./engine-errors.ts";

type TransactionState = "active" | "committed" | "rolledBack" | "deactivated";

/**
 * A transaction on a Connection (SQLAlchemy's Transaction): the root one (BEGIN ... COMMIT) or a
 * nested one (a SAVEPOINT). Ending it is IO, so `commit()`, `rollback()` and `close()` are ops.
 */
export abstract class Transaction {
  readonly connection: Connection;
  /** @internal */
  state: TransactionState = "active";

  constructor(connection: Connection) {
    this.connection = connection;
  }

  /** Neither committed nor rolled back (it may still be deactivated by a failure: see isValid). */
  get isActive(): boolean {
    return this.state === "active";
  }

  /** Active and its connection still valid: statements may run in it. */
  get isValid(): boolean {
    return this.state === "active" && !this.connection.invalidated;
  }

  abstract get nested(): boolean;

  commit(): Op<void> {
    const transaction = this;
    return op(function* commitTransaction() {
      yield* transaction.connection.endTransaction(transaction, "commit");
    });
  }

  rollback(): Op<void> {
    const transaction = this;
    return op(function* rollbackTransaction() {
      yield* transaction.connection.endTransaction(transaction, "rollback");
    });
  }

  /** Rolls back if still open; nothing if already ended. */
  close(): Op<void> {
    const transaction = this;
    return op(function* closeTransaction() {
      if (transaction.state === "committed" || transaction.state === "rolledBack") return;
      yield* transaction.connection.endTransaction(transaction, "rollback");
    });
  }

  /** @internal Throws unless the transaction can still be committed. */
  checkCommittable(): void {
    if (this.state === "deactivated") {
      throw new PendingRollbackError(
        this.connection.invalidated
          ? "the connection was invalidated; its transaction is lost and can't be committed"
          : "this transaction failed (its BEGIN or COMMIT failed, or a call in it was cancelled) and can't be committed; roll it back",
      );
    }
    if (this.state !== "active") {
      throw new InvalidRequestError(
        `This transaction is already ${this.state === "committed" ? "committed" : "rolled back"}`,
      );
    }
  }
}

/** BEGIN ... COMMIT / ROLLBACK. */
export class RootTransaction extends Transaction {
  get nested(): false {
    return false;
  }
}

/** SAVEPOINT ... RELEASE / ROLLBACK TO. */
export class NestedTransaction extends Transaction {
  readonly savepointName: string;
  /** The transaction this one is nested in (the root or another savepoint). */
  readonly parent: Transaction;

  constructor(connection: Connection, savepointName: string, parent: Transaction) {
    super(connection);
    this.savepointName = savepointName;
    this.parent = parent;
  }

  get nested(): true {
    return true;
  }
}
