"""`make run-cluster`: the production topology on one machine, supervised.

PostgreSQL (tracker store) and Redis (lock store) first, unless DB_HOST / REDIS_HOST point
at servers elsewhere; then M action servers, N Rasa replicas (endpoints.cluster.yml, the
HTTP API behind RASA_AUTH_TOKEN), haproxy in front of both, and the web page. Everything
binds 127.0.0.1 (BIND_HOST). Settings: bot/ops/cluster_config.py; started by
scripts/cluster/run.sh: `python -m bot.ops.cluster`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import urllib.request

from bot.ops.cluster_config import ClusterSettings, haproxy_config
from bot.ops.pg_server import SERVICE_USER, LocalPostgres
from bot.ops.programs import action_program, rasa_program, web_program
from bot.ops.readiness import http_ok
from bot.ops.redis_server import LocalRedis
from bot.ops.supervisor import Program, Supervisor, run

ENDPOINTS = "endpoints.cluster.yml"
SMOKE_QUESTION = "Hvad investerede Herning i tidlig indsats?"


def data_programs(settings: ClusterSettings) -> list[Program]:
    """PostgreSQL and Redis of our own, for the ones not given as DB_HOST / REDIS_HOST."""
    programs = []
    if not settings.db_host:
        postgres = LocalPostgres(settings.run_dir / "postgres", settings.db_port, settings.db_user,
                                 settings.secrets["DB_PASSWORD"], settings.db_name)
        postgres.initialise()
        programs.append(Program("PostgreSQL", postgres.command(), settings.run_dir / "postgres.log", postgres.ready,
                                stop_signal=signal.SIGINT, user=SERVICE_USER, cwd=postgres.folder))
    if not settings.redis_host:
        redis = LocalRedis(settings.run_dir / "redis", settings.redis_port, settings.secrets["REDIS_PASSWORD"])
        redis.write_config()
        programs.append(Program("Redis", redis.command(), settings.run_dir / "redis.log", redis.ready))
    return programs


def bot_programs(settings: ClusterSettings, env: dict[str, str]) -> list[Program]:
    """Action servers, Rasa replicas, the load balancer and the web page."""
    logs, token = settings.run_dir, settings.secrets["RASA_AUTH_TOKEN"]
    cors = env.get("CORS_ORIGINS", f"http://127.0.0.1:{settings.web_port} http://localhost:{settings.web_port}").split()
    rasa_env = {**env, **settings.rasa_env()}
    programs = [action_program(f"action server {n}", settings.host, port, logs / f"actions-{n}.log", env)
                for n, port in enumerate(settings.action_ports, 1)]
    programs += [rasa_program(f"Rasa replica {n}", settings.host, port, settings.model, ENDPOINTS,
                              logs / f"rasa-{n}.log", rasa_env, cors, token)
                 for n, port in enumerate(settings.rasa_ports, 1)]
    config = settings.run_dir / "haproxy.cfg"
    config.write_text(haproxy_config(settings))
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    programs.append(Program("load balancer", [haproxy, "-f", str(config), "-db"], logs / "haproxy.log",
                            http_ok(f"http://127.0.0.1:{settings.lb_port}/"), env={**env, "RASA_AUTH_TOKEN": token}))
    programs.append(web_program(settings.host, settings.web_port, logs / "web.log", env))
    return programs


def banner(settings: ClusterSettings, secrets_file: str) -> str:
    """Where to go: the READY block."""
    lb = f"http://127.0.0.1:{settings.lb_port}"
    replicas = ", ".join(f"http://127.0.0.1:{port}" for port in settings.rasa_ports)
    actions = ", ".join(f"http://127.0.0.1:{port}" for port in settings.action_ports)
    database = "PostgreSQL of its own" if not settings.db_host else "PostgreSQL"
    return f"""READY
  chat page:        http://127.0.0.1:{settings.web_port}/?server={lb}
  REST (balanced):  {lb}/webhooks/rest/webhook
  HTTP API:         {lb}/status?token=$RASA_AUTH_TOKEN   (token in {secrets_file})
  Rasa replicas:    {replicas}
  action servers:   {actions}  (balanced: http://127.0.0.1:{settings.action_lb_port}/webhook)
  tracker store:    {database} at {settings.db_host or '127.0.0.1'}:{settings.db_port}/{settings.db_name}; \
lock store: Redis at {settings.redis_host or '127.0.0.1'}:{settings.redis_port}
  report / purge:   TRACKER_DB_URL from {secrets_file}: set -a; . {secrets_file}; set +a; .venv/bin/python -m bot report
  logs:             {settings.run_dir}/*.log
A server that stops is restarted (see supervisor.log). Press Ctrl-C to stop."""


def ask_through_load_balancer(settings: ClusterSettings) -> None:
    """One question through the load balancer, to show the whole path works."""
    body = json.dumps({"sender": "run-cluster-check", "message": SMOKE_QUESTION}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{settings.lb_port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - our own loopback URL
            messages = json.loads(reply.read())
    except (OSError, ValueError) as error:
        print(f"Check through the load balancer failed: {error}", file=sys.stderr, flush=True)
        return
    last = messages[-1] if messages else {}
    text = " ".join((last.get("text") or "").split())
    print(f"Asked through the load balancer: {SMOKE_QUESTION}\n  reply ({last.get('custom', {}).get('kind')}): "
          f"{text[:300]}", flush=True)


def write_bot_env(settings: ClusterSettings, path: str) -> None:
    """Add TRACKER_DB_URL (for report and purge) to the secrets file."""
    lines = [line for line in open(path).read().splitlines() if not line.startswith("TRACKER_DB_URL=")] \
        if os.path.isfile(path) else ["# Generated by make run-cluster; keep out of the repository."]
    lines.append(f"TRACKER_DB_URL={settings.tracker_db_url}")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)


def main() -> int:
    """Build the stages from the environment and supervise them."""
    env = dict(os.environ)
    settings = ClusterSettings.from_env(env)
    secrets_file = env.get("CLUSTER_ENV", "run/cluster.env")
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    if not os.path.isfile(settings.model):
        print(f"No trained Rasa model at {settings.model}: run 'make train'.", file=sys.stderr)
        return 1
    write_bot_env(settings, secrets_file)
    stages = [stage for stage in (data_programs(settings), bot_programs(settings, env)) if stage]
    supervisor = Supervisor(stages, settings.run_dir / "supervisor.log", ready_timeout_s=settings.ready_timeout_s)
    return run(supervisor, banner(settings, secrets_file), lambda: ask_through_load_balancer(settings))


if __name__ == "__main__":
    sys.exit(main())
