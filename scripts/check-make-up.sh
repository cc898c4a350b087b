#!/usr/bin/env bash
# Proves `make up` end to end: starts Docker's engine if it is not running (installing it from Debian's packages
# when it is missing), makes sure the images are there (Docker Hub's, or ones built from Debian's packages when
# no image registry answers), runs what `make up` runs (`docker compose up --build`, detached, as a compose
# project of its own on a port of its own), waits for /healthz, signs in as a demo user, asks for a project's PDF
# report, waits for the Celery worker to render it, downloads it and checks that it is a PDF, then stops the
# stack and removes its volumes. Exits non-zero with a message on any failure; prints how long each step took.
# Safe to run again: a stack left by an earlier run of the same project name is removed first.
#
#   scripts/check-make-up.sh                      # as above
#   CHECK_IMAGES=debian scripts/check-make-up.sh  # always use the images built from Debian's packages
#   KEEP_STACK=1 scripts/check-make-up.sh         # leave the stack running afterwards (stop: see the last line)
#
# Settings: COMPOSE_PROJECT_NAME (alwaysevents-check), WEB_PORT (18000), CHECK_LOGIN (lead@example.org),
# DEMO_PASSWORD (demo-always-events), CHECK_IMAGES (auto | registry | debian), CHECK_DIR (/tmp/check-make-up:
# the logs, the cookie jar and the downloaded PDF), HEALTH_TIMEOUT / REPORT_TIMEOUT in seconds (300 / 300).
set -euo pipefail
cd "$(dirname "$0")/.."

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-alwaysevents-check}
export WEB_PORT=${WEB_PORT:-18000}
LOGIN=${CHECK_LOGIN:-lead@example.org}
PASSWORD=${DEMO_PASSWORD:-demo-always-events}
IMAGES=${CHECK_IMAGES:-auto}
DIR=${CHECK_DIR:-/tmp/check-make-up}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-300}
REPORT_TIMEOUT=${REPORT_TIMEOUT:-300}
BASE_URL="http://127.0.0.1:$WEB_PORT"
REGISTRY_IMAGES=(python:3.12-slim-bookworm postgres:16 redis:7)
export DEBIAN_FRONTEND=noninteractive

mkdir -p "$DIR"
rm -f "$DIR"/{cookies.txt,page.html,report.pdf,up.log,compose.log}
started=$(date +%s)
step_started=$started
timings=()
say() { echo "[check-make-up +$(($(date +%s) - started))s] $*"; }
fail() { echo "[check-make-up] FAILED: $*" >&2; exit 1; }
done_step() {  # records how long the step that just ended took
  local now; now=$(date +%s)
  timings+=("$(printf '%-28s %5ss' "$1" $((now - step_started)))")
  step_started=$now
}

# --- Docker's engine and compose v2 -------------------------------------------------------------------------
apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then apt-get update -qq; apt_updated=true; fi
  apt-get install -y -qq "$@" > /dev/null
}

if ! docker info > /dev/null 2>&1; then
  if ! command -v dockerd > /dev/null; then
    say "installing Docker's engine from Debian's packages (docker.io)"
    apt_install docker.io
  fi
  say "starting dockerd (log: /var/log/dockerd.log)"
  # No systemd here: dockerd runs in the background, detached from this script, and stays up for the next run.
  setsid nohup dockerd > /var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info > /dev/null 2>&1 && break; sleep 1; done
  docker info > /dev/null 2>&1 || { tail -n 20 /var/log/dockerd.log >&2; fail "dockerd did not start"; }
fi

if ! docker compose version > /dev/null 2>&1; then
  # bookworm's docker-compose is v1 (`docker-compose`); the Makefile's `docker compose` is v2, which Debian 13
  # packages as docker-compose (a static binary that needs only libc6). apt fetches it from trixie, with lists
  # of its own, leaving the machine's sources alone.
  say "installing compose v2 (Debian 13's docker-compose package)"
  apt_tmp=$(mktemp -d)
  mkdir -p "$apt_tmp/lists/partial" "$apt_tmp/cache/archives/partial"
  echo "deb ${DEBIAN_MIRROR:-http://deb.debian.org/debian} trixie main" > "$apt_tmp/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_tmp/sources.list" -o "Dir::Etc::SourceParts=$apt_tmp/none"
    -o "Dir::State::Lists=$apt_tmp/lists" -o "Dir::Cache=$apt_tmp/cache" -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$apt_tmp" && apt-get "${apt_opts[@]}" download -qq docker-compose)
  dpkg -i "$apt_tmp"/docker-compose_*.deb > /dev/null
  rm -rf "$apt_tmp"
  docker compose version > /dev/null 2>&1 || fail "docker compose does not work after installing docker-compose"
fi
say "$(docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}'), $(docker compose version)"
done_step "engine"

# --- Images ---------------------------------------------------------------------------------------------------
registry_images() {
  local image
  for image in "${REGISTRY_IMAGES[@]}"; do
    docker image inspect "$image" > /dev/null 2>&1 && continue
    timeout 600 docker pull -q "$image" > /dev/null 2>&1 || return 1
  done
}
case "$IMAGES" in
  auto | registry)
    if registry_images; then
      IMAGES=registry
    elif [ "$IMAGES" = registry ]; then
      fail "could not pull ${REGISTRY_IMAGES[*]} from the image registry"
    else
      say "no image registry answers: building the images from Debian's packages"
      IMAGES=debian
    fi
    ;;
  debian) ;;
  *) fail "CHECK_IMAGES is auto, registry or debian, not '$IMAGES'" ;;
esac
if [ "$IMAGES" = debian ]; then
  export BASE_IMAGE=alwaysevents/debian:trixie POSTGRES_IMAGE=alwaysevents/postgres:17 \
    REDIS_IMAGE=alwaysevents/redis:8
  docker/build-base-image.sh
fi
say "images: $IMAGES (base ${BASE_IMAGE:-python:3.12-slim-bookworm}, ${POSTGRES_IMAGE:-postgres:16}," \
  "${REDIS_IMAGE:-redis:7})"
done_step "images ($IMAGES)"

# --- The stack --------------------------------------------------------------------------------------------------
stop_stack() {
  docker compose logs --no-color > "$DIR/compose.log" 2>&1 || true
  docker compose down -v --remove-orphans > /dev/null 2>&1 || true
}
finish() {
  local status=$?
  trap - EXIT
  if [ "$status" -ne 0 ]; then
    echo "--- docker compose ps ---" >&2
    docker compose ps -a >&2 2>&1 || true
    echo "--- the last lines of each service's log (all of it: $DIR/compose.log) ---" >&2
    docker compose logs --no-color --tail 25 >&2 2>&1 || true
  fi
  if [ -n "${KEEP_STACK:-}" ]; then
    say "the stack is still running at $BASE_URL; stop it with: COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME docker compose down -v"
  else
    stop_stack
    [ "$status" -eq 0 ] && done_step "docker compose down -v"
  fi
  if [ "$status" -eq 0 ]; then
    echo "[check-make-up] timings:"
    printf '  %s\n' "${timings[@]}"
    echo "[check-make-up] OK: make up works ($(($(date +%s) - started))s in all; logs in $DIR)"
  fi
  exit "$status"
}
trap finish EXIT

docker compose down -v --remove-orphans > /dev/null 2>&1 || true   # what an earlier run left
say "docker compose up --build -d (project $COMPOSE_PROJECT_NAME, web on $BASE_URL; log: $DIR/up.log)"
if ! docker compose up --build -d > "$DIR/up.log" 2>&1; then
  tail -n 40 "$DIR/up.log" >&2
  fail "docker compose up --build -d failed"
fi
done_step "docker compose up --build -d"

say "waiting for $BASE_URL/healthz (migrations and the demo data come first)"
deadline=$(($(date +%s) + HEALTH_TIMEOUT))
until curl -fsS --max-time 5 "$BASE_URL/healthz" 2> /dev/null | grep -q '"status": *"ok"'; do
  if [ -n "$(docker compose ps -a --status exited -q web)" ]; then fail "the web container exited"; fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "$BASE_URL/healthz did not answer ok within ${HEALTH_TIMEOUT}s"
  sleep 2
done
for service in web worker beat db redis; do
  [ -n "$(docker compose ps --status running -q "$service")" ] || fail "the $service service is not running"
done
done_step "healthz ok"

# --- Sign in ----------------------------------------------------------------------------------------------------
jar="$DIR/cookies.txt"
http() { curl -sS --max-time 30 -b "$jar" -c "$jar" "$@"; }
csrf_of() { { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$1" || true; } | head -n 1 | sed 's/.*value="//; s/"$//'; }
get_page() {  # PATH: fetches it into page.html; fails unless it answers 200
  local code
  code=$(http -o "$DIR/page.html" -w '%{http_code}' "$BASE_URL$1") || fail "GET $1 did not answer"
  [ "$code" = 200 ] || fail "GET $1 answered $code (the web service's log is below)"
}

get_page /accounts/login/
token=$(csrf_of "$DIR/page.html")
[ -n "$token" ] || fail "no CSRF token on the sign-in page"
status=$(http -o /dev/null -w '%{http_code} %{redirect_url}' -e "$BASE_URL/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "login=$LOGIN" \
  --data-urlencode "password=$PASSWORD" "$BASE_URL/accounts/login/") || fail "POST /accounts/login/ did not answer"
case "$status" in
  "302 $BASE_URL/" | "302 $BASE_URL/?"*) ;;
  *) fail "signing in as $LOGIN answered '$status', not a redirect to the home page" ;;
esac
get_page /
project=$(grep -oE '/projects/[0-9a-f-]{36}/' "$DIR/page.html" | head -n 1 || true)
[ -n "$project" ] || fail "signed in as $LOGIN, but the home page links to no project"
say "signed in as $LOGIN; project $project"
done_step "sign in"

# --- A PDF report -------------------------------------------------------------------------------------------------
get_page "${project}reports/new/"
token=$(csrf_of "$DIR/page.html")
[ -n "$token" ] || fail "no CSRF token on ${project}reports/new/"
run=$(http -o /dev/null -w '%{redirect_url}' -e "$BASE_URL${project}reports/new/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "kind=pdf" "$BASE_URL${project}reports/new/") \
  || fail "POST ${project}reports/new/ did not answer"
[[ "$run" =~ /reports/[0-9a-f-]{36}/$ ]] || fail "asking for a PDF report did not lead to its page (got '$run')"
say "asked for a PDF report: $run"
deadline=$(($(date +%s) + REPORT_TIMEOUT))
while :; do
  http -o "$DIR/page.html" -H "HX-Request: true" "$run" || fail "GET $run did not answer"
  grep -q "Your report is ready" "$DIR/page.html" && break
  if grep -q "could not be made" "$DIR/page.html"; then
    fail "the report failed: $(sed -e 's/<[^>]*>//g' "$DIR/page.html" | tr -s ' \n' ' ' | head -c 400)"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "the report was not ready within ${REPORT_TIMEOUT}s (is the worker up?)"
  sleep 1
done
done_step "PDF rendered by the worker"
code=$(http -o "$DIR/report.pdf" -w '%{http_code}' "${run}download/") || fail "GET ${run}download/ did not answer"
[ "$code" = 200 ] || fail "downloading the report answered $code"
[ "$(head -c 4 "$DIR/report.pdf")" = "%PDF" ] || fail "the download is not a PDF: $(head -c 60 "$DIR/report.pdf")"
say "downloaded a PDF of $(wc -c < "$DIR/report.pdf") bytes: $DIR/report.pdf"
done_step "PDF downloaded"
