#!/usr/bin/env bash
# Test prerequisites from Debian's packages, installed only when missing: chromium (Playwright drives it
# through executable_path; no browser download), caddy and docker-compose (tests/production/test_deploy_files.py
# validates deploy/Caddyfile and deploy/compose.yaml with them; no Docker engine needed); then axe-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A package_of=([chromium]=chromium [caddy]=caddy [docker-compose]=docker-compose)
missing=()
for program in "${!package_of[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${package_of[$program]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "WARNING: ${missing[*]} missing and cannot be installed here (needs root and apt-get); their tests will be skipped" >&2
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
