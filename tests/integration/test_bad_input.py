"""Bad input through the real REST and socket.io channels never breaks a conversation.

Every bad message gets a short Danish reply with a `custom.kind` (never a 5xx or a stack
trace), and the same conversation then still answers a normal question correctly.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

import pytest
import requests

from tests.chat_clients import (
    NORMAL_QUESTION,
    SocketConversation,
    assert_correct_answer,
    assert_short_danish_reply,
    kinds,
    new_sender,
    rest_ask,
    rest_post,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.servers

# bot/rasa_server/channels.py runs inside the Rasa server (its own venv): read the limit from the source.
MAX_MESSAGE_CHARS = int(re.search(r"^MAX_MESSAGE_CHARS = (\d+)$", (ROOT / "bot" / "rasa_server" / "channels.py").read_text(),
                                  re.MULTILINE).group(1))

LONG_TEXT = ("Hvad har kommunerne fået ud af den tidlige indsats for børn og unge? " * 300)[:20_000]
BAD_TEXTS = {
    "empty": "",
    "whitespace": " \n\t \u00a0 ",
    "20000 characters": LONG_TEXT,
    "only emoji": "😀🙏👶❤️🎉",
    "control characters": "\x00\x07\x1b[31m\x08\x7f\u200b",
    "html and javascript": "<script>alert('hej')</script><img src=x onerror=alert(1)><b>hej</b>",
    "sql": "'; DROP TABLE events; --",
    "arabic": "ما هو التدخل المبكر للأطفال في الدنمارك؟",
    "chinese": "丹麦的儿童早期干预是什么？",
}
# Raw REST bodies: (content type, body). None of them is usable as a JSON message.
BAD_BODIES = {
    "invalid json": ("application/json", b'{"sender": "%s", "message": "hej"'),
    "json array": ("application/json", b'["%s", "hej"]'),
    "message not text": ("application/json", b'{"sender": "%s", "message": {"text": "hej"}}'),
    "form encoded": ("application/x-www-form-urlencoded", b"sender=%s&message=hej"),
    "invalid utf-8": ("application/json", b'{"sender": "%s", "message": "hej \xff\xfe\xc3\x28"}'),
    "deeply nested json": ("application/json",
                           b'{"sender": "%s", "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
}


def _no_echo(messages: list[dict[str, Any]]) -> None:
    """The bot never repeats markup or SQL back at the user."""
    for message in messages:
        assert "<script" not in message["text"] and "DROP TABLE" not in message["text"], message


def test_the_documented_limit_is_the_channel_limit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_MESSAGE_CHARS} characters" in readme


@pytest.mark.parametrize("name", BAD_TEXTS)
def test_rest_bad_text_then_a_normal_question(running_bot, name):
    sender = new_sender("rest-bad")
    reply = rest_post(running_bot.rasa_url, {"sender": sender, "message": BAD_TEXTS[name]})
    assert reply.status_code < 500, reply.text[:300]
    assert_short_danish_reply(reply.json(), name)
    _no_echo(reply.json())
    assert_correct_answer(rest_ask(running_bot.rasa_url, sender, NORMAL_QUESTION), name)


def test_rest_control_characters_inside_a_question_are_dropped(running_bot):
    question = "Hvor mange\x00 penge afsatte\x1b satspuljeaftalen\x07 til tidlig\u200b indsats?"
    assert_correct_answer(rest_ask(running_bot.rasa_url, new_sender("rest-control"), question))


def test_rest_over_long_message_is_refused_clearly(running_bot):
    messages = rest_ask(running_bot.rasa_url, new_sender("rest-long"), "a" * (MAX_MESSAGE_CHARS + 1))
    assert kinds(messages) == ["error"]
    assert str(MAX_MESSAGE_CHARS) in messages[0]["text"] and "lang" in messages[0]["text"]


def test_rest_message_at_the_limit_is_answered(running_bot):
    text = (NORMAL_QUESTION + " ") * (MAX_MESSAGE_CHARS // (len(NORMAL_QUESTION) + 1))
    messages = rest_ask(running_bot.rasa_url, new_sender("rest-limit"), text[:MAX_MESSAGE_CHARS])
    assert kinds(messages)[-1] != "error", messages


@pytest.mark.parametrize("name", BAD_BODIES)
def test_rest_bad_request_body_then_a_normal_question(running_bot, name):
    sender = new_sender("rest-body")
    content_type, template = BAD_BODIES[name]
    reply = rest_post(running_bot.rasa_url, template.replace(b"%s", sender.encode()), content_type)
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text[:300])
    assert_short_danish_reply(reply.json(), name)
    assert kinds(reply.json()) == ["error"]
    assert_correct_answer(rest_ask(running_bot.rasa_url, sender, NORMAL_QUESTION), name)


def test_rest_json_sent_as_plain_text_is_still_read(running_bot):
    sender = new_sender("rest-plain")
    reply = rest_post(running_bot.rasa_url, f'{{"sender": "{sender}", "message": "{NORMAL_QUESTION}"}}'.encode(),
                      "text/plain")
    assert reply.status_code == 200
    assert_correct_answer(reply.json(), "text/plain")


def test_sql_like_text_leaves_the_tracker_store_intact(running_bot):
    sender = new_sender("rest-sql")
    rest_ask(running_bot.rasa_url, sender, BAD_TEXTS["sql"])
    with sqlite3.connect(running_bot.tracker_db) as db:
        stored = [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]
    assert any("DROP TABLE events" in data for data in stored), "the text was stored as plain data"


async def _socket_bad_texts_then_question(rasa_url: str) -> None:
    for name, text in BAD_TEXTS.items():
        async with SocketConversation(rasa_url) as chat:
            replies = await chat.ask(text)
            assert_short_danish_reply(replies, f"socket.io {name}")
            _no_echo(replies)
            assert_correct_answer(await chat.ask(NORMAL_QUESTION), f"socket.io {name}")


def test_socketio_bad_text_then_a_normal_question(running_bot):
    asyncio.run(_socket_bad_texts_then_question(running_bot.rasa_url))


async def _socket_bad_payloads_then_question(rasa_url: str) -> None:
    async with SocketConversation(rasa_url) as chat:
        payloads = {
            "not an object": "hej",
            "a list": ["hej", chat.session_id],
            "no session id": {"message": "hej"},
            "message is a number": {"message": 42, "session_id": chat.session_id},
            "message is invalid utf-8 bytes": {"message": b"hej \xff\xfe\xc3\x28", "session_id": chat.session_id},
            "metadata is invalid json": {"message": "hej", "session_id": chat.session_id, "metadata": "{not json"},
        }
        for name, payload in payloads.items():
            replies = await chat.emit(payload)
            assert_short_danish_reply(replies, f"socket.io {name}")
        assert_correct_answer(await chat.ask(NORMAL_QUESTION), "socket.io after bad payloads")


def test_socketio_bad_payloads_then_a_normal_question(running_bot):
    asyncio.run(_socket_bad_payloads_then_question(running_bot.rasa_url))


def test_socketio_transport_rejects_invalid_utf8_and_keeps_serving(running_bot):
    handshake = requests.get(f"{running_bot.rasa_url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.status_code == 200
    sid = handshake.text[handshake.text.index('"sid":"') + 7:].split('"', 1)[0]
    url = f"{running_bot.rasa_url}/socket.io/?EIO=4&transport=polling&sid={sid}"
    assert requests.post(url, data=b"40", timeout=10).status_code == 200  # socket.io connect
    broken = requests.post(url, data=b'42["user_uttered",{"message":"\xff\xfe\xc3\x28"}]', timeout=10)
    assert broken.status_code < 500, broken.text[:300]
    assert_correct_answer(rest_ask(running_bot.rasa_url, new_sender("after-utf8"), NORMAL_QUESTION))
