#!/usr/bin/env bash
# Benchmarks: each prints its figure beside its target. Performance is measured here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
benches=(benchmarks/bench_*.py)
if [ ${#benches[@]} -eq 0 ]; then echo "No benchmarks yet."; exit 0; fi
status=0
for bench in "${benches[@]}"; do
  echo "== $bench"
  .venv/bin/python "$bench" || status=1
done
exit $status
