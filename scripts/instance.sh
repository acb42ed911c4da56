#!/usr/bin/env bash
# Start instance i of a scaled process (Procfile, Procfile.productie), always by `exec`: supervisord
# holds the program's own pid, so its signals (stop, restart) reach the program and not a shell.
# Usage: scripts/instance.sh rasa ENDPOINTS_FILE | actions | telegram
# supervisord names the instances rasa.1 .. rasa.N (SUPERVISOR_PROCESS_NAME, see scripts/supervise.py).
# Instance i listens on the i-th port of RASA_PORTS (or ACTIONS_PORTS); Rasa server i calls action
# server i (pairs), or the only one when ACTIONS_PORTS has one port (the default profile).
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: instance.sh rasa ENDPOINTS_FILE|actions|telegram}
name=${SUPERVISOR_PROCESS_NAME:?instance.sh runs under supervisord (scripts/run.py), which names each instance}
index=${name##*.}
[[ $index =~ ^[0-9]+$ ]] || { echo "instance.sh: SUPERVISOR_PROCESS_NAME must end in .<number>, not $name" >&2; exit 2; }
IFS=, read -ra rasa_ports <<< "${RASA_PORTS:?}"
IFS=, read -ra actions_ports <<< "${ACTIONS_PORTS:?}"
i=$((index - 1))

case "$kind" in
  rasa)
    endpoints=${2:?usage: instance.sh rasa ENDPOINTS_FILE}
    export ACTIONS_PORT=${actions_ports[$((i % ${#actions_ports[@]}))]}
    exec .venvs/rasa/bin/python -m bot.rasa_server run --model "$RASA_MODEL" --endpoints "$endpoints" \
      --credentials credentials.yml --enable-api --auth-token="$RASA_TOKEN" -i 127.0.0.1 -p "${rasa_ports[$i]:?no port for $name}" ;;
  actions)
    # `rasa run actions` with a token, on ACTIONS_HOST (127.0.0.1): bot/action_server.py
    exec .venvs/rasa/bin/python -m bot.action_server --actions bot.actions -p "${actions_ports[$i]:?no port for $name}" ;;
  telegram)
    # Webhook mode: the TLS proxy spreads Telegram's calls over these ports; the instances share their state.
    IFS=, read -ra telegram_ports <<< "${TELEGRAM_WEBHOOK_PORTS:?}"
    export TELEGRAM_WEBHOOK_PORT=${telegram_ports[$i]:?no port for $name}
    exec .venvs/app/bin/python -m connectors.telegram ;;
  *) echo "instance.sh: unknown process $kind" >&2; exit 2 ;;
esac
