"""Masking of CPR numbers, phone numbers and e-mail addresses: the rules, and the real channels.

The channel tests send personal data through REST and socket.io to the real bot and then
read the SQLite tracker file (its raw bytes and its events table) and the server logs.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest

from bot.rasa_server.privacy import CPR_PLACEHOLDER, EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER
from tests.chat_clients import SocketConversation, kinds, new_sender, rest_ask

# ---------------------------------------------------------------- through the real channels

# Secrets unique to each channel, in the forms people type them.
SECRETS = {
    "rest": ["240587-3917", "2405873917", "24 05 87 3917", "+45 61 72 83 94", "6172 8395", "+4561728396",
             "sagsbehandler.rest@kommune-eksempel.dk"],
    "socketio": ["250687-4028", "2506874028", "25 06 87 4028", "+45 71 82 93 04", "7182 9305", "+4571829306",
                 "mor.socket@eksempel-mail.dk"],
}
HARMLESS = "Hvad betyder 4,7 mio. kr. for 580 familier i 2016-2019?"


def _messages(secrets: list[str]) -> list[str]:
    """The secrets spread over a few realistic messages (CPR, phone, e-mail mixed)."""
    cprs, phones, email = secrets[:3], secrets[3:6], secrets[6]
    return [f"Jeg er bekymret for et barn med cpr {cprs[0]}. Hvad gør jeg?",
            f"Mor har tlf {phones[0]} og mail {email}, barnets cpr er {cprs[1]}",
            f"cpr {cprs[2]}, ring {phones[1]} eller {phones[2]}"]


def _digits(secret: str) -> str:
    return re.sub(r"\D", "", secret)


def _stored(tracker_db: Path, sender: str) -> str:
    """Everything the events table holds for one conversation."""
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    assert rows, f"conversation {sender} was not stored"
    return "\n".join(row[0] for row in rows)


def _assert_absent_everywhere(bot, sender: str, secrets: list[str]) -> None:
    """No secret (as typed, or as its bare digits) in the events, the database files or the logs."""
    stored = _stored(bot.tracker_db, sender)
    assert CPR_PLACEHOLDER in stored and PHONE_PLACEHOLDER in stored and EMAIL_PLACEHOLDER in stored
    files = sorted(bot.tracker_db.parent.glob(bot.tracker_db.name + "*")) + sorted(bot.run_dir.glob("*.log"))
    raw = {path.name: path.read_bytes() for path in files}
    for secret in secrets:
        forms = {secret, _digits(secret), _digits(secret)[-8:]} if "@" not in secret else {secret}
        for form in forms:
            assert form not in stored, (form, "events table")
            for name, data in raw.items():
                assert form.encode() not in data, (form, name)


def _user_texts(tracker_db: Path, sender: str) -> list[str]:
    events = [json.loads(line) for line in _stored(tracker_db, sender).splitlines()]
    return [event["text"] for event in events if event.get("event") == "user"]


@pytest.mark.servers
def test_rest_personal_data_never_reaches_storage_or_logs(running_bot):
    sender = new_sender("privacy-rest")
    replies = [rest_ask(running_bot.rasa_url, sender, text) for text in _messages(SECRETS["rest"])]
    assert [kinds(r).count("notice") for r in replies] == [1, 0, 0], "the notice comes once, on the first"
    assert all(kinds(r)[-1] != "error" for r in replies), replies
    _assert_absent_everywhere(running_bot, sender, SECRETS["rest"])


async def _socket_conversation(rasa_url: str, texts: list[str]) -> tuple[str, list[list[dict]]]:
    async with SocketConversation(rasa_url) as chat:
        return chat.session_id, [await chat.ask(text) for text in texts]


@pytest.mark.servers
def test_socketio_personal_data_never_reaches_storage_or_logs(running_bot):
    sender, replies = asyncio.run(_socket_conversation(running_bot.rasa_url, _messages(SECRETS["socketio"])))
    assert [kinds(r).count("notice") for r in replies] == [1, 0, 0], "the notice comes once, on the first"
    assert all(kinds(r)[-1] != "error" for r in replies), replies
    _assert_absent_everywhere(running_bot, sender, SECRETS["socketio"])


@pytest.mark.servers
def test_rest_amounts_and_years_are_stored_unmasked_without_notice(running_bot):
    sender = new_sender("privacy-amounts")
    assert "notice" not in kinds(rest_ask(running_bot.rasa_url, sender, HARMLESS))
    assert HARMLESS in _user_texts(running_bot.tracker_db, sender)


@pytest.mark.servers
def test_socketio_amounts_and_years_are_stored_unmasked_without_notice(running_bot):
    sender, replies = asyncio.run(_socket_conversation(running_bot.rasa_url, [HARMLESS]))
    assert "notice" not in kinds(replies[0])
    assert HARMLESS in _user_texts(running_bot.tracker_db, sender)
