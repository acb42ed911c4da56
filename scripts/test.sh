#!/usr/bin/env bash
# The whole test suite: bot data validation, story tests, action tests, bridge/knowledge/e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD SQLALCHEMY_SILENCE_UBER_WARNING=1

# pytest exit code 5 means "no tests collected": treat it as a failure, never as a pass.
run_pytest() {
  local status=0
  "$@" || status=$?
  if [ "$status" -eq 5 ]; then echo "ERROR: pytest collected no tests: $*" >&2; return 1; fi
  return "$status"
}

scripts/lint.sh

echo "==> rasa data validate"
.venvs/rasa/bin/rasa data validate --config config.yml --domain bot/domain --data bot/data --quiet

echo "==> rasa story tests"
.venvs/rasa/bin/rasa test core --model "models/$(cat models/CURRENT)" --stories tests/bot/test_stories.yml \
  --fail-on-prediction-errors --out var/test-results/core --quiet

echo "==> bot action tests and the shared log mechanism (Rasa environment, Python 3.10)"
run_pytest .venvs/rasa/bin/python -m pytest -q tests/bot tests/eventlog

echo "==> bridge, knowledge, connector and end-to-end tests (app environment)"
run_pytest .venvs/app/bin/python -m pytest -q tests --ignore=tests/bot "$@"
