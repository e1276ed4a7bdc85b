"""Rasa input channels of this assistant (loaded by the Rasa server, Python 3.10).

`RestChannel` replaces Rasa's `rest` channel at the same URL (/webhooks/rest/webhook) and
`SocketChannel` Rasa's `socketio` channel (same events, /socket.io); on both:
- each bot utterance comes back as ONE message holding `text`, `buttons` and the
  answer contract's `custom` payload (Rasa's own channel splits them in two);
- personal data is masked before the message reaches the tracker store, logs or actions;
- a message describing a child in acute danger gets the emergency message (112, the
  municipality) first, in every dialogue state, even when the action server is down;
- the user is told once per conversation that personal data was removed;
- bad requests and unreadable messages get a clear Danish reply (on REST a JSON error with
  status 400), never a stack trace, and a failure inside Rasa still gets an apology.

Only `bot.rasa_server` imports `rasa`; it uses nothing of the action server's environment
(the answer contract's `Answer` is standard library only).
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import get_cors_origins, try_match

from bot.dialogue.responses import EMERGENCY_RESPONSE, EMERGENCY_SHOWN, domain_response
from bot.dialogue.safety import is_acute_danger
from bot.rasa_server import rasa_tuning
from bot.rasa_server.privacy import mask_personal_data
from bot.schema import Answer, AnswerKind

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
NOTICE_MEMORY = 100_000  # conversations remembered as already told (oldest forgotten first)
TOO_LONG_REPLY = (
    f"Din besked er for lang (over {MAX_MESSAGE_CHARS} tegn). "
    "Skriv dit spørgsmål kortere, så hjælper jeg gerne."
)
EMPTY_REPLY = "Jeg modtog en tom besked. Skriv gerne dit spørgsmål."
UNREADABLE_REPLY = "Jeg kunne ikke læse din besked. Skriv dit spørgsmål som almindelig tekst."
NO_SESSION_REPLY = "Din besked manglede et samtale-id. Genindlæs siden, og skriv dit spørgsmål igen."
BAD_REQUEST_REPLY = 'Forespørgslen kunne ikke læses. Send JSON som {"sender": "id", "message": "tekst"}.'
NO_REPLY = "Beklager, jeg kan ikke svare lige nu på grund af en teknisk fejl. Prøv igen om lidt."
PRIVACY_NOTICE = (
    "Jeg har fjernet personoplysninger (CPR-nummer, telefonnummer eller e-mail) fra din "
    "besked, så de ikke bliver gemt. Skriv aldrig navne eller CPR-numre her."
)


class OncePerConversation:
    """Remembers, in bounded memory, which conversations have been told something already."""

    def __init__(self, capacity: int = NOTICE_MEMORY) -> None:
        self._told: "OrderedDict[Text, None]" = OrderedDict()
        self._capacity = capacity

    def first_time(self, sender: Text) -> bool:
        """True the first time a conversation asks; it is remembered from then on."""
        if sender in self._told:
            self._told.move_to_end(sender)
            return False
        self._told[sender] = None
        if len(self._told) > self._capacity:
            self._told.popitem(last=False)
        return True


PRIVACY_NOTICE_GIVEN = OncePerConversation()


def _notice(kind: AnswerKind, text: str) -> Dict[str, Any]:
    return Answer(kind, text).message()


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
    refusal = _refusal(text)
    if refusal is not None:
        await output.send_response(sender, _notice(AnswerKind.ERROR, refusal))
        return
    masked = mask_personal_data(_strip_control_characters(text))
    if masked.found and PRIVACY_NOTICE_GIVEN.first_time(sender):
        await output.send_response(sender, _notice(AnswerKind.NOTICE, PRIVACY_NOTICE))
    before = _sent(output)
    if is_acute_danger(masked.text):
        # First, in every dialogue state, and whether or not the action server is up.
        await output.send_response(sender, domain_response(EMERGENCY_RESPONSE))
        metadata = {**(metadata or {}), EMERGENCY_SHOWN: True}
    try:
        await on_new_message(UserMessage(masked.text, output, sender, input_channel=input_channel, metadata=metadata))
    except Exception:  # the user gets a plain apology; details go to the log only
        logger.exception("Failed to handle a message on channel %s", input_channel)
    # Rasa stays silent when an action fails (e.g. the action server is down); the emergency message
    # alone is reply enough.
    if _sent(output) == before:
        await output.send_response(sender, _notice(AnswerKind.ERROR, NO_REPLY))


def _refusal(text: Any) -> Optional[Text]:
    """The reply to a message that is not passed on to Rasa, or None for a usable message."""
    if text is None:
        return EMPTY_REPLY
    if not isinstance(text, str):
        return UNREADABLE_REPLY
    text = _strip_control_characters(text)
    if not text.strip():
        return EMPTY_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    return None


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
        rasa_tuning.install()
        webhook = Blueprint("custom_webhook_RestChannel", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = _parse(request)
            if payload is None:
                return response.json([_notice(AnswerKind.ERROR, BAD_REQUEST_REPLY)], status=400)
            sender, text, metadata = payload
            collector = MergingOutputChannel()
            await process_message(on_new_message, collector, text, sender, self.name(), metadata)
            return response.json(collector.messages)

        return webhook


class SocketChannel(SocketIOInput):
    """Rasa's socket.io channel (same events and settings) with merged messages and masking.

    Rasa's own handlers fail silently (an exception in the server log) on a message that is
    not a JSON object or has unreadable metadata; these replace them and answer instead.
    Browsers on sites that Rasa's `--cors` does not allow are refused on both transports.
    """

    @classmethod
    def name(cls) -> Text:
        """Served at /socket.io like Rasa's own channel."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint with robust session and message handlers."""
        rasa_tuning.install()
        webhook = super().blueprint(on_new_message)
        sio = self.sio

        async def enter_room(sid: Text, room: Text) -> None:
            # a plain call in python-socketio 5.9, a coroutine from 5.10 on
            entered = sio.enter_room(sid, room, namespace=self.namespace)
            if inspect.isawaitable(entered):
                await entered

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            session_id = _session_id(data) or uuid.uuid4().hex
            if self.session_persistence:
                await enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            output = MergingSocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict):
                await output.send_response(sid, _notice(AnswerKind.ERROR, UNREADABLE_REPLY))
                return
            sender = _session_id(data) if self.session_persistence else sid
            if sender is None:
                await output.send_response(sid, _notice(AnswerKind.ERROR, NO_SESSION_REPLY))
                return
            if self.session_persistence:  # replies go to the session's room: be in it
                await enter_room(sid, sender)
            await process_message(on_new_message, output, data.get("message"), sender, self.name(),
                                  _metadata(data.get(self.metadata_key)))

        refuse_foreign_origins(webhook, self.socketio_path)
        return webhook


def refuse_foreign_origins(webhook: Blueprint, socketio_path: Text) -> None:
    """Make socket.io refuse (403) browsers on sites that Rasa's `--cors` does not allow.

    Rasa creates its socket.io server with `cors_allowed_origins=[]`, which switches off
    engine.io's own Origin check, so any site could open a websocket. Turning that check on
    is no fix: engine.io then writes CORS headers too, sanic-cors (Rasa's `--cors`) adds its
    own, and browsers refuse the doubled `Access-Control-Allow-Origin` of the polling
    transport. So a request middleware asks sanic-cors' settings before engine.io sees the
    request: one list of origins for REST, polling and websocket.
    """
    path = "/" + socketio_path.strip("/")

    async def check_origin(request: Request) -> Optional[HTTPResponse]:
        origin = request.headers.get("origin")
        if origin and request.path.rstrip("/") == path and not _cors_allows(request.app, path, origin):
            return response.text(f"{origin} is not an accepted origin.", status=403)
        return None

    @webhook.listener("before_server_start")
    async def install(app: Sanic, _: Any) -> None:
        app.register_middleware(check_origin, "request")


def _cors_allows(app: Sanic, path: Text, origin: Text) -> bool:
    """Whether sanic-cors, as Rasa configured it, lets `origin` use `path`."""
    for pattern, options in getattr(getattr(app.ctx, "sanic_cors", None), "resources", []):
        if try_match(path, pattern):
            return get_cors_origins(options, origin) is not None
    return False


def _session_id(data: Any) -> Optional[Text]:
    """The usable `session_id` of a socket.io event's data, or None."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(session_id, (str, int)) and not isinstance(session_id, bool) and str(session_id).strip():
        return str(session_id)[:MAX_SENDER_CHARS]
    return None


def _metadata(value: Any) -> Optional[Dict[Text, Any]]:
    """Message metadata given as an object or as a JSON string; anything else is dropped."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value if isinstance(value, dict) else None


def _strip_control_characters(text: Text) -> Text:
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())


def _parse(request: Request) -> Optional[Tuple[Text, Any, Optional[Dict[Text, Any]]]]:
    """(sender, text, metadata) from a JSON body (whatever its content type), or None when unusable."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    sender, text = body.get("sender", "default"), body.get("message") or ""
    metadata = body.get("metadata")
    if not isinstance(text, (str, type(None))) or not isinstance(sender, (str, int)):
        return None
    return str(sender)[:MAX_SENDER_CHARS], text, metadata if isinstance(metadata, dict) else None
