"""Talking to the real bot through its two channels, and the checks every reply must pass.

REST: plain `requests` posts to /webhooks/rest/webhook (raw bodies allowed, for bad input).
socket.io: `SocketConversation`, an asyncio python-socketio client speaking the widget's
protocol (`session_request` -> `session_confirm`, `user_uttered` -> `bot_uttered`).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import requests
import socketio

KINDS = {"answer", "no_answer", "smalltalk", "guidance", "emergency", "clarify", "error", "notice"}
NORMAL_QUESTION = "Hvor mange penge afsatte satspuljeaftalen til tidlig indsats?"
NORMAL_SOURCE = "004_bd68f105bffd1431.txt"
NORMAL_FACT = "96"
MAX_SHORT_REPLY = 700  # characters; the longest fixed reply (the polite decline) is ~430
_DANISH_WORDS = {"jeg", "du", "din", "dit", "ikke", "kan", "og", "det", "på", "til", "er", "gerne", "spørgsmål"}
_TRACE_MARKERS = ("Traceback", 'File "', "Exception", "Error:", "sanic", "rasa.")


def new_sender(prefix: str = "test") -> str:
    """A conversation id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def rest_post(rasa_url: str, body: bytes | dict[str, Any], content_type: str = "application/json",
              timeout: float = 60) -> requests.Response:
    """POST a JSON object (or raw bytes, sent as they are) to the REST webhook."""
    data = json.dumps(body).encode("utf-8") if isinstance(body, dict) else body
    return requests.post(f"{rasa_url}/webhooks/rest/webhook", data=data,
                         headers={"Content-Type": content_type}, timeout=timeout)


def rest_ask(rasa_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """One message through REST; the bot's messages (the reply must be a 200)."""
    reply = rest_post(rasa_url, {"sender": sender, "message": text})
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    return reply.json()


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    """The `custom.kind` of each bot message."""
    return [m.get("custom", {}).get("kind") for m in messages]


def assert_short_danish_reply(messages: list[dict[str, Any]], context: str = "") -> None:
    """At least one message; each short, Danish, without a stack trace, with a known kind."""
    assert messages, f"no reply {context}"
    for message in messages:
        text = message.get("text") or ""
        assert message.get("custom", {}).get("kind") in KINDS, (context, message)
        assert 0 < len(text) <= MAX_SHORT_REPLY, (context, text)
        assert not any(marker in text for marker in _TRACE_MARKERS), (context, text)
        words = set(re.findall(r"\w+", text.lower()))
        assert words & _DANISH_WORDS, (context, text)


def assert_correct_answer(messages: list[dict[str, Any]], context: str = "") -> None:
    """The answer to NORMAL_QUESTION: kind answer, citing the satspulje document, with its amount."""
    assert messages, f"no reply {context}"
    final = messages[-1]["custom"]
    assert final["kind"] == "answer", (context, messages)
    assert NORMAL_SOURCE in [source["file"] for source in final["sources"]], (context, final["sources"])
    assert NORMAL_FACT in final["text"], (context, final["text"])


class SocketConversation:
    """One widget-like socket.io conversation with the Rasa server (`async with`)."""

    def __init__(self, rasa_url: str, session_id: str | None = None) -> None:
        self.rasa_url = rasa_url
        self.session_id = session_id or new_sender("socket")
        self.client = socketio.AsyncClient(reconnection=False)
        self._received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._confirmed: asyncio.Future[str] | None = None
        self.client.on("bot_uttered", self._on_bot_uttered)
        self.client.on("session_confirm", self._on_session_confirm)

    async def _on_bot_uttered(self, message: dict[str, Any]) -> None:
        await self._received.put(message)

    async def _on_session_confirm(self, session_id: str) -> None:
        if self._confirmed is not None and not self._confirmed.done():
            self._confirmed.set_result(session_id)

    async def __aenter__(self) -> "SocketConversation":
        self._confirmed = asyncio.get_running_loop().create_future()
        await self.client.connect(self.rasa_url, socketio_path="/socket.io", transports=["websocket"],
                                  wait_timeout=30)
        await self.client.emit("session_request", {"session_id": self.session_id})
        confirmed = await asyncio.wait_for(self._confirmed, 30)
        assert confirmed == self.session_id
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.disconnect()

    async def ask(self, text: Any, timeout: float = 60) -> list[dict[str, Any]]:
        """Send `text` (anything JSON-able, or bytes) as a message of this session; the replies."""
        return await self.emit({"message": text, "session_id": self.session_id}, timeout)

    async def emit(self, data: Any, timeout: float = 60) -> list[dict[str, Any]]:
        """Emit `user_uttered` with any payload; the bot's replies to it.

        Collects until a message that is not a privacy notice has arrived (the notice comes
        first, the reply after Rasa's work), then for a short grace period for more.
        """
        await self.client.emit("user_uttered", data)
        replies: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(kind != "notice" for kind in kinds(replies)):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return replies
            try:
                replies.append(await asyncio.wait_for(self._received.get(), remaining))
            except asyncio.TimeoutError:
                return replies
        while True:
            try:
                replies.append(await asyncio.wait_for(self._received.get(), 0.5))
            except asyncio.TimeoutError:
                return replies
