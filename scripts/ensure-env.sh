#!/usr/bin/env bash
# Create or update one of the project's virtualenvs from its lock file.
# Usage: scripts/ensure-env.sh rasa|app
# Installs only when the venv is missing or the lock file changed (hash stamp),
# so a second run costs a fraction of a second.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:?usage: ensure-env.sh rasa|app}
venv=".venvs/$name"
lock="requirements/$name.lock"
stamp="$venv/.lock-sha256"

case "$name" in
  rasa) python=$(scripts/find-python310.sh) ;;
  app)  python=${APP_PYTHON:-python3} ;;
  *) echo "unknown environment: $name" >&2; exit 2 ;;
esac

want=$(sha256sum "$lock" | cut -d' ' -f1)
# Two commands started at once (make run + make test) must not install into the same venv together.
mkdir -p .venvs
exec 9>".venvs/.$name.install-lock"
flock 9
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "==> installing the $name environment from $lock (one time)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
"$venv/bin/python" -m pip check >/dev/null || { "$venv/bin/python" -m pip check; exit 1; }
echo "$want" > "$stamp"
