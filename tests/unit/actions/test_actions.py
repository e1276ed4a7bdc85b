"""The custom actions with CollectingDispatcher and trackers built from dicts (real engine, no servers)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.qa.engine import Engine
from bot.settings import get_settings
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def actions():
    """The action modules, answering with the real engine over the real corpus index."""
    from actions import answer_question, notification_guide, runtime

    runtime.use_engine(Engine(get_settings()))
    yield answer_question, notification_guide
    runtime.use_engine(None)


def test_actions_answer_from_the_engine_they_are_given(fixture_index: Path, embedder):
    """An engine over the small fixture index, handed to the actions without a server."""
    from actions import documents, runtime

    settings = replace(get_settings(), index_dir=fixture_index, corpus_dir=FIXTURES / "corpus")
    runtime.use_engine(Engine(settings, encoder=embedder))
    try:
        dispatcher = CollectingDispatcher()
        documents.ActionListDocuments().run(dispatcher, _tracker("hvilke dokumenter?", "ask_documents", 1.0), {})
    finally:
        runtime.use_engine(None)
    text = dispatcher.messages[0]["text"]
    assert "Testkommunen: »Socialrådgivere på skolerne i Testkommune« (2022)." in text
    assert "Herning" not in text and "KL" not in text


def _tracker(text: str, intent: str, confidence: float, slots: dict[str, Any] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    return Tracker("tester", slots or {}, latest, [], False, None, {}, "action_listen")


def _kinds(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") or (m.get("custom") or {}).get("kind") for m in dispatcher.messages]


def _acute_concern(actions, text: str, confidence: float) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """`action_acute_concern` run on a message NLU gave `acute_concern` with `confidence`: what it said, its events."""
    answer_question, _ = actions
    dispatcher = CollectingDispatcher()
    events = answer_question.ActionAcuteConcern().run(dispatcher, _tracker(text, "acute_concern", confidence), {})
    return dispatcher, events


def test_a_sure_acute_concern_gets_the_emergency_advice_and_offers_the_guide(actions):
    dispatcher, events = _acute_concern(actions, "Min elev siger hun bliver slået derhjemme", 0.99)
    assert _kinds(dispatcher) == ["utter_emergency"]
    assert [(e["name"], e["value"]) for e in events] == [("guide_offered", True)]


def test_an_unsure_acute_concern_without_danger_words_is_answered_as_a_question(actions):
    dispatcher, _ = _acute_concern(
        actions, "Hvad er Københavns baseline og mål for udsatte 17-årige der gennemfører 9. klasse?", 0.64)
    assert _kinds(dispatcher) == ["answer"]


def test_a_sure_acute_concern_without_danger_words_gets_the_advice_then_the_documents_answer(actions):
    dispatcher, _ = _acute_concern(
        actions, "Findes der eksempler på, at borgere selv driver et tilbud, kommunen ville lukke?", 0.95)
    assert _kinds(dispatcher) == ["utter_emergency", "answer"]
    assert "frivillige" in dispatcher.messages[1]["text"]


def test_a_greeting_nlu_took_for_acute_concern_gets_the_greeting(actions):
    dispatcher, events = _acute_concern(actions, "Hi there! Just testing you on my coffee break 🙂", 0.97)
    assert _kinds(dispatcher) == ["utter_greet"] and events == []


def test_a_worry_nlu_took_for_acute_concern_gets_the_advice_then_the_notification_guidance(actions):
    dispatcher, _ = _acute_concern(
        actions, "Forældrene til en dreng i min gruppe kan ikke sætte grænser derhjemme. Hvad gør jeg?", 0.96)
    assert _kinds(dispatcher) == ["utter_emergency", "guidance"]


def test_an_unsure_acute_concern_with_danger_words_still_gets_the_emergency_advice(actions):
    dispatcher, _ = _acute_concern(actions, "et barn har blå mærker og er bange for at gå hjem", 0.55)
    assert _kinds(dispatcher) == ["utter_emergency"]


def test_a_message_about_danger_the_documents_do_not_answer_gets_only_the_emergency_advice(actions):
    answer_question, _ = actions
    dispatcher = CollectingDispatcher()
    tracker = _tracker("min nabo råber og jeg kan høre børnene skrige lige nu", "out_of_scope", 0.6)
    events = answer_question.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert _kinds(dispatcher) == ["utter_emergency"]  # no decline after it
    assert [(e["name"], e["value"]) for e in events] == [("guide_offered", True)]


def test_a_question_about_a_child_in_danger_gets_the_emergency_advice_then_the_answer(actions):
    answer_question, _ = actions
    dispatcher = CollectingDispatcher()
    tracker = _tracker("Min elev har blå mærker på armene. Hvordan skriver jeg en underretning?", "notification_help", 0.9)
    answer_question.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert _kinds(dispatcher) == ["utter_emergency", "guidance"]


def test_the_guide_ends_after_the_danger_question_when_the_child_is_in_danger(actions):
    _, guide = actions
    form = guide.ValidateNotificationForm()
    slots = ["child_in_danger", "had_sparring", "parents_can_join"]
    in_danger = _tracker("ja", "affirm", 1.0, {"child_in_danger": True})
    safe = _tracker("nej", "deny", 1.0, {"child_in_danger": False})

    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), in_danger, {})) == ["child_in_danger"]
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), safe, {})) == slots


def test_the_guides_result_cites_documents_and_clears_its_answers(actions):
    _, guide = actions
    dispatcher = CollectingDispatcher()
    tracker = _tracker("ja", "affirm", 1.0, {"child_in_danger": False, "had_sparring": False,
                                              "parents_can_join": True, "guide_offered": True})
    events = guide.ActionNotificationGuidance().run(dispatcher, tracker, {})
    result = dispatcher.messages[-1]["custom"]
    assert result["kind"] == "guidance" and result["sources"] and "Tjekliste" in result["text"]
    assert {e["name"]: e["value"] for e in events} == {
        "child_in_danger": None, "had_sparring": None, "parents_can_join": None, "guide_offered": None}


def test_elaborating_and_naming_the_sources_work_after_notification_guidance(actions):
    from actions import followups
    from bot.dialogue.reply import reply_to
    from bot.schema import AnswerKind

    question = "Hvordan skriver jeg en god underretning om en elev?"
    guidance = reply_to(followups.engine(), question, "notification_help").answer
    assert guidance.kind is AnswerKind.GUIDANCE and guidance.sources
    slots = {"last_question": question, "last_answer": guidance.payload()}
    said = [line.strip("- ") for source in guidance.sources for line in source.passage.split("\n")]

    # "kan du uddybe?": the next part of the same documents, none of the sentences shown before again.
    more = CollectingDispatcher()
    events = followups.ActionAnswerMore().run(more, _tracker("kan du uddybe?", "ask_elaborate", 1.0, slots), {})
    assert _kinds(more) == ["answer"]
    assert more.messages[0]["custom"]["sources"][0]["file"] in {source.file for source in guidance.sources}
    assert not any(line and line in more.messages[0]["text"] for line in said)
    assert events and events[0]["name"] == "last_answer"

    # "kan du uddybe det med forældrene?": the part about the parents, answered in the guidance's context.
    parents = CollectingDispatcher()
    followups.ActionAnswerMore().run(parents, _tracker("kan du uddybe det med forældrene?", "ask_elaborate", 1.0, slots),
                                     {})
    assert _kinds(parents) == ["answer"] and "forældre" in parents.messages[0]["text"].lower()

    source = CollectingDispatcher()
    followups.ActionAnswerSource().run(source, _tracker("hvor står det?", "ask_answer_source", 1.0, slots), {})
    assert source.messages[0]["text"].startswith("Svaret kommer fra:")


def test_asking_for_the_source_names_it_and_a_question_about_something_in_it_is_answered(actions):
    from actions import followups
    from bot.dialogue.reply import reply_to

    question = "Hvad handler KLs udspil Investér før det sker om?"
    answer = reply_to(followups.engine(), question, "ask_question").answer
    slots = {"last_question": question, "last_answer": answer.payload()}

    source = CollectingDispatcher()
    followups.ActionAnswerSource().run(source, _tracker("hvem står bag?", "ask_answer_source", 0.9, slots), {})
    assert source.messages[0]["text"].startswith("Svaret kommer fra:") and "KL" in source.messages[0]["text"]
    # The document named as such, or filler, is no subject of its own (REST, tuning and dev conversations: turns
    # right 331 -> 334 of 409).
    for message in ("okay. hvem står bag den tekst?", "hvor står det henne i materialet?", "who published this?"):
        named = CollectingDispatcher()
        followups.ActionAnswerSource().run(named, _tracker(message, "ask_answer_source", 0.9, slots), {})
        assert named.messages[0]["text"].startswith("Svaret kommer fra:"), message

    # NLU unsure ("who wrote that?" as nlu_fallback): the answer path names the sources too.
    from actions.answer_question import ActionAnswerQuestion
    unsure = CollectingDispatcher()
    ActionAnswerQuestion().run(unsure, _tracker("who wrote that?", "nlu_fallback", 0.4, slots), {})
    assert unsure.messages[0]["text"].startswith("Svaret kommer fra:") and "KL" in unsure.messages[0]["text"]

    # Taken for smalltalk ("who's the author of this deck?" as bot_challenge): the sources too.
    from actions.smalltalk import ActionSmalltalk
    author = CollectingDispatcher()
    ActionSmalltalk().run(author, _tracker("who's the author of this deck?", "bot_challenge", 0.92, slots), {})
    assert author.messages[0]["text"].startswith("Svaret kommer fra:") and "KL" in author.messages[0]["text"]

    foreword = CollectingDispatcher()
    followups.ActionAnswerSource().run(foreword, _tracker("hvem skrev forordet?", "ask_answer_source", 0.9, slots), {})
    text = foreword.messages[0]["text"]
    assert not text.startswith("Svaret kommer fra:") and "Forord" in text  # the foreword itself, as a question


def test_what_a_notification_should_say_is_answered_not_taken_for_a_source_question(actions):
    from actions import followups
    from bot.dialogue.reply import reply_to

    question = "Jeg er pædagog og bekymret for en dreng. Hvordan skriver jeg en underretning?"
    answer = reply_to(followups.engine(), question, "notification_help").answer
    slots = {"last_question": question, "last_answer": answer.payload()}
    # NLU is sure this is a source question ("står"), but without "hvor" or "bag" it asks what the text should say.
    content = CollectingDispatcher()
    followups.ActionAnswerSource().run(content, _tracker("hvad skal der stå i den?", "ask_answer_source", 0.97, slots),
                                       {})
    assert not content.messages[0]["text"].startswith("Svaret kommer fra:")
    assert "underretning" in content.messages[0]["text"].lower()
    where = CollectingDispatcher()
    followups.ActionAnswerSource().run(where, _tracker("hvor står det?", "ask_answer_source", 0.97, slots), {})
    assert where.messages[0]["text"].startswith("Svaret kommer fra:")


def test_after_a_decline_the_source_and_more_are_about_the_last_answer_the_user_was_shown(actions):
    from actions import followups
    from bot.dialogue.reply import reply_to

    question, declined = "Hvad handler KLs udspil Investér før det sker om?", "Hvad mener Børns Vilkår om KL?"
    answer = reply_to(followups.engine(), question, "ask_question").answer
    decline = reply_to(followups.engine(), declined, "ask_question").answer
    assert decline.kind.value == "no_answer"
    history = [{"event": "slot", "name": name, "value": value} for name, value in (
        ("last_question", question), ("last_answer", answer.payload()),
        ("last_question", declined), ("last_answer", decline.payload()))]
    slots = {"last_question": declined, "last_answer": decline.payload()}

    def tracker(text: str, intent: str) -> Tracker:
        return Tracker("tester", slots, {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
                       history, False, None, {}, "action_listen")

    source = CollectingDispatcher()
    followups.ActionAnswerSource().run(source, tracker("hvem står bag den tekst?", "ask_answer_source"), {})
    assert source.messages[0]["text"].startswith("Svaret kommer fra:") and "KL" in source.messages[0]["text"]
    # A source question NLU took for "shorter" names the sources too.
    mistaken = CollectingDispatcher()
    followups.ActionAnswerShorter().run(mistaken, tracker("hvem udsendte den tekst?", "ask_shorter"), {})
    assert mistaken.messages[0]["text"].startswith("Svaret kommer fra:")
    more = CollectingDispatcher()
    followups.ActionAnswerMore().run(more, tracker("kan du uddybe?", "ask_elaborate"), {})
    assert _kinds(more) == ["answer"]
    assert {s["file"] for s in more.messages[0]["custom"]["sources"]} <= {s.file for s in answer.sources}
    without_history = CollectingDispatcher()
    followups.ActionAnswerShorter().run(without_history, _tracker("kortere", "ask_shorter", 0.9, slots), {})
    assert without_history.messages[0]["text"] == followups.NOTHING_YET
    # A follow-up after the decline reads in the context of the last answer, not of the declined question.
    from actions.answer_question import conversation_context
    context = conversation_context(tracker("og hvad med forældrene?", "ask_followup"))
    assert context is not None and context.question == question and context.files == tuple(
        dict.fromkeys(s.file for s in answer.sources))


@pytest.mark.parametrize(("confidence", "expected"), [(0.99, ["utter_iamabot"]), (0.4, ["no_answer"])])
def test_a_smalltalk_intent_nlu_is_very_sure_of_stands_before_any_answer(actions, confidence: float,
                                                                         expected: list[str]):
    from actions import smalltalk

    dispatcher = CollectingDispatcher()
    message = "Er det en kunstig intelligens, jeg skriver med?"
    smalltalk.ActionSmalltalk().run(dispatcher, _tracker(message, "bot_challenge", confidence), {})
    assert _kinds(dispatcher) == expected


@pytest.mark.parametrize(("text", "intent", "response"), [
    ("Godmorgen! Så er kaffen klar ☕", "out_of_scope", "utter_greet"),
    ("Hej, jeg er ny i byrådet og ville bare lige sige hej", "ask_question", "utter_greet"),
    ("Perfect, that's all I needed for the meeting. Thanks!", "out_of_scope", "utter_thanks"),
    ("ok fint, så har jeg tallet til mødet", "ask_question", "utter_thanks"),
    ("awesome, just what I was after", "out_of_scope", "utter_thanks"),
    ("Glimrende, så er jeg klædt på til udvalgsmødet", "ask_question", "utter_thanks"),
    ("Hvor er du dog hurtig til at finde ting 😊", "ask_question", "utter_thanks"),
    ("wow you're really helpful", "out_of_scope", "utter_thanks"),
])
def test_a_message_that_only_greets_or_thanks_gets_the_greeting_or_thanks(actions, text: str, intent: str,
                                                                         response: str):
    answer_question, _ = actions
    dispatcher = CollectingDispatcher()
    events = answer_question.ActionAnswerQuestion().run(dispatcher, _tracker(text, intent, 0.9), {})
    assert _kinds(dispatcher) == [response] and events == []


@pytest.mark.parametrize(("text", "intent"), [
    ("Hej! Hvad investerede Herning?", "ask_question"),
    ("Hej, jeg vil gerne vide, hvad Herning investerede", "greet"),
    ("Godmorgen, jeg er bekymret for en dreng i min gruppe", "ask_question"),
    ("Tak. Hvem har skrevet det?", "ask_question"),
    ("Fint. Og hvad gjorde Aarhus?", "ask_question"),
    ("Tak for svaret. Hvad med Aarhus", "ask_question"),
    ("Hej! Han trækker ikke vejret", "greet"),
])
def test_a_greeting_or_thanks_with_a_question_a_request_or_a_worry_is_answered(actions, text: str, intent: str):
    answer_question, _ = actions
    dispatcher = CollectingDispatcher()
    answer_question.ActionAnswerQuestion().run(dispatcher, _tracker(text, intent, 0.9), {})
    assert _kinds(dispatcher) and not {"utter_greet", "utter_thanks"} & set(_kinds(dispatcher))


def test_praise_nlu_took_for_a_source_question_gets_the_thanks(actions):
    """With no answer yet, the source action answers the message, which only praises the bot."""
    from actions import followups
    dispatcher = CollectingDispatcher()
    events = followups.ActionAnswerSource().run(dispatcher, _tracker("Hvor er du dog sød 😊", "ask_answer_source", 0.93),
                                                {})
    assert _kinds(dispatcher) == ["utter_thanks"] and events == []
