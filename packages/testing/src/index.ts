export {
  type DatabaseTarget,
  databaseTargets,
  forEachDatabase,
  forPgliteDatabase,
  forPostgresDatabase,
  type TestDatabase,
  useDatabase,
} from "./databases.ts";
export { range, rejection, thrown } from "./outcomes.ts";
export { ensurePgliteTemplate, openPgliteFromTemplate } from "./pglite-template.ts";
