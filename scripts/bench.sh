#!/usr/bin/env bash
# Benchmarks: each prints its figure beside its target. Performance is measured here, never in tests.
# bench_web.py needs PostgreSQL and Redis: it uses DATABASE_URL / REDIS_URL when set, else PostgreSQL and Redis
# on 127.0.0.1 when they answer (its data goes in its own database, alwaysevents_bench, and Redis db 13).
# The other benchmarks make their own throw-away databases and are given neither.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
shopt -s nullglob
benches=(benchmarks/bench_*.py)
if [ ${#benches[@]} -eq 0 ]; then echo "No benchmarks yet."; exit 0; fi

reachable() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), timeout=1)" 2>/dev/null; }
web_database=${DATABASE_URL:-}
web_redis=${REDIS_URL:-}
if [ -z "$web_database" ] && reachable 5432; then web_database="postgres://postgres@127.0.0.1:5432/alwaysevents"; fi
if [ -z "$web_redis" ] && reachable 6379; then web_redis="redis://127.0.0.1:6379/13"; fi

status=0
for bench in "${benches[@]}"; do
  echo "== $bench"
  if [ "$bench" = benchmarks/bench_web.py ]; then
    DATABASE_URL="$web_database" REDIS_URL="$web_redis" $PY "$bench" || status=1
  else
    $PY "$bench" || status=1
  fi
done
exit $status
