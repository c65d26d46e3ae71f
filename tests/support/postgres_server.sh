#!/usr/bin/env bash
# The PostgreSQL server the tests start themselves: a throwaway cluster (initdb) in a fresh folder
# under /tmp (short, for the 107-byte socket path limit, and reachable by the postgres account
# whatever the checkout's permissions), listening only on a Unix socket there. FOLDER records it. ctest
# runs "start" before the tests of the PostgreSQL pass and "stop" after them (FIXTURES_SETUP and
# FIXTURES_CLEANUP in tests/CMakeLists.txt); by hand:
#   tests/support/postgres_server.sh start build/pg-test
#   PAPERFEED_TEST_POSTGRES=build/pg-test build/tests/unit/store/paperfeed_store_tests
#   tests/support/postgres_server.sh stop build/pg-test
# FOLDER/uri then holds the server's connection URI (for the postgres database).
set -euo pipefail
action="${1:?usage: postgres_server.sh start|stop FOLDER}"
folder="${2:?usage: postgres_server.sh start|stop FOLDER}"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres_server.sh: PostgreSQL's server is not installed (apt-get install postgresql; scripts/install-deps.sh does it)" >&2
  exit 1
fi
# initdb and postgres refuse to run as root: run them as the postgres account the package made.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

stop() {
  if [ -f "$folder/cluster_dir" ]; then
    local cluster; cluster="$(cat "$folder/cluster_dir")"
    if [ -f "$cluster/data/postmaster.pid" ]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$cluster"
  fi
  rm -rf "$folder"
}

case "$action" in
  stop) stop ;;
  start)
    stop  # a cluster left by an interrupted run
    mkdir -p "$folder"
    cluster="$(mktemp -d /tmp/pf-pg.XXXXXX)"
    echo "$cluster" > "$folder/cluster_dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$cluster"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$folder/initdb.log" 2>&1 || { cat "$folder/initdb.log" >&2; exit 1; }
    # A test server: durability off (a crash loses only test data), room for every test's
    # connections at -j2 plus the multi-node tests' pools.
    "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start -o \
      "-c listen_addresses='' -k $cluster -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$cluster&port=5432&user=postgres" > "$folder/uri"
    echo "postgres_server.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $cluster"
    ;;
  *) echo "usage: postgres_server.sh start|stop FOLDER" >&2; exit 2 ;;
esac
