"""Splitting a question that asks two things."""

from __future__ import annotations

import pytest

from bot.language.question_parts import split_question


@pytest.mark.parametrize(("question", "parts"), [
    ("Hvad har Herning investeret, og hvad har de fået igen?", ("Hvad har Herning investeret?", "hvad har de fået igen?")),
    ("Hvad er FLIS og hvor mange kommuner bruger det?", ("Hvad er FLIS?", "hvor mange kommuner bruger det?")),
    ("Which municipality first introduced parenting courses, and when?",
     ("Which municipality first introduced parenting courses?", "when?")),
    ("herning investeringsmodel hvor meget kostede den og hvad gav den",
     ("herning investeringsmodel hvor meget kostede den?", "hvad gav den?")),
])
def test_a_question_asking_two_things_is_split_in_two(question: str, parts: tuple[str, str]) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize("question", [
    "Hvad har Herning investeret?",
    "Hvordan samarbejder skole og dagtilbud?",  # "og" between nouns
    "og hvad har det givet?",  # a follow-up, no first part
    "Hvad er A, og hvad er B, og hvad er C?",  # three parts: answered as one question
])
def test_a_question_asking_one_thing_is_not_split(question: str) -> None:
    assert split_question(question) is None
