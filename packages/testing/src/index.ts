export {
  type DatabaseTarget,
  databaseTargets,
  forEachDatabase,
  forPgliteDatabase,
  type TestDatabase,
  useDatabase,
} from "./databases.ts";
export { ensurePgliteTemplate, openPgliteFromTemplate } from "./pglite-template.ts";
