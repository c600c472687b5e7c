/**
 * Prints "N passed, N failed[, N skipped]" from vitest's JSON report; exits 1 when anything failed
 * or the report is missing. A test file that failed before running its tests counts as one failure,
 * and so do errors vitest saw outside any test.
 */
import { existsSync, readFileSync } from "node:fs";

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  /** False also when no test failed but vitest saw errors outside tests (unhandled rejections). */
  success: boolean;
  testResults: { status: string; name: string; assertionResults: unknown[] }[];
}

const path = process.argv[2];
if (path === undefined || !existsSync(path) || readFileSync(path, "utf8").trim() === "") {
  console.log("vitest wrote no report");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const report: Report = JSON.parse(readFileSync(path, "utf8"));
const brokenFiles = report.testResults.filter(
  (file) => file.status === "failed" && file.assertionResults.length === 0,
);
for (const file of brokenFiles) console.log(`test file failed before running its tests: ${file.name}`);
let failed = report.numFailedTests + brokenFiles.length;
if (failed === 0 && report.success === false) {
  // An uncaught exception or unhandled rejection fails the run without failing a test.
  console.log('vitest reported errors outside any test (see "Unhandled Errors" above)');
  failed = 1;
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
