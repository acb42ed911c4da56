#!/usr/bin/env bash
# The fast inner loop (`make check`, under 3 minutes): the static checks (scripts/lint.sh), then the unit tests that need no trained model, no
# running processes and no PostgreSQL. `make test` runs everything (both databases, e2e, browser).
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD SQLALCHEMY_SILENCE_UBER_WARNING=1

# pytest exit code 5 means "no tests collected": a failure here, never a pass.
run_pytest() {
  local status=0
  "$@" || status=$?
  if [ "$status" -eq 5 ]; then echo "ERROR: pytest collected no tests: $*" >&2; return 1; fi
  return "$status"
}

scripts/lint.sh || exit 1

# The two environments run side by side (one core each); the bot's output is shown when it is done.
bot_log=$(mktemp)
trap 'rm -f "$bot_log"' EXIT
# tests/eventlog runs here too: the shared log mechanism must import on the bot's Python 3.10.
run_pytest .venvs/rasa/bin/python -m pytest -q -p no:cacheprovider tests/bot tests/eventlog -m "not model" >"$bot_log" 2>&1 &
bot=$!

# The Telegram tests that run the connector against a fake Bot API (seconds each) stay in `make test`.
echo "==> contract, eventlog, bridge, knowledge, privacy and connector unit tests (app environment, SQLite only)"
app_status=0
run_pytest .venvs/app/bin/python -m pytest -q -p no:cacheprovider \
  tests/contract tests/eventlog tests/bridge tests/knowledge tests/privacy tests/connectors \
  --ignore=tests/connectors/telegram/test_multi_instance.py \
  --ignore=tests/connectors/telegram/test_telegram_connector.py \
  --ignore=tests/connectors/telegram/test_plan_command.py \
  -k "not postgresql" "$@" || app_status=1

bot_status=0
wait "$bot" || bot_status=1
echo "==> bot and eventlog unit tests (Rasa environment, without the tests that load the trained model)"
cat "$bot_log"
exit $(( app_status || bot_status ))
