#!/usr/bin/env bash
# Start instance i of a scaled process of the production profile (Procfile.productie).
# Usage: scripts/instance.sh rasa|actions|telegram
# honcho -c rasa=N names the instances rasa.1 .. rasa.N (HONCHO_PROCESS_NAME). Instance i listens on
# the i-th port of RASA_PORTS (or ACTIONS_PORTS); Rasa server i calls action server i (pairs), or the
# only one when ACTIONS_PORTS has one port.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: instance.sh rasa|actions|telegram}
index=${HONCHO_PROCESS_NAME##*.}
[[ $index =~ ^[0-9]+$ ]] || { echo "instance.sh: HONCHO_PROCESS_NAME must end in .<number>" >&2; exit 2; }
IFS=, read -ra rasa_ports <<< "${RASA_PORTS:?}"
IFS=, read -ra actions_ports <<< "${ACTIONS_PORTS:?}"
i=$((index - 1))

case "$kind" in
  rasa)
    export ACTIONS_PORT=${actions_ports[$((i % ${#actions_ports[@]}))]}
    exec .venvs/rasa/bin/python -m bot.rasa_server run --model "$RASA_MODEL" --endpoints endpoints.productie.yml \
      --credentials credentials.yml --enable-api --auth-token="$RASA_TOKEN" -i 127.0.0.1 -p "${rasa_ports[$i]:?no port for $HONCHO_PROCESS_NAME}" ;;
  actions)
    # `rasa run actions` with a token, on ACTIONS_HOST (127.0.0.1): bot/action_server.py
    exec .venvs/rasa/bin/python -m bot.action_server --actions bot.actions -p "${actions_ports[$i]:?no port for $HONCHO_PROCESS_NAME}" ;;
  telegram)
    # Webhook mode: the TLS proxy spreads Telegram's calls over these ports; the instances share their state.
    IFS=, read -ra telegram_ports <<< "${TELEGRAM_WEBHOOK_PORTS:?}"
    export TELEGRAM_WEBHOOK_PORT=${telegram_ports[$i]:?no port for $HONCHO_PROCESS_NAME}
    exec .venvs/app/bin/python -m connectors.telegram ;;
  *) echo "instance.sh: unknown process $kind" >&2; exit 2 ;;
esac
