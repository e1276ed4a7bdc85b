"""Shared fixtures: the embedding model, a small built index, and the running bot."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The converted-model cache shared with `make` (converted once)."""
    return Path(os.environ.get("BOT_MODEL_CACHE", ROOT / ".cache" / "models"))


@pytest.fixture(scope="session")
def embedder(model_cache: Path):
    """The real multilingual-e5-small embedder."""
    from bot.embedding import load_embedder

    return load_embedder(model_cache)


@dataclass
class RunningBot:
    """The servers started by `scripts/run.sh` for a test session."""

    rasa_url: str
    action_url: str
    web_url: str
    tracker_db: Path
    run_dir: Path
    process: subprocess.Popen

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One message through the real REST channel; the bot's messages."""
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=timeout)
        reply.raise_for_status()
        return reply.json()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """The whole bot (action server, Rasa server, web page) on free loopback ports."""
    run_dir = tmp_path_factory.mktemp("run")
    ports = {"ACTION_PORT": _free_port(), "RASA_PORT": _free_port(), "WEB_PORT": _free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "TRACKER_DB": str(run_dir / "tracker.db"), "RUN_DIR": str(run_dir)}
    process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    output = []
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        if line.strip() == "READY" or time.monotonic() > deadline:
            break
    if not output or output[-1].strip() != "READY":
        process.kill()
        pytest.fail("the bot did not start:\n" + "".join(output))
    bot = RunningBot(f"http://127.0.0.1:{ports['RASA_PORT']}", f"http://127.0.0.1:{ports['ACTION_PORT']}",
                     f"http://127.0.0.1:{ports['WEB_PORT']}", run_dir / "tracker.db", run_dir, process)
    yield bot
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
