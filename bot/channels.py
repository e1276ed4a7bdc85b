"""Rasa input channels of this assistant (loaded by the Rasa server, Python 3.10).

`RestChannel` replaces Rasa's `rest` channel at the same URL (/webhooks/rest/webhook):
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


class MergingOutputChannel(CollectingOutputChannel):
    """Collects each bot utterance as one message: text, buttons and custom together."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Store one merged message instead of one message per part."""
        merged = {"recipient_id": recipient_id}
        for key in ("text", "buttons", "image", "attachment", "custom", "quick_replies"):
            if message.get(key):
                merged[key] = message[key]
        await self._persist_message(merged)


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
            return response.json(await self.handle(on_new_message, sender, text, metadata))

        return webhook

    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: Text,
        text: Text,
        metadata: Optional[Dict[Text, Any]],
    ) -> List[Dict[Text, Any]]:
        """Check, mask and process one user message; returns the bot's messages."""
        text = _strip_control_characters(text)
        if not text.strip():
            return [_notice("error", EMPTY_REPLY)]
        if len(text) > MAX_MESSAGE_CHARS:
            return [_notice("error", TOO_LONG_REPLY)]
        masked = mask_personal_data(text)
        collector = MergingOutputChannel()
        try:
            await on_new_message(
                UserMessage(masked.text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
        except Exception:  # the user gets a plain apology; details go to the log only
            logger.exception("Failed to handle a REST message")
            return [_notice("error", NO_REPLY)]
        # Rasa stays silent when an action fails (e.g. the action server is down): never leave
        # the user without an answer.
        messages = collector.messages or [_notice("error", NO_REPLY)]
        if masked.found:
            messages = [_notice("notice", PRIVACY_NOTICE), *messages]
        return messages


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
    sender, text = body.get("sender", "default"), body.get("message", "")
    metadata = body.get("metadata")
    if not isinstance(text, str) or not isinstance(sender, (str, int)):
        return None
    return str(sender)[:128], text, metadata if isinstance(metadata, dict) else None
