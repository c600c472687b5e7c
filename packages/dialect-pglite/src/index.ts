import { registerDialect } from "@athanor/core";
import { PgliteDialect } from "./pglite-dialect.ts";

registerDialect("postgresql+pglite", (options) => new PgliteDialect(options));

export { PgliteConnectionClosedError, PgliteDatabaseLostError } from "./errors.ts";
export { PgliteConnection } from "./pglite-connection.ts";
export { PgliteDialect };
