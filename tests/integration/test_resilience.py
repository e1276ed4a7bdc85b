"""Parts failing: the action server stopped, the Rasa server killed with `kill -9` under load.

These tests start their own action server and Rasa server (the way scripts/run.sh does,
but as separate processes) so they can stop and kill each one; the shared `running_bot`
stays untouched.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import requests

from tests.chat_clients import NORMAL_QUESTION, assert_correct_answer, kinds, new_sender, rest_ask, rest_post
from tests.conftest import ROOT, _free_port

pytestmark = pytest.mark.servers

READY_TIMEOUT = 300
# As scripts/run.sh sets them (uvloop off: see run.sh).
SERVER_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "HF_HUB_OFFLINE": "1",
              "TRANSFORMERS_OFFLINE": "1", "DISABLE_UVLOOP": "1", "SANIC_USE_UVLOOP": "false"}


@dataclass
class Servers:
    """An action server and a Rasa server on free loopback ports, each stoppable on its own."""

    run_dir: Path
    action_port: int = field(default_factory=_free_port)
    rasa_port: int = field(default_factory=_free_port)
    action: subprocess.Popen | None = None
    rasa: subprocess.Popen | None = None

    @property
    def tracker_db(self) -> Path:
        return self.run_dir / "tracker.db"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self) -> dict[str, str]:
        return {**os.environ, **SERVER_ENV, "ACTION_PORT": str(self.action_port),
                "RASA_PORT": str(self.rasa_port), "TRACKER_DB": str(self.tracker_db)}

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.run_dir / f"{name}.log").open("ab")
        return subprocess.Popen(command, cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_action_server(self) -> None:
        """Start the action server and wait until it answers its health check."""
        self.action = self._spawn("actions", [str(ROOT / ".venv/bin/python"), "-m", "actions.server",
                                              "--host", "127.0.0.1", "--port", str(self.action_port)])
        _wait_until(self.action, lambda: requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=2).ok)

    def start_rasa(self) -> None:
        """Start the Rasa server and wait until it has loaded its model."""
        self.rasa = self._spawn("rasa", [
            str(ROOT / ".venv-rasa/bin/rasa"), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(self.rasa_port),
            "-m", "models/bot.tar.gz", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"])
        _wait_until(self.rasa, lambda: bool(requests.get(f"{self.rasa_url}/status", timeout=2).json()["model_file"]))

    def tracker_events(self, sender: str) -> list[dict]:
        """The stored events of a conversation, through Rasa's HTTP API."""
        reply = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker", timeout=30)
        assert reply.status_code == 200, reply.text[:300]
        return reply.json()["events"]

    def stop(self, process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
        """Signal a server's process group and wait for it to end."""
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _wait_until(process: subprocess.Popen, ready) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited during start-up: {process.args}"
        try:
            if ready():
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(1)
    pytest.fail(f"server not ready after {READY_TIMEOUT}s: {process.args}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Both servers running; each test leaves them running again."""
    bot = Servers(tmp_path_factory.mktemp("resilience"))
    bot.start_action_server()
    bot.start_rasa()
    yield bot
    bot.stop(bot.rasa)
    bot.stop(bot.action)


def test_action_server_down_gives_an_error_reply_then_answers_resume(servers):
    sender = new_sender("actions-down")
    assert_correct_answer(rest_ask(servers.rasa_url, sender, NORMAL_QUESTION), "before the stop")
    servers.stop(servers.action)
    try:
        reply = rest_post(servers.rasa_url, {"sender": sender, "message": NORMAL_QUESTION})
        assert reply.status_code == 200, reply.text[:300]
        assert kinds(reply.json()) == ["error"], reply.json()
        assert "Beklager" in reply.json()[0]["text"]
        assert kinds(rest_ask(servers.rasa_url, sender, "hej")) == ["smalltalk"], "Rasa keeps serving"
        acute = rest_ask(servers.rasa_url, sender, "Min elev siger at hun bliver slået derhjemme")
        assert kinds(acute)[0] == "emergency" and "112" in acute[0]["text"], "the emergency needs no action server"
    finally:
        servers.start_action_server()
    assert_correct_answer(rest_ask(servers.rasa_url, sender, NORMAL_QUESTION), "after the restart")


LOAD_QUESTIONS = [NORMAL_QUESTION, "Hvad investerede Herning, og hvad fik de igen?", "hej",
                  "Hvordan skriver jeg en underretning?", "Hvad er tidlig indsats?"]


@dataclass
class LoadUser:
    """A user talking in one conversation until told to stop; remembers what was acknowledged."""

    sender: str = field(default_factory=lambda: new_sender("load"))
    acknowledged: list[str] = field(default_factory=list)

    def run(self, rasa_url: str, stop: threading.Event) -> None:
        for turn in range(1000):
            if stop.is_set():
                return
            text = f"{LOAD_QUESTIONS[turn % len(LOAD_QUESTIONS)]} ({turn})"
            try:
                reply = rest_post(rasa_url, {"sender": self.sender, "message": text}, timeout=30)
            except requests.RequestException:
                return  # the server is gone: this message was in flight
            if reply.status_code == 200 and reply.json():
                self.acknowledged.append(text)


def _dialogue(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["event"], e.get("text") or "") for e in events if e["event"] in ("user", "bot")]


def test_rasa_killed_under_load_loses_nothing_but_messages_in_flight(servers):
    earlier = {}
    for _ in range(6):
        sender = new_sender("earlier")
        for text in ("hej", NORMAL_QUESTION, "tak"):
            rest_ask(servers.rasa_url, sender, text)
        earlier[sender] = _dialogue(servers.tracker_events(sender))
        assert len([turn for turn in earlier[sender] if turn[0] == "user"]) == 3

    users, stop = [LoadUser() for _ in range(16)], threading.Event()
    threads = [threading.Thread(target=user.run, args=(servers.rasa_url, stop)) for user in users]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while sum(len(user.acknowledged) for user in users) < 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    servers.stop(servers.rasa, signal.SIGKILL)  # requests are in flight right now
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(len(user.acknowledged) for user in users) >= 20, "the load never got going"

    with sqlite3.connect(servers.tracker_db) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    servers.start_rasa()

    for sender, dialogue in earlier.items():
        assert _dialogue(servers.tracker_events(sender))[:len(dialogue)] == dialogue, sender
    for user in users:
        stored = [text for event, text in _dialogue(servers.tracker_events(user.sender)) if event == "user"]
        assert stored[:len(user.acknowledged)] == user.acknowledged, user.sender
        assert len(stored) <= len(user.acknowledged) + 1, "at most the message in flight is extra"
    sender = users[0].sender
    assert_correct_answer(rest_ask(servers.rasa_url, sender, NORMAL_QUESTION), "an interrupted conversation")
