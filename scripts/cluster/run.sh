#!/usr/bin/env bash
# make run-cluster: PostgreSQL (tracker store), Redis (lock store), RASA_REPLICAS Rasa replicas
# (2) and ACTION_SERVERS action servers (2) behind haproxy, and the web page, all on 127.0.0.1,
# supervised (a server that dies is restarted). Prints READY and where to go, then asks one
# question through the load balancer. Ctrl-C stops everything.
#
# Ports: RASA_PORT (5005, the load balancer: REST, socket.io, HTTP API), ACTION_PORT (5055,
# the load balancer in front of the action servers), WEB_PORT (8080), RASA_REPLICA_PORT (5010,
# 5011, ...), ACTION_SERVER_PORT (5060, 5061, ...), DB_PORT (5433), REDIS_PORT (6380).
# Use servers elsewhere with DB_HOST / REDIS_HOST (then none is started here).
# Passwords and RASA_AUTH_TOKEN: from the environment, else generated once into
# CLUSTER_ENV (run/cluster.env, git-ignored). Logs and data: CLUSTER_DIR (run/cluster).
# The launcher is bot/ops/cluster.py; docs/deployment.md explains the topology.
set -euo pipefail
cd "$(dirname "$0")/../.."

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export RASA_PORT="${RASA_PORT:-5005}" ACTION_PORT="${ACTION_PORT:-5055}" WEB_PORT="${WEB_PORT:-8080}"
export RASA_REPLICAS="${RASA_REPLICAS:-2}" ACTION_SERVERS="${ACTION_SERVERS:-2}"
export BIND_HOST="${BIND_HOST:-127.0.0.1}"
export CLUSTER_DIR="${CLUSTER_DIR:-$PWD/run/cluster}" CLUSTER_ENV="${CLUSTER_ENV:-$PWD/run/cluster.env}"
export RASA_MODEL="${RASA_MODEL:-models/bot.tar.gz}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT}"

missing=()
command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
if [[ -z "${DB_HOST:-}" ]] && ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then missing+=(postgresql); fi
if [[ -z "${REDIS_HOST:-}" ]] && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if ((${#missing[@]})); then
  echo "Missing Debian packages: ${missing[*]} (apt-get install -y ${missing[*]}; .ci/run installs them)." >&2
  exit 1
fi
mkdir -p "$CLUSTER_DIR"
exec .venv/bin/python -m bot.ops.cluster
