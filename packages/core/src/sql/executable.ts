import { type Compiled, compileStatement } from "../compile/compiler.ts";
import type { SqlDialect } from "../dialect/sql-dialect.ts";
import type { SqlType } from "../types/sql-type.ts";
import { SqlElement } from "./element.ts";

/** How a result column is known: the name rows carry and the type that reads its values. */
export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType<unknown>;
}

/** A statement that can be compiled and executed: SELECT, INSERT, UPDATE, DELETE, DDL. */
export abstract class Executable extends SqlElement {
  /**
   * Whether values travel as bound parameters (and the SQL may come from the compiled cache). DDL
   * says no: PostgreSQL takes no parameters there, so its values are written into the SQL.
   */
  get inlineValues(): boolean {
    return false;
  }

  /** The columns of the rows it returns, in order (none for statements without RETURNING). */
  get resultColumns(): readonly ResultColumn[] {
    return [];
  }

  /** SQL and parameters for `dialect` (PostgreSQL by default), through the dialect's compiled cache. */
  compile(dialect?: SqlDialect, params?: Readonly<Record<string, unknown>>): Compiled {
    return compileStatement(this, dialect, params);
  }

  /** The SQL, for reading and debugging (PostgreSQL, $n placeholders). */
  override toString(): string {
    return this.compile().sql;
  }
}
