#!/usr/bin/env bash
# Browser-test prerequisites, installed only when missing: Debian's chromium (Playwright drives it
# through executable_path; no browser download) and axe-core from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "WARNING: chromium is missing and cannot be installed here (needs root and apt-get); browser tests will be skipped" >&2
  fi
fi

axe=tests/browser/node_modules/axe-core/axe.min.js
stamp=tests/browser/node_modules/.lock-hash
want=$(sha256sum tests/browser/package-lock.json | cut -c1-16)
if [ ! -f "$axe" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "==> installing axe-core (npm ci in tests/browser)"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  else
    echo "WARNING: npm is missing; the axe-core check will be skipped" >&2
  fi
fi
