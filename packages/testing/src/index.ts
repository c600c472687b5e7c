export { type DatabaseTarget, databaseTargets, forEachDatabase, type TestDatabase } from "./databases.ts";
export { ensurePgliteTemplate, openPgliteFromTemplate } from "./pglite-template.ts";
