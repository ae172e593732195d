#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL 15 server on a free local port, exported as
# NARRATRACE_TEST_PG_URL; the server and its data are removed afterwards.
# Without PostgreSQL binaries the command runs alone (the PostgreSQL tests then skip).
set -euo pipefail
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PGBIN/initdb" ] || [ -n "${NARRATRACE_TEST_PG_URL:-}" ]; then
  [ -x "$PGBIN/initdb" ] || echo "with-postgres: no PostgreSQL binaries in $PGBIN; PostgreSQL tests will be skipped" >&2
  exec "$@"
fi
PGROOT="$(mktemp -d /tmp/narratrace-pg.XXXXXX)"
as_pg() {
  # PostgreSQL refuses to run as root: run its tools as the postgres system user when we are root.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = "0" ]; then chown postgres "$PGROOT"; fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
as_pg "$PGBIN/initdb" -D "$PGROOT/data" -A trust -U postgres --no-sync >"$PGROOT/initdb.log" 2>&1
as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
  -o "-p $PORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap stop EXIT
export NARRATRACE_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$PORT" >&2
"$@"
