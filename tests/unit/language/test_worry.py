"""Which messages speak of a worry about a child (the subject of the notification guidance)."""

from __future__ import annotations

import pytest

from bot.language.worry import speaks_of_a_worry


@pytest.mark.parametrize("text", [
    "Jeg er bekymret for en dreng i min gruppe",
    "hvordan skriver jeg en underetning til kommunen??",
    "Vi lærere er tit usikre på, hvordan en elevs opførsel skal forstås",
    "skal jeg sige det til foraeldrene?",
    "Barnet har blå mærker",
    "How do I report a concern about a pupil?",
    "I think a child in my class is neglected",
])
def test_a_child_a_family_or_a_worry_is_a_worry(text: str):
    assert speaks_of_a_worry(text)


@pytest.mark.parametrize("text", [
    "Hvilke planter trives på en altan, der vender mod nord?",
    "Skriv en invitation til vores sommerfest i børnehaven",
    "Hvad koster en ny cykel?",
    "What is the weather like in Aarhus?",
])
def test_other_subjects_are_no_worry(text: str):
    assert not speaks_of_a_worry(text)
