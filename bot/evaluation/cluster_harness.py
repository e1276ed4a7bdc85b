"""The cluster (scripts/cluster/run.sh) on free loopback ports, for tests and the load benchmark.

`running_cluster(run_dir, ...)` starts haproxy, the Rasa replicas and action servers (and,
unless given existing ones, PostgreSQL and Redis of its own), waits for READY, and stops
everything afterwards. The returned `RunningCluster` looks like `RunningBot` where the load
benchmark needs it (`rasa_url` is the load balancer, `servers()` names every process).
"""

from __future__ import annotations

import os
import secrets
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bot.evaluation.harness import free_port, read_until_ready, stop_launcher
from bot.settings import PROJECT_ROOT

CLUSTER_SCRIPT = PROJECT_ROOT / "scripts" / "cluster" / "run.sh"
READY_TIMEOUT_S = 600


@dataclass(frozen=True)
class DataServer:
    """An existing PostgreSQL or Redis server the cluster should use instead of starting its own."""

    port: int
    password: str
    user: str = "rasa"
    database: str = "rasa"


@dataclass
class RunningCluster:
    """The cluster's URLs, secrets and launcher process."""

    rasa_url: str  # the load balancer (REST, socket.io, HTTP API)
    replica_urls: list[str]
    action_urls: list[str]
    action_lb_url: str
    web_url: str
    token: str
    tracker_db_url: str
    run_dir: Path
    process: subprocess.Popen
    ports: dict[str, Any]
    output: list[str] = field(default_factory=list)

    def send(self, sender: str, message: str, timeout: float = 60, url: str | None = None) -> list[dict]:
        """One message through the REST channel (the load balancer, or one replica's `url`)."""
        import requests

        reply = requests.post(f"{url or self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def servers(self) -> dict[str, Any]:
        """Every server process (`psutil.Process`) by name, found among the supervisor's children."""
        import psutil

        names = {**{f"-p {port} ": f"Rasa replica {n}" for n, port in enumerate(self.ports["rasa"], 1)},
                 **{f"--port {port}": f"action server {n}" for n, port in enumerate(self.ports["actions"], 1)},
                 "haproxy": "load balancer", "http.server": "web page", "postgres -D": "PostgreSQL",
                 "redis-server": "Redis"}
        found: dict[str, psutil.Process] = {}
        for child in psutil.Process(self.process.pid).children():
            try:
                command = " ".join(child.cmdline()) + " "
            except psutil.NoSuchProcess:
                continue
            for marker, name in names.items():
                if marker in command and name not in found:
                    found[name] = child
                    break
        return found


@contextmanager
def running_cluster(run_dir: Path, *, replicas: int = 2, action_servers: int = 2, postgres: DataServer | None = None,
                    redis: DataServer | None = None, env: dict[str, str] | None = None,
                    ready_timeout: float = READY_TIMEOUT_S) -> Iterator[RunningCluster]:
    """Start the cluster on free ports with logs (and any data of its own) in `run_dir`; stop it afterwards.

    Raises `BotDidNotStart` when the launcher gives up or prints no READY within `ready_timeout`.
    """
    ports = {"lb": free_port(), "action_lb": free_port(), "web": free_port(),
             "rasa": [free_port() for _ in range(replicas)], "actions": [free_port() for _ in range(action_servers)],
             "db": postgres.port if postgres else free_port(), "redis": redis.port if redis else free_port()}
    token = secrets.token_urlsafe(16)
    process_env = {
        **os.environ, "BIND_HOST": "127.0.0.1", "RASA_PORT": str(ports["lb"]), "ACTION_PORT": str(ports["action_lb"]),
        "WEB_PORT": str(ports["web"]), "RASA_REPLICAS": str(replicas), "ACTION_SERVERS": str(action_servers),
        "RASA_REPLICA_PORTS": ",".join(map(str, ports["rasa"])), "ACTION_SERVER_PORTS": ",".join(map(str, ports["actions"])),
        "DB_PORT": str(ports["db"]), "REDIS_PORT": str(ports["redis"]), "CLUSTER_DIR": str(run_dir),
        "CLUSTER_ENV": str(run_dir / "cluster.env"), "RASA_AUTH_TOKEN": token, "READY_TIMEOUT": str(ready_timeout),
        **({"DB_HOST": "127.0.0.1", "DB_PASSWORD": postgres.password, "DB_USER": postgres.user,
            "DB_NAME": postgres.database} if postgres else {}),
        **({"REDIS_HOST": "127.0.0.1", "REDIS_PASSWORD": redis.password} if redis else {}),
        **(env or {})}
    process = subprocess.Popen([str(CLUSTER_SCRIPT)], cwd=PROJECT_ROOT, env=process_env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = read_until_ready(process, ready_timeout + 60, f"the cluster (logs in {run_dir})")
        db_url = next(line.split("=", 1)[1] for line in (run_dir / "cluster.env").read_text().splitlines()
                      if line.startswith("TRACKER_DB_URL="))
        local = "http://127.0.0.1:{}".format
        yield RunningCluster(local(ports["lb"]), [local(p) for p in ports["rasa"]], [local(p) for p in ports["actions"]],
                             local(ports["action_lb"]), local(ports["web"]), token, db_url, run_dir, process, ports,
                             output)
    finally:
        stop_launcher(process)
