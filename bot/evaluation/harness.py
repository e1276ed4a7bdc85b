"""The whole bot (action server, Rasa server, web page) started with scripts/run.sh, for tests and benchmarks.

`running_bot(run_dir)` starts it on free loopback ports with its own tracker database and
logs in `run_dir`, waits until run.sh prints READY, and stops every server afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from bot.settings import PROJECT_ROOT

RUN_SCRIPT = PROJECT_ROOT / "scripts" / "run.sh"
READY_TIMEOUT_S = 400
STOP_TIMEOUT_S = 60
SERVER_MARKERS = {"Rasa server": "rasa run", "action server": "actions.server", "web page": "http.server"}


class BotDidNotStart(RuntimeError):
    """run.sh stopped, or gave no READY in time; the message ends with its last output."""


@dataclass
class RunningBot:
    """The servers started by `scripts/run.sh`."""

    rasa_url: str
    action_url: str
    web_url: str
    tracker_db: Path
    run_dir: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)  # run.sh's output, read on after READY (supervisor events)

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One message through the real REST channel; the bot's messages."""
        import requests

        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def servers(self) -> dict[str, Any]:
        """Rasa server, action server and web page server (`psutil.Process`), found among run.sh's children."""
        import psutil

        found: dict[str, psutil.Process] = {}
        for child in psutil.Process(self.process.pid).children():
            command = " ".join(child.cmdline())
            for name, marker in SERVER_MARKERS.items():
                if marker in command:
                    found[name] = child
        missing = set(SERVER_MARKERS) - set(found)
        if missing:
            raise RuntimeError(f"server processes not found: {sorted(missing)}")
        return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_bot(run_dir: Path, *, tracker_db: Path | None = None, env: dict[str, str] | None = None,
                ready_timeout: float = READY_TIMEOUT_S) -> Iterator[RunningBot]:
    """Start all servers with scripts/run.sh on free ports; stop them all afterwards.

    Logs go to `run_dir`; the tracker database is `tracker_db` (default: a fresh file in
    `run_dir`). `env` adds or overrides environment variables (e.g. `BOT_INDEX_DIR`).
    Raises `BotDidNotStart` when run.sh gives up or prints no READY within `ready_timeout`.
    """
    tracker_db = tracker_db or run_dir / "tracker.db"
    ports = {"ACTION_PORT": free_port(), "RASA_PORT": free_port(), "WEB_PORT": free_port()}
    process_env = {**os.environ, **{key: str(value) for key, value in ports.items()}, "BIND_HOST": "127.0.0.1",
                   "TRACKER_DB": str(tracker_db), "RUN_DIR": str(run_dir), **(env or {})}
    process = subprocess.Popen([str(RUN_SCRIPT)], cwd=PROJECT_ROOT, env=process_env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = _wait_for_ready(process, ready_timeout, run_dir)
        yield RunningBot(f"http://127.0.0.1:{ports['RASA_PORT']}", f"http://127.0.0.1:{ports['ACTION_PORT']}",
                         f"http://127.0.0.1:{ports['WEB_PORT']}", tracker_db, run_dir, process, output)
    finally:
        stop_launcher(process)


def wait_until(check: Callable[[], bool], timeout_s: float, interval_s: float = 1.0) -> bool:
    """Poll `check` (exceptions count as not yet) until it is true or `timeout_s` passed; whether it became true."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if check():
                return True
        except Exception:  # noqa: BLE001 - a server that is not up yet fails in many ways
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def read_until_ready(process: subprocess.Popen, timeout: float, what: str) -> list[str]:
    """Read a launcher's output until its READY line, then keep reading it in the background
    (so the pipe never fills); the output so far, growing. Raises `BotDidNotStart` with the
    last lines when the launcher ends or prints no READY in time."""
    deadline = time.monotonic() + timeout
    output: list[str] = []
    assert process.stdout is not None
    timer = threading.Timer(timeout, _kill_group, (process,))  # a launcher that hangs silently
    timer.daemon = True
    timer.start()
    try:
        for line in process.stdout:
            output.append(line)
            if line.strip() == "READY":
                threading.Thread(target=_read_on, args=(process, output), daemon=True).start()
                return output
            if time.monotonic() > deadline:
                break
    finally:
        timer.cancel()
    raise BotDidNotStart(f"{what} did not start:\n" + "".join(output[-30:]))


def _read_on(process: subprocess.Popen, output: list[str]) -> None:
    """Collect the rest of a launcher's output until it ends (or its pipe is closed)."""
    try:
        for line in process.stdout or ():
            output.append(line)
    except (ValueError, OSError):
        pass


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def _wait_for_ready(process: subprocess.Popen, timeout: float, run_dir: Path) -> list[str]:
    """Read run.sh's output until READY; raise with its last lines when it ends or takes too long."""
    return read_until_ready(process, timeout, f"the bot (logs in {run_dir})")


def stop_launcher(process: subprocess.Popen) -> None:
    """SIGTERM to run.sh's process group (it stops its servers), SIGKILL if that takes too long."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT_S)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
