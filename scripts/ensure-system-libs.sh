#!/usr/bin/env bash
# System libraries the app environment needs at run time, from Debian's packages, installed only when missing:
# pango (with HarfBuzz and fontconfig) and a font for WeasyPrint, which makes the plan's PDF (issue 15).
# Like scripts/ensure-test-tools.sh: apt-get as root; otherwise a warning (the PDF download then answers an error).
set -euo pipefail

declare -A package_of=([libpango-1.0.so.0]=libpango-1.0-0 [libpangoft2-1.0.so.0]=libpangoft2-1.0-0
                       [libharfbuzz.so.0]=libharfbuzz0b [libharfbuzz-subset.so.0]=libharfbuzz-subset0
                       [libfontconfig.so.1]=libfontconfig1)
missing=()
for library in "${!package_of[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$library" || missing+=("${package_of[$library]}")
done
if ! fc-list 2>/dev/null | grep -qi .; then
  missing+=(fonts-dejavu-core)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${missing[*]} (Debian packages, for the plan's PDF)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fontconfig >/dev/null
  else
    echo "WARNING: ${missing[*]} missing and cannot be installed here (needs root and apt-get); the plan's PDF will not work" >&2
  fi
fi
