"""The guided notification flow and the buttons, through the real REST channel and servers."""

from __future__ import annotations

import pytest

from tests.chat_clients import new_sender

pytestmark = pytest.mark.servers

START = "/start_notification_guide"


def _payloads(message: dict) -> list[str]:
    return [button["payload"] for button in message.get("buttons", [])]


def test_an_answer_offers_related_questions_as_buttons(running_bot):
    answer = running_bot.send(new_sender("guide"), "Har det virket med socialrådgivere på skolerne i Odense?")[-1]
    assert answer["custom"]["kind"] == "answer"
    assert 2 <= len(answer["buttons"]) <= 3
    assert all(b["title"] == b["payload"] and b["title"].endswith("?") for b in answer["buttons"])


def test_guidance_offers_the_guide_and_yes_starts_it(running_bot):
    sender = new_sender("guide")
    guidance = running_bot.send(sender, "Jeg er pædagog og bekymret for en pige. Hvordan skriver jeg en underretning?")[-1]
    assert guidance["custom"]["kind"] == "guidance" and guidance["custom"]["sources"]
    assert START in _payloads(guidance)
    first = running_bot.send(sender, "ja tak")[-1]
    assert "akut fare" in first["text"] and _payloads(first) == ["/affirm", "/deny"]


def test_the_guide_asks_three_questions_then_gives_cited_guidance(running_bot):
    sender = new_sender("guide")
    assert "akut fare" in running_bot.send(sender, START)[-1]["text"]
    assert "sparring" in running_bot.send(sender, "/deny")[-1]["text"]
    assert "forældrene" in running_bot.send(sender, "nej, ikke endnu")[-1]["text"]
    result = running_bot.send(sender, "/affirm")[-1]
    assert result["custom"]["kind"] == "guidance"
    assert {s["file"] for s in result["custom"]["sources"]} and "Tjekliste" in result["text"]
    assert "dialogbaser" in result["text"].lower()


def test_a_child_in_danger_ends_the_guide_with_the_emergency_advice(running_bot):
    sender = new_sender("guide")
    running_bot.send(sender, START)
    emergency = running_bot.send(sender, "/affirm")[-1]
    assert emergency["custom"]["kind"] == "emergency" and "112" in emergency["text"]


def test_asking_something_else_leaves_the_guide(running_bot):
    sender = new_sender("guide")
    running_bot.send(sender, START)
    answer = running_bot.send(sender, "Hvor mange penge afsatte satspuljeaftalen til tidlig indsats?")[-1]
    assert answer["custom"]["kind"] == "answer" and "96" in answer["text"]
    assert "sparring" not in running_bot.send(sender, "nej")[-1]["text"]  # the guide is over


def test_a_policy_question_is_answered_even_if_nlu_hesitates_on_danger(running_bot):
    messages = running_bot.send(new_sender("guide"), "Hvad er Københavns mål for udsatte unge, der gennemfører 9. klasse?")
    assert messages[-1]["custom"]["kind"] == "answer"
    assert "emergency" not in [m["custom"]["kind"] for m in messages]


def test_danger_inside_the_guide_and_after_feedback_gets_the_emergency_message_once(running_bot):
    """The channel's net runs on every message, whatever the dialogue state; never twice in a reply."""
    sender = new_sender("guide-danger")
    assert "akut fare" in running_bot.send(sender, START)[-1]["text"]
    inside = running_bot.send(sender, "nej men hun siger at far slår hende")
    assert [m["custom"].get("kind") for m in inside].count("emergency") == 1 and "112" in inside[0]["text"]
    asked = new_sender("feedback-danger")
    running_bot.send(asked, "Hvad investerede Herning?")
    running_bot.send(asked, "👎")
    after = running_bot.send(asked, "min elev har blå mærker og tør ikke gå hjem, hvad gør jeg?")
    assert [m["custom"].get("kind") for m in after].count("emergency") == 1 and "112" in after[0]["text"]
