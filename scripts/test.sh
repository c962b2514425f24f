#!/usr/bin/env bash
# Runs every test of Hpo against real services: installs PostgreSQL (and Chromium for the dashboard's
# browser tests) from Debian's packages when missing, starts a throwaway cluster on 127.0.0.1 (a free port, a temp folder), exports its connection
# string as HPO_TEST_POSTGRES and the binaries' folder as HPO_TEST_PG_BIN, runs `dotnet test` on the solution, and always removes the cluster.
# Exits with the tests' status. Works as root on a fresh Debian 12 machine and as a normal user.
# A full run (no arguments, as CI calls it) then runs scripts/package-test.sh: the packages and the hpo
# tool, packed to a local feed and used from outside the repository (HPO_PACKAGE_TEST=0 skips it,
# HPO_PACKAGE_TEST=1 runs it after a narrowed run too).
#
# Usage: scripts/test.sh [PROJECT.csproj] [extra dotnet test arguments, e.g. --filter Category!=Slow]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

pg_bin="$(find_pg_bin || true)"
if [ -z "$pg_bin" ]; then
  log "PostgreSQL not found; installing it from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(find_pg_bin)"
fi
log "PostgreSQL binaries: $pg_bin"

# The dashboard's browser tests drive Debian's Chromium through chromedriver.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "Chromium not found; installing chromium and chromium-driver from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# A free port: the first one from 54329 up that nothing listens on.
port=54329
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

pg_dir="$(mktemp -d -t hpo-pg-XXXXXX)"
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$pg_dir" --shell /usr/sbin/nologin postgres
  chown postgres "$pg_dir"
fi

cleanup() {
  local status=$?
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  log "cluster stopped and removed"
  exit "$status"
}
trap cleanup EXIT INT TERM

run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
# Throwaway cluster: durability settings off (the data dies with the run), enough connections for the
# concurrency and chaos tests.
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
log "PostgreSQL started on 127.0.0.1:$port ($pg_dir)"

export HPO_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
# Tests that must restart a server start clusters of their own from these binaries (never this shared one).
export HPO_TEST_PG_BIN="$pg_bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# An optional first argument naming a project or solution narrows the run (e.g. while developing one area).
target=Hpo.sln
package_test="${HPO_PACKAGE_TEST:-}"
if [ -z "$package_test" ]; then package_test=$([ "$#" -eq 0 ] && echo 1 || echo 0); fi
case "${1:-}" in *.csproj|*.sln) target="$1"; shift ;; esac
status=0
test_log="$pg_dir/dotnet-test.log"
dotnet test "$target" -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$test_log" || status=$?
# One closing line over every test project (dotnet test prints a summary per project).
count() { awk -v k="$1" '$1 == k":" && $2 ~ /^[0-9]+$/ && NF == 2 { s += $2 } END { print s + 0 }' "$test_log"; }
echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
if [ "$status" -ne 0 ]; then
  log "tests failed (exit $status); server log tail:"
  tail -n 20 "$pg_dir/server.log" >&2 || true
elif [ "$package_test" = 1 ]; then
  log "tests passed; running scripts/package-test.sh"
  "$repo/scripts/package-test.sh" || status=$?
  [ "$status" -eq 0 ] || log "package test failed (exit $status)"
fi
exit "$status"
