import { registerDialect } from "@athanor/core";
import { PgDialect } from "./pg/pg-dialect.ts";
import { PostgresJsDialect } from "./postgresjs/postgresjs-dialect.ts";

registerDialect("postgresql+pg", (options) => new PgDialect(options));
registerDialect("postgresql+postgresjs", (options) => new PostgresJsDialect(options));
// Plain postgresql:// takes the driver that passes the fault suite (README, "Drivers").
registerDialect("postgresql", (options) => new PgDialect(options));

export { PgDialect, PostgresJsDialect };
