#!/usr/bin/env bash
# Builds the images that `make up` needs from Debian's packages, for a machine that reaches Debian's mirror but
# no image registry (docs/docker.md):
#   alwaysevents/debian:trixie    Debian 13 by debootstrap (Python 3.13 with venv): the Dockerfile's BASE_IMAGE;
#                                 it trusts the certificate authorities in this machine's /usr/local/share/ca-certificates
#   alwaysevents/postgres:17      Debian's PostgreSQL 17, configured by POSTGRES_* like Docker Hub's postgres
#   alwaysevents/redis:8          Debian's Redis
# Each is built only when it is missing; REBUILD=1 builds them again. Needs root, docker and debootstrap.
set -euo pipefail
cd "$(dirname "$0")"
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie   # bookworm's Python is 3.11; the project needs 3.12 or newer
BASE=${BASE_IMAGE:-alwaysevents/debian:trixie}
POSTGRES=${POSTGRES_IMAGE:-alwaysevents/postgres:17}
REDIS=${REDIS_IMAGE:-alwaysevents/redis:8}

have() { [ -z "${REBUILD:-}" ] && docker image inspect "$1" > /dev/null 2>&1; }

if have "$BASE"; then
  echo "image: $BASE is there"
else
  command -v debootstrap > /dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap > /dev/null; }
  work=$(mktemp -d /var/tmp/alwaysevents-rootfs.XXXXXX)
  trap 'umount -R "$work/rootfs/proc" "$work/rootfs/sys" 2> /dev/null || true; rm -rf "$work"' EXIT
  echo "image: $BASE: debootstrap $SUITE from $DEBIAN_MIRROR (about a minute)"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$SUITE" "$work/rootfs" "$DEBIAN_MIRROR" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; echo "ERROR: debootstrap failed" >&2; exit 1; }
  # Certificate authorities that this machine trusts beyond Debian's (a proxy's, say): the image trusts them
  # too, or pip in the Dockerfile cannot reach PyPI through such a proxy.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/"
    chroot "$work/rootfs" update-ca-certificates > /dev/null 2>&1
  fi
  rm -rf "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/cache/apt/*.bin \
    "$work"/rootfs/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "$work/rootfs" -c . \
    | docker import --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["bash"]' \
        --message "debootstrap $SUITE $DEBIAN_MIRROR" - "$BASE" > /dev/null
  echo "image: $BASE built"
fi

build() {  # IMAGE DOCKERFILE: builds it from the base image unless it is there
  if have "$1"; then echo "image: $1 is there"; return; fi
  local log; log=$(mktemp)
  docker build --build-arg BASE_IMAGE="$BASE" -t "$1" -f "$2" . > "$log" 2>&1 \
    || { tail -n 30 "$log" >&2; rm -f "$log"; echo "ERROR: building $1 from $2 failed" >&2; exit 1; }
  rm -f "$log"
  echo "image: $1 built"
}
build "$POSTGRES" postgres.Dockerfile
build "$REDIS" redis.Dockerfile
