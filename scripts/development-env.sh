#!/usr/bin/env bash
# Writes the development checkout's settings file (var/development.env, or DEVELOPMENT_ENV_FILE) once: DEBUG on
# and a secret key of its own, so that `.venv/bin/python manage.py ...` typed here works as `make run` does.
# var/ is ignored by git and left out of the Docker image; production never reads such a file.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${DEVELOPMENT_ENV_FILE-var/development.env}
[ -n "$file" ] || exit 0
[ -f "$file" ] && exit 0
mkdir -p "$(dirname "$file")"
key=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
umask 077
cat > "$file" <<ENV
# Written by make run for this development checkout; manage.py commands run here read it.
# Variables set in the environment win. Delete the file to make a new secret key.
DEBUG=true
SECRET_KEY=$key
ENV
