#!/usr/bin/env bash
# Benchmarks: each prints its figure beside its target. Performance is measured here, never in tests.
# bench_web.py, bench_dashboards.py and bench_reports.py need PostgreSQL and Redis: they use DATABASE_URL /
# REDIS_URL when set, else PostgreSQL and Redis on 127.0.0.1 when they answer. Their data goes in databases of
# their own: alwaysevents_bench (web, dashboards; Redis db 13), alwaysevents_bench_x10 (the dashboards' cohort
# scaled ten times) and alwaysevents_bench_reports (Redis db 12).
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
  case "$bench" in benchmarks/bench_web.py|benchmarks/bench_reports.py|benchmarks/bench_dashboards.py) web=1 ;; *) web= ;; esac
  if [ -n "$web" ]; then
    DATABASE_URL="$web_database" REDIS_URL="$web_redis" $PY "$bench" || status=1
  else
    $PY "$bench" || status=1
  fi
done
exit $status
