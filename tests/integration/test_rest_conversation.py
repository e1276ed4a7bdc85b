"""Conversations through the real REST channel with the real Rasa and action servers."""

from __future__ import annotations

import sqlite3

import pytest
import requests

from tests.chat_clients import new_sender

pytestmark = pytest.mark.servers

KINDS = {"answer", "no_answer", "smalltalk", "guidance", "emergency", "clarify", "error", "notice"}


def _kinds(messages: list[dict]) -> list[str]:
    return [m["custom"]["kind"] for m in messages]


def test_every_server_is_up(running_bot):
    status = requests.get(f"{running_bot.rasa_url}/status", timeout=10).json()
    assert status["model_file"]
    assert requests.get(f"{running_bot.action_url}/health", timeout=10).ok
    assert "<html" in requests.get(running_bot.web_url, timeout=10).text.lower()


def test_greeting_is_danish_smalltalk(running_bot):
    messages = running_bot.send(new_sender("test"), "hej")
    assert _kinds(messages) == ["smalltalk"]
    assert any(word in messages[0]["text"] for word in ("Hej", "Goddag"))


def test_a_greeting_with_a_remark_is_smalltalk_and_an_english_follow_up_keeps_its_context(running_bot):
    """A greeting that asks nothing gets the greeting whatever NLU made of it; the English headline conversation
    carries over to "and Aarhus?"."""
    assert _kinds(running_bot.send(new_sender("test"), "Godmorgen! Så er kaffen klar")) == ["smalltalk"]
    sender = new_sender("test")
    first = running_bot.send(sender, "How much did Herning invest in early intervention, and what did they get back?")
    assert first[-1]["custom"]["kind"] == "answer" and "4,7 mio" in first[-1]["text"]
    aarhus = running_bot.send(sender, "and Aarhus?")[-1]
    assert aarhus["custom"]["kind"] == "answer" and "Aarhus" in aarhus["text"]


def test_herning_question_is_answered_with_a_source(running_bot):
    messages = running_bot.send(new_sender("test"), "Hvad investerede Herning, og hvad fik de igen?")
    answer = messages[-1]["custom"]
    assert answer["kind"] == "answer"
    assert answer["sources"] and all(s["file"] and s["title"] and s["publisher"] for s in answer["sources"])
    assert "Herning" in answer["text"] and "Kilde" in answer["text"]
    assert messages[-1]["text"] == answer["text"]


def test_the_headline_conversation_carries_its_context(running_bot):
    """The candidate's conversation from the product brief: Herning's investment and return, then
    "og Aarhus?", "siden hvornår?" and "hvem har skrevet det?", each answered from the documents."""
    sender = new_sender("test")
    turns = [("Hvad investerede Herning, og hvad fik de igen?", ("2 mio", "4,7 mio")),
             ("og Aarhus?", ("Aarhus",)), ("siden hvornår?", ("2016",)),
             ("hvem har skrevet det?", ("Dansk Socialrådgiverforening",))]
    for text, facts in turns:
        answer = running_bot.send(sender, text)[-1]
        assert answer["custom"]["kind"] == "answer", (text, answer["text"])
        assert all(fact in answer["text"] for fact in facts), (text, answer["text"])


def test_unrelated_question_is_declined(running_bot):
    messages = running_bot.send(new_sender("test"), "hvad koster en pizza i Rom?")
    assert _kinds(messages)[-1] == "no_answer"
    assert not messages[-1]["custom"]["sources"]


def test_every_message_follows_the_contract(running_bot):
    sender = new_sender("test")
    for text in ("hej", "hvad kan du?", "Har det virket med socialrådgivere på skolerne i Odense?",
                 "hvor har du det fra?", "tak", "farvel"):
        for message in running_bot.send(sender, text):
            assert message["custom"]["kind"] in KINDS, (text, message)
            assert message.get("text"), (text, message)


def test_personal_data_never_reaches_the_tracker_store(running_bot):
    sender = new_sender("test")
    messages = running_bot.send(sender, "Barnet har cpr 010203-1234, mor har tlf 12 34 56 78 og mail mor@example.dk")
    assert "notice" in _kinds(messages)
    with sqlite3.connect(running_bot.tracker_db) as db:
        stored = " ".join(row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))
    assert stored, "the conversation was not stored"
    for secret in ("010203-1234", "12 34 56 78", "mor@example.dk"):
        assert secret not in stored


@pytest.mark.parametrize("body", [b"not json", b'{"sender": "x", "message": 5}', b"[1, 2]"])
def test_bad_requests_get_a_clear_danish_reply(running_bot, body):
    reply = requests.post(f"{running_bot.rasa_url}/webhooks/rest/webhook", data=body,
                          headers={"Content-Type": "application/json"}, timeout=10)
    assert reply.status_code == 400
    assert reply.json()[0]["custom"]["kind"] == "error"
    assert "JSON" in reply.json()[0]["text"]
