export {
  type DatabaseTarget,
  databaseTargets,
  forEachDatabase,
  forPgliteDatabase,
  forPostgresDatabase,
  type TestDatabase,
  useDatabase,
} from "./databases.ts";
export { ensurePgliteTemplate, openPgliteFromTemplate } from "./pglite-template.ts";
