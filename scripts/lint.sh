#!/usr/bin/env bash
# Static checks (settings in pyproject.toml), run first by `make check` and `make test`, and by pre-commit:
# ruff lint and format check on everything; mypy strict on the bridge, the connectors, the contract and eventlog;
# mypy on bot/ against Rasa's environment (Python 3.10).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD

echo "==> ruff (lint, format)"
.venvs/app/bin/ruff check --quiet .
.venvs/app/bin/ruff format --check --quiet .
echo "==> mypy (strict: bridge, connectors, contract, eventlog)"
.venvs/app/bin/mypy bridge connectors contract eventlog
echo "==> mypy (bot, in the Rasa environment)"
.venvs/app/bin/mypy --python-executable .venvs/rasa/bin/python --python-version 3.10 -p bot
