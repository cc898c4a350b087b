#!/usr/bin/env bash
# The whole suite: lint, Django checks, the tenancy lint, then unit, integration and browser tests.
# Uses DATABASE_URL / REDIS_URL when set, else PostgreSQL and Redis on 127.0.0.1 when they answer.
# With CI=true a missing PostgreSQL, Redis or Chromium is an error, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ci=${CI:-false}

reachable() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), timeout=1)" 2>/dev/null; }
missing() {
  if [ "$ci" = "true" ]; then echo "ERROR: $1 is required in CI but is not available." >&2; exit 1; fi
  echo "NOTE: $1 is not available; the tests that need it will be skipped (this is an error in CI)." >&2
}

if [ -z "${DATABASE_URL:-}" ]; then
  if reachable 5432; then export DATABASE_URL="postgres://postgres@127.0.0.1:5432/alwaysevents"
  else missing "PostgreSQL on 127.0.0.1:5432"; fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if reachable 6379; then export REDIS_URL="redis://127.0.0.1:6379/15"
  else missing "Redis on 127.0.0.1:6379"; fi
fi
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM_PATH" ] || missing "Chromium at $CHROMIUM_PATH"

# Production defaults, less HTTPS (the test servers speak plain HTTP on loopback).
export DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production
export DEVELOPMENT_ENV_FILE=  # never the checkout's var/development.env, which `make run` may have written
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export STATIC_MANIFEST=false
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export CELERY_TASK_DEFAULT_QUEUE="ae-test-$$" CACHE_KEY_PREFIX="ae-test-$$"
export VAR_DIR=${VAR_DIR:-$(mktemp -d)}

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== django checks"
$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run > /dev/null || { echo "ERROR: models changed without a migration" >&2; exit 1; }
echo "== tenancy lint"
$PY scripts/lint_tenancy.py
echo "== pytest"
$PY -m pytest "$@"
