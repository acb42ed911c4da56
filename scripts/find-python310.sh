#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 does not install on 3.11+).
# Looks at $RASA_PYTHON, then python3.10 on PATH, then pyenv's installed versions.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

for candidate in "${RASA_PYTHON:-}" python3.10; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && is_310 "$candidate"; then
    command -v "$candidate"; exit 0
  fi
done

if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)"/versions/3.10*; do
    if [ -x "$dir/bin/python3.10" ] && is_310 "$dir/bin/python3.10"; then
      echo "$dir/bin/python3.10"; exit 0
    fi
  done
fi

cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 needs Python 3.10 (it does not install on 3.11+).
Install one, for example:  pyenv install 3.10   (or: apt install python3.10 python3.10-venv)
or point RASA_PYTHON at a python3.10 binary.
MSG
exit 1
