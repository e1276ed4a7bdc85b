#!/usr/bin/env bash
# Start the action server, the Rasa server and the web page on 127.0.0.1, wait until each
# is really ready (then print READY), restart any that dies (backoff 1 s doubling to 30 s,
# logged to $RUN_DIR/supervisor.log) and stop all of them on Ctrl-C.
# Fails only when a server cannot start at all.
# Ports: ACTION_PORT (5055), RASA_PORT (5005), WEB_PORT (8080). Logs: $RUN_DIR/*.log.
# The supervisor is bot/ops/supervisor.py; the servers are listed in bot/ops/local_run.py.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export ACTION_PORT="${ACTION_PORT:-5055}" RASA_PORT="${RASA_PORT:-5005}" WEB_PORT="${WEB_PORT:-8080}"
export TRACKER_DB="${TRACKER_DB:-$PWD/tracker.db}"
export BIND_HOST="${BIND_HOST:-127.0.0.1}"
export RUN_DIR="${RUN_DIR:-$PWD/run}"
export RASA_MODEL="${RASA_MODEL:-models/bot.tar.gz}"
export READY_TIMEOUT="${READY_TIMEOUT:-180}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT}"
mkdir -p "$RUN_DIR"

exec .venv/bin/python -m bot.ops.local_run
