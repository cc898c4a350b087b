#!/usr/bin/env bash
# Starts the web server and a Celery worker on the embedded defaults (SQLite, filesystem broker, no Redis),
# with the demo data loaded. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-true}
export MFA_REQUIRED_ROLES=${MFA_REQUIRED_ROLES-}   # the demo logins have no authenticator app; see README
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
export PYTHONUNBUFFERED=1
PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}  # links in emails
PY=.venv/bin/python
var=${VAR_DIR:-var}
mkdir -p "$var/broker" "$var/broker-processed"
scripts/development-env.sh

$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo > /dev/null

# The worker shares this terminal, so the emails it sends (console backend) are printed here.
.venv/bin/celery -A alwaysevents --quiet worker -Q default,pdf --loglevel WARNING --pool solo &
worker=$!
sleep 3
kill -0 "$worker" 2>/dev/null || { echo "The Celery worker did not start; see the message above." >&2; exit 1; }
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null; exit 0' INT TERM EXIT

cat <<MSG

  Always Events is running at http://127.0.0.1:$PORT/
  A Celery worker is running too. Emails are printed here. Press Ctrl-C to stop both.

  Demo logins (password: ${DEMO_PASSWORD:-demo-always-events})
    admin@example.org        programme admin
    coach@example.org        coach of cohorts 1 and 2
    buddy@example.org        buddy of the RNOH project
    ics@example.org          viewer of the Somerset system
    lead@example.org         team member, RNOH project
    partner@example.org      patient partner, RNOH project
    other@example.org        team member of a Derbyshire project
    region@example.org       regional team, South West
    partner-org@example.org  staff of a home care agency, Greater Manchester project
    tyneside@example.org     team member, South Tyneside project (uptake by deprivation quintile)

MSG
$PY manage.py runserver "127.0.0.1:$PORT" --noreload
