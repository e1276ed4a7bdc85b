"""The offline per-fold evaluation on a few questions and a conversation (real engine and index)."""

from __future__ import annotations

import pytest

from bot.evaluation.fold_eval import evaluate, routed
from bot.evaluation.sentence_fit import fold_ids, hide_fold_examples
from bot.qa.engine import Engine
from bot.settings import get_settings

HERNING = "000_f6001265b2ff4c71.txt"
QUESTIONS = [
    {"id": "a", "fold": 1, "kind": "factual", "question": "Hvad har Herning investeret i sin investeringsmodel?",
     "gold_facts": ["2 mio"], "gold_sources": [HERNING]},
    {"id": "b", "fold": 1, "kind": "factual", "question": "Hvad har Herning investeret i sin investeringsmodel?",
     "gold_facts": ["a fact no document states"], "gold_sources": [HERNING]},
    {"id": "c", "fold": 3, "kind": "out_of_scope", "question": "Hvad er hovedstaden i Frankrig?"},
    {"id": "d", "fold": 3, "kind": "smalltalk", "question": "Hej"},  # not counted
]
CONVERSATION = {"id": "k", "fold": 2, "turns": [
    {"user": "Hvad har Herning investeret i sin investeringsmodel?", "kind": "factual", "facts": ["2 mio"]},
    {"user": "og hvad har det givet?", "kind": "factual", "facts": ["4,7 mio"]},
    {"user": "hvem har skrevet det?", "kind": "source", "facts": ["Socialrådgiverforening"]},  # not a follow-up fact
]}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(get_settings())


def test_questions_and_follow_up_turns_are_counted_in_their_folds(engine: Engine) -> None:
    counts = evaluate(engine, QUESTIONS, [CONVERSATION], lambda message: "ask_question")
    assert counts.answerable[1] == [1, 2] and sum(total for _, total in counts.answerable) == 2
    assert counts.out_of_scope[3] == [1, 1] and sum(total for _, total in counts.out_of_scope) == 1
    assert counts.followups[2] == [1, 1] and sum(total for _, total in counts.followups) == 1
    assert "answerable right" in counts.render() and "1/2" in counts.render()


def test_an_intent_outside_the_answer_path_is_answered_without_one(engine: Engine) -> None:
    asked = []

    def intents(message: str) -> str:
        asked.append(message)
        return "greet"
    counts = evaluate(engine, QUESTIONS[:1], [], intents)
    assert asked == [QUESTIONS[0]["question"]] and counts.answerable[1] == [1, 1]


def test_each_fold_hides_the_example_questions_of_its_own_items(engine: Engine) -> None:
    ids = fold_ids(QUESTIONS)
    assert ids[1] == {"a", "b"} and ids[3] == {"c", "d"} and ids[0] == frozenset()
    hide_fold_examples(engine, ids, 1)
    assert engine.searcher().hidden_examples == {"a", "b"}
    hide_fold_examples(engine, ids, 0)
    assert engine.searcher().hidden_examples == frozenset()


def test_acute_intent_without_danger_is_read_as_the_action_server_reads_it() -> None:
    assert routed("acute_concern", "Jeg er pædagog og bekymret for en dreng, der ofte kommer sulten") == "notification_help"
    assert routed("acute_concern", "Findes der eksempler på, at borgere driver et tilbud?") is None
    assert routed("ask_question", "Hvad har Herning investeret?") == "ask_question"
    assert routed("greet", "Hej") is None
