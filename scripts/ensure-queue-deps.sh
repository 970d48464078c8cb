#!/usr/bin/env bash
# Installs what the queue-mode test (test/e2e/queue-mode.test.ts, harness/queue.js) needs, unless it
# is there: Debian's redis-server, and PostgreSQL binaries (initdb, pg_ctl, postgres; these machines
# have PostgreSQL 15 in /usr/local/bin, else Debian's postgresql). Idempotent; installing needs root.
# Usage: bash scripts/ensure-queue-deps.sh
set -euo pipefail
have_postgres() {
	command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_postgres || missing+=(postgresql)
if [ "${#missing[@]}" -eq 0 ]; then
	echo "redis-server: $(redis-server --version | head -c 40)"
	echo "postgres: $(postgres --version 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-queue-deps: missing ${missing[*]} and installing needs root (apt-get install ${missing[*]})" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-queue-deps: installing ${missing[*]} (apt-get)"
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# The Debian packages start system services where systemd runs; the harness starts its own processes.
echo "redis-server: $(redis-server --version | head -c 40)"
