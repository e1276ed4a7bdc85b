"""Rasa input channels of this assistant (loaded by the Rasa server, Python 3.10).

`RestChannel` replaces Rasa's `rest` channel at the same URL (/webhooks/rest/webhook) and
`SocketChannel` Rasa's `socketio` channel (same events, /socket.io); on both:
- each bot utterance comes back as ONE message holding `text`, `buttons` and the
  answer contract's `custom` payload (Rasa's own channel splits them in two);
- personal data is masked before the message reaches the tracker store, logs or actions;
- bad requests get a clear Danish reply (JSON error with status 400), never a stack trace.

Only this module imports `rasa`; the rest of the `bot` package runs in the action server.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.privacy import mask_personal_data

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
TOO_LONG_REPLY = (
    f"Din besked er for lang (over {MAX_MESSAGE_CHARS} tegn). "
    "Skriv dit spørgsmål kortere, så hjælper jeg gerne."
)
EMPTY_REPLY = "Jeg modtog en tom besked. Skriv gerne dit spørgsmål."
BAD_REQUEST_REPLY = 'Forespørgslen kunne ikke læses. Send JSON som {"sender": "id", "message": "tekst"}.'
NO_REPLY = "Beklager, jeg kan ikke svare lige nu på grund af en teknisk fejl. Prøv igen om lidt."
PRIVACY_NOTICE = (
    "Jeg har fjernet personoplysninger (CPR-nummer, telefonnummer eller e-mail) fra din "
    "besked, så de ikke bliver gemt. Skriv aldrig navne eller CPR-numre her."
)


def _notice(kind: str, text: str) -> Dict[str, Any]:
    return {"text": text, "custom": {"kind": kind, "text": text, "sources": [], "confidence": 0.0}}


def merge_parts(recipient_id: Text, message: Dict[Text, Any]) -> Dict[Text, Any]:
    """One outgoing message holding every part of a bot utterance."""
    merged: Dict[Text, Any] = {"recipient_id": recipient_id}
    for key in ("text", "buttons", "image", "attachment", "custom", "quick_replies"):
        if message.get(key):
            merged[key] = message[key]
    return merged


class MergingOutputChannel(CollectingOutputChannel):
    """Collects each bot utterance as one message: text, buttons and custom together."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Store one merged message instead of one message per part."""
        await self._persist_message(merge_parts(recipient_id, message))


class MergingSocketIOOutput(SocketIOOutput):
    """Emits each bot utterance as one `bot_uttered` event with all its parts."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Emit one merged message to the conversation's room."""
        self.sent += 1
        await self._send_message(recipient_id, merge_parts(recipient_id, message))


async def process_message(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    output: Any,
    text: Any,
    sender: Text,
    input_channel: Text,
    metadata: Optional[Dict[Text, Any]],
) -> None:
    """Check and mask one user message, let Rasa handle it, and never leave the user unanswered."""
    if not isinstance(text, str) or not _strip_control_characters(text).strip():
        await output.send_response(sender, _notice("error", EMPTY_REPLY))
        return
    text = _strip_control_characters(text)
    if len(text) > MAX_MESSAGE_CHARS:
        await output.send_response(sender, _notice("error", TOO_LONG_REPLY))
        return
    masked = mask_personal_data(text)
    if masked.found:
        await output.send_response(sender, _notice("notice", PRIVACY_NOTICE))
    before = _sent(output)
    try:
        await on_new_message(UserMessage(masked.text, output, sender, input_channel=input_channel, metadata=metadata))
    except Exception:  # the user gets a plain apology; details go to the log only
        logger.exception("Failed to handle a message on channel %s", input_channel)
    # Rasa stays silent when an action fails (e.g. the action server is down).
    if _sent(output) == before:
        await output.send_response(sender, _notice("error", NO_REPLY))


def _sent(output: Any) -> int:
    return len(output.messages) if isinstance(output, CollectingOutputChannel) else output.sent


class RestChannel(InputChannel):
    """The REST channel with merged messages, masking and input checks."""

    @classmethod
    def name(cls) -> Text:
        """Served at /webhooks/rest/, like Rasa's own channel."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health and webhook routes."""
        webhook = Blueprint("custom_webhook_RestChannel", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = _parse(request)
            if payload is None:
                return response.json([_notice("error", BAD_REQUEST_REPLY)], status=400)
            sender, text, metadata = payload
            collector = MergingOutputChannel()
            await process_message(on_new_message, collector, text, sender, self.name(), metadata)
            return response.json(collector.messages)

        return webhook


class SocketChannel(SocketIOInput):
    """Rasa's socket.io channel (same events and settings) with merged messages and masking."""

    @classmethod
    def name(cls) -> Text:
        """Served at /socket.io like Rasa's own channel."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint, with every message passed through `process_message`."""

        async def guarded(message: UserMessage) -> None:
            output = MergingSocketIOOutput(self.sio, self.bot_message_evt)
            await process_message(on_new_message, output, message.text, message.sender_id,
                                  self.name(), message.metadata)

        return super().blueprint(guarded)


def _strip_control_characters(text: Text) -> Text:
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())


def _parse(request: Request) -> Optional[tuple]:
    """(sender, text, metadata) from a JSON body, or None when it is not usable."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(body, dict):
        return None
    sender, text = body.get("sender", "default"), body.get("message") or ""
    metadata = body.get("metadata")
    if not isinstance(text, (str, type(None))) or not isinstance(sender, (str, int)):
        return None
    return str(sender)[:128], text, metadata if isinstance(metadata, dict) else None
