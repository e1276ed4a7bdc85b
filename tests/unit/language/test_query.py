"""The kind of answer a question asks for (`Query.wanted_shapes`)."""

from __future__ import annotations

import pytest

from bot.language.query import Query


def _wants(question: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for."""
    return any(shape.search(sentence) for shape in Query.parse(question).wanted_shapes)


@pytest.mark.parametrize("question", [
    "Hvilket hovednummer har foreningen?",
    "hvordan kan jeg få fat i hende?",
    "Kan jeg ringe til nogen?",
    "Hvad er hendes mailadresse?",
    "is there a general e-mail I can write to?",
    "how can I reach her?",
])
def test_contact_details_are_asked_for_in_many_words(question: str) -> None:
    assert _wants(question, "Skriv til sb@socialraadgiverne.dk")
    assert _wants(question, "Telefon 33 38 61 00")
    assert not _wants(question, "Kommunerne arbejder med tidlig indsats.")


def test_a_street_address_is_contact_details() -> None:
    assert _wants("and what's the association's street address?", "Toldbodgade 19B, 1253 København K")


@pytest.mark.parametrize("question", ["Hvad siger KL om tidlig indsats?", "Hvorfor virker den tidlige indsats?"])
def test_other_questions_ask_for_no_contact_details(question: str) -> None:
    assert not _wants(question, "Skriv til sb@socialraadgiverne.dk")
