import { registerDialect } from "@athanor/core";
import { PgDialect } from "./pg/pg-dialect.ts";
import { PostgresJsDialect } from "./postgresjs/postgresjs-dialect.ts";

registerDialect("postgresql+pg", (options) => new PgDialect(options));
registerDialect("postgresql+postgresjs", (options) => new PostgresJsDialect(options));
// Plain postgresql:// takes postgres.js: both drivers pass the fault suite through their adapters,
// and postgres.js's prepared statements make point queries faster (README, "Drivers").
registerDialect("postgresql", (options) => new PostgresJsDialect(options));

export { PgDialect, PostgresJsDialect };
