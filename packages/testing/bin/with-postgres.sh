#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15: initdb in a temp dir, server on 127.0.0.1 only,
# ATHANOR_PG_URL exported for the command, server stopped and files removed on exit.
#   usage: with-postgres.sh <command> [args...]      (e.g. pnpm with-postgres pnpm vitest run)
# Installs Debian's postgresql-15 with apt-get when it is missing and we are root.
set -euo pipefail

pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "with-postgres: installing postgresql-15 with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  else
    echo "with-postgres: PostgreSQL 15 is not installed at $pgbin (apt-get install postgresql-15)" >&2
    exit 1
  fi
fi

# initdb refuses to run as root: as root, run the server as the postgres user.
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); else as_owner=(); fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${ATHANOR_PG_PORT:-}
if [ -z "$port" ]; then
  for candidate in $(seq 54329 54349); do
    if port_free "$candidate"; then port=$candidate; break; fi
  done
fi
[ -n "$port" ] || { echo "with-postgres: no free port in 54329-54349" >&2; exit 1; }

dir=$(mktemp -d /tmp/athanor-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
stop() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a throwaway server for tests needs no durability.
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }

export ATHANOR_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $ATHANOR_PG_URL" >&2
status=0
"$@" || status=$?
exit "$status"
