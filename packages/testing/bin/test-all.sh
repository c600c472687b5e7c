#!/usr/bin/env bash
# The whole test suite: every test on PGlite and on a throwaway PostgreSQL 15, then the closing line
# "N passed, N failed" (CI reads that line, not vitest's own summary).
set -uo pipefail
cd "$(dirname "$0")/../../.."

results=$(mktemp /tmp/athanor-vitest.XXXXXX.json)
trap 'rm -f "$results"' EXIT
status=0
bash packages/testing/bin/with-postgres.sh \
  pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
if ! pnpm exec tsx packages/testing/bin/test-summary.ts "$results" && [ "$status" = 0 ]; then status=1; fi
exit "$status"
