#!/usr/bin/env bash
# Start the action server, the Rasa server and the web page on 127.0.0.1, wait until each
# is really ready, and stop all of them on Ctrl-C (or when one of them dies).
# Ports: ACTION_PORT (5055), RASA_PORT (5005), WEB_PORT (8080). Logs: $RUN_DIR/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export ACTION_PORT="${ACTION_PORT:-5055}" RASA_PORT="${RASA_PORT:-5005}" WEB_PORT="${WEB_PORT:-8080}"
export TRACKER_DB="${TRACKER_DB:-$PWD/tracker.db}"
HOST="${BIND_HOST:-127.0.0.1}"
RUN_DIR="${RUN_DIR:-$PWD/run}"
RASA_MODEL="${RASA_MODEL:-models/bot.tar.gz}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT}"
mkdir -p "$RUN_DIR"

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

fail() {  # name, log file, reason
  echo "FAILED: $1 $3. Last lines of $2:" >&2
  tail -n 25 "$2" >&2 || true
  exit 1
}

# Log lines that mean a server keeps running but will never be ready (e.g. Rasa without a model).
FATAL_LOG_LINES="Can't find model|Failed to load model|No model found"

wait_ready() {  # name, pid, log, check command...
  local name=$1 pid=$2 log=$3; shift 3
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "$name" "$log" "exited during start-up"
    ! grep -qE "$FATAL_LOG_LINES" "$log" || fail "$name" "$log" "could not load what it needs"
    ((SECONDS < deadline)) || fail "$name" "$log" "was not ready after ${READY_TIMEOUT}s"
    sleep 1
  done
}

rasa_has_model() {
  curl -sf "http://127.0.0.1:$RASA_PORT/status" | grep -q '"model_file": *"[^"]'
}

[[ -f "$RASA_MODEL" ]] || { echo "No trained Rasa model at $RASA_MODEL: run 'make train'." >&2; exit 1; }

.venv/bin/python -m actions.server --host "$HOST" --port "$ACTION_PORT" \
  >"$RUN_DIR/actions.log" 2>&1 &
pids+=($!); action_pid=$!

# Rasa on asyncio's own event loop, not uvloop (aiogram installs it unless DISABLE_UVLOOP):
# when the server is overloaded, uvloop leaves new connections unaccepted for 20 s and more
# while it keeps serving the old ones (docs/benchmarks.md, load section).
# shellcheck disable=SC2086
DISABLE_UVLOOP=1 SANIC_USE_UVLOOP=false .venv-rasa/bin/rasa run --enable-api -i "$HOST" -p "$RASA_PORT" -m "$RASA_MODEL" \
  --endpoints endpoints.yml --credentials credentials.yml --cors $CORS_ORIGINS \
  ${RASA_AUTH_TOKEN:+--auth-token "$RASA_AUTH_TOKEN"} >"$RUN_DIR/rasa.log" 2>&1 &
pids+=($!); rasa_pid=$!

.venv/bin/python -m http.server "$WEB_PORT" --bind "$HOST" --directory bot/web \
  >"$RUN_DIR/web.log" 2>&1 &
pids+=($!); web_pid=$!

wait_ready "action server" "$action_pid" "$RUN_DIR/actions.log" curl -sf "http://127.0.0.1:$ACTION_PORT/health"
wait_ready "web page server" "$web_pid" "$RUN_DIR/web.log" curl -sf "http://127.0.0.1:$WEB_PORT/"
wait_ready "Rasa server" "$rasa_pid" "$RUN_DIR/rasa.log" rasa_has_model

cat <<EOF
READY
  chat page:      http://127.0.0.1:$WEB_PORT/?server=http://127.0.0.1:$RASA_PORT
  Rasa REST:      http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
  action server:  http://127.0.0.1:$ACTION_PORT/health
  logs:           $RUN_DIR/{actions,rasa,web}.log
Press Ctrl-C to stop.
EOF

# Stop everything as soon as any one server exits.
wait -n "${pids[@]}" || true
echo "A server stopped unexpectedly; stopping the others (see logs in $RUN_DIR)." >&2
exit 1
