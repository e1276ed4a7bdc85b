"""A PostgreSQL server of our own: a data folder made with initdb, run in the foreground on 127.0.0.1.

Used by `make run-cluster` (under the supervisor) and by the tests (started and stopped by
fixtures). PostgreSQL refuses to run as root, so as root its commands run as the `postgres`
user of the Debian package, and the data folder belongs to that user.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.ops.readiness import tcp_open
from bot.ops.server_process import ServerProcess

SERVICE_USER = "postgres"


def pg_bin(tool: str) -> str:
    """The path of a PostgreSQL server tool (Debian keeps them in /usr/lib/postgresql/<version>/bin)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                      if p.parent.name.isdigit() else 0)
    for folder in reversed(versions):
        if (folder / tool).is_file():
            return str(folder / tool)
    found = shutil.which(tool)
    if not found:
        raise FileNotFoundError(f"PostgreSQL's {tool} not found: install the Debian package 'postgresql'")
    return found


def as_service_user() -> dict[str, Any]:
    """Popen arguments that run a command as the postgres user when we are root (none otherwise)."""
    return {"user": SERVICE_USER, "group": SERVICE_USER, "extra_groups": []} if os.geteuid() == 0 else {}


def _give_to_service_user(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, SERVICE_USER, SERVICE_USER)


@dataclass(frozen=True)
class LocalPostgres:
    """One PostgreSQL data folder and the port it serves on (127.0.0.1 only)."""

    folder: Path  # holds data/ and the socket; must be reachable by the postgres user when run as root
    port: int
    user: str
    password: str
    database: str = "rasa"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, driver: str = "psycopg") -> str:
        """The SQLAlchemy URL of the database (`driver`: psycopg for the bot, psycopg2 for Rasa)."""
        return f"postgresql+{driver}://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def initialise(self) -> None:
        """initdb once: the user is the superuser, password authentication over TCP only."""
        if (self.data / "PG_VERSION").is_file():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _give_to_service_user(self.folder)
        password_file = self.folder / "initdb.pw"
        password_file.write_text(self.password + "\n")
        password_file.chmod(0o600)
        _give_to_service_user(password_file)
        try:
            subprocess.run([pg_bin("initdb"), "-D", str(self.data), "-U", self.user, "--pwfile", str(password_file),
                            "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8"],
                           check=True, capture_output=True, text=True, timeout=120, cwd=self.folder, **as_service_user())
        finally:
            password_file.unlink(missing_ok=True)

    def command(self) -> list[str]:
        """The server in the foreground (stop it with SIGINT: a fast shutdown)."""
        return [pg_bin("postgres"), "-D", str(self.data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                "-c", f"unix_socket_directories={self.folder}", "-c", "max_connections=200",
                "-c", "fsync=on", "-c", "logging_collector=off"]

    def ready(self) -> bool:
        """Accepting TCP connections and the database exists (creating it on the first call)."""
        if not tcp_open(self.port)():
            return False
        try:
            self.ensure_database()
            return True
        except Exception:  # noqa: BLE001 - starting up: "the database system is starting up" and the like
            return False

    def ensure_database(self) -> None:
        """Create the database when it does not exist yet."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                             dbname="postgres", autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.database}"')


def postgres_process(server: LocalPostgres) -> ServerProcess:
    """The server as a process the caller starts and stops (tests): initdb first, stopped with a fast shutdown."""
    server.initialise()
    return ServerProcess(server.command, server.folder / "postgres.log", server.ready, signal.SIGINT,
                         {"cwd": server.folder, **as_service_user()})
