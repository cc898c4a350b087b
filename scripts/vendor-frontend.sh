#!/usr/bin/env bash
# Refreshes the vendored front-end assets under static/vendor/ from the npm registry.
# Run by hand when upgrading; a fresh machine needs no Node because the results are committed.
set -euo pipefail
NHSUK_FRONTEND_VERSION=10.6.1   # matches nhsuk-frontend-jinja 0.10.2 (pyproject.toml)
HTMX_VERSION=2.0.11
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$NHSUK_FRONTEND_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null)
tar xzf "$work/nhsuk-frontend-$NHSUK_FRONTEND_VERSION.tgz" -C "$work"
rm -rf static/vendor/nhsuk-frontend static/vendor/htmx
mkdir -p static/vendor/nhsuk-frontend static/vendor/htmx
dist="$work/package/dist/nhsuk"
# The stylesheet expects its images at /assets/; point it at where we serve them.
sed 's#url(/assets/#url(/static/vendor/nhsuk-frontend/assets/#g' "$dist/nhsuk-frontend.min.css" \
  | sed 's#/\*\# sourceMappingURL=[^*]*\*/##' > static/vendor/nhsuk-frontend/nhsuk-frontend.min.css
sed 's#//\# sourceMappingURL=.*##' "$dist/nhsuk-frontend.min.js" > static/vendor/nhsuk-frontend/nhsuk-frontend.min.js
cp -r "$dist/assets" static/vendor/nhsuk-frontend/assets
tar xzf "$work/htmx.org-$HTMX_VERSION.tgz" -C "$work" package/dist/htmx.min.js
cp "$work/package/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
printf 'nhsuk-frontend %s\nhtmx.org %s\n' "$NHSUK_FRONTEND_VERSION" "$HTMX_VERSION" > static/vendor/VERSIONS
