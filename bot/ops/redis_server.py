"""A Redis server of our own for Rasa's lock store: a config file with the password, 127.0.0.1 only.

The lock store needs no persistence (a lock outlives no restart), so snapshots are off.
Used by `make run-cluster` (under the supervisor) and by the tests.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.ops.readiness import redis_pong
from bot.ops.server_process import ServerProcess


@dataclass(frozen=True)
class LocalRedis:
    """One Redis server: its folder (config, data) and port."""

    folder: Path
    port: int
    password: str

    @property
    def config(self) -> Path:
        return self.folder / "redis.conf"

    def write_config(self) -> None:
        """The config file (mode 600: it holds the password)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config.write_text("\n".join([
            "bind 127.0.0.1", f"port {self.port}", "protected-mode yes", f"dir {self.folder}", 'save ""',
            "appendonly no", "daemonize no", f'requirepass "{self.password}"', "loglevel notice", ""]))
        self.config.chmod(0o600)

    def command(self) -> list[str]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        return [binary, str(self.config)]

    def ready(self) -> bool:
        return redis_pong(self.port, self.password)()


def redis_process(server: LocalRedis) -> ServerProcess:
    """The server as a process the caller starts and stops (tests)."""
    server.write_config()
    return ServerProcess(server.command, server.folder / "redis.log", server.ready)
