"""A bounded chat load on the cluster for the failure tests: users in threads, every reply recorded."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

from tests.chat_clients import kinds, new_sender, rest_post
from tests.integration.test_resilience import LOAD_QUESTIONS

MAX_TURNS = 200  # per user, whatever the test's timing
TIMEOUT_S = 90.0  # a conversation whose message died with a replica waits for its lock to expire (20 s) first


@dataclass
class Reply:
    """One message sent and what came back (status 0: no HTTP answer at all)."""

    sender: str
    text: str
    sent_at: float
    done_at: float
    status: int
    kinds: list[str]
    error: str = ""  # why there was no HTTP answer

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.kinds) and "error" not in self.kinds


@dataclass
class ChatLoad:
    """`users` conversations talking to `url` until `stop` (or MAX_TURNS each)."""

    url: str
    users: int
    replies: list[Reply] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _talk(self, sender: str) -> None:
        for turn in range(MAX_TURNS):
            if self._stop.is_set():
                return
            text = f"{LOAD_QUESTIONS[turn % len(LOAD_QUESTIONS)]} ({turn})"
            started, error = time.monotonic(), ""
            try:
                reply = rest_post(self.url, {"sender": sender, "message": text}, timeout=TIMEOUT_S)
                status, got = reply.status_code, kinds(reply.json()) if reply.status_code == 200 else []
            except (requests.RequestException, ValueError) as exception:
                status, got, error = 0, [], f"{type(exception).__name__}: {exception}"[:200]
            self.replies.append(Reply(sender, text, started, time.monotonic(), status, got, error))
            if status != 200:
                time.sleep(0.5)

    def __enter__(self) -> "ChatLoad":
        self.senders = [new_sender("cluster-load") for _ in range(self.users)]
        self._threads = [threading.Thread(target=self._talk, args=(sender,), daemon=True) for sender in self.senders]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=TIMEOUT_S + 15)

    def wait_for(self, count: int, timeout_s: float) -> bool:
        """Wait until `count` good replies arrived (bounded); whether they did."""
        deadline = time.monotonic() + timeout_s
        while sum(r.ok for r in self.replies) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return sum(r.ok for r in self.replies) >= count

    def acknowledged(self, sender: str) -> list[str]:
        """The sender's messages that got a good reply, in order."""
        return [r.text for r in self.replies if r.sender == sender and r.ok]

    def failed(self, sender: str) -> list[str]:
        return [r.text for r in self.replies if r.sender == sender and not r.ok]
