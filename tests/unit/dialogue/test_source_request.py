"""Which messages after an answer ask only where it comes from."""

import pytest

from bot.dialogue.source_request import asks_for_the_source, asks_what_it_says


@pytest.mark.parametrize("message", ["who wrote that?", "hvem har skrevet det?", "hvor står det?", "hvem står bag?",
                                     "where is that from?", "okay. hvem står bag den tekst?", "hvem udsendte den tekst?",
                                     "who published these figures?", "where are those numbers from?",
                                     "hvilket dokument står det i?", "who's the author of this deck?",
                                     "og hvilken publikation er det hentet fra?", "hvem stod bag præsentationen?",
                                     "who is behind the press release?"])
def test_a_question_about_the_source_is_recognised(message: str):
    assert asks_for_the_source(message)


@pytest.mark.parametrize("message", ["hvem er det?", "hvad siger de?", "hvem skrev forordet?",
                                     "hvem var minister dengang?", "Hvad står der om forældrene?",
                                     "what were the results?", "what about these children?",
                                     "hvad skal der stå i den?", "hvad står der i den?",
                                     "hvad står der i præsentationen om forældrene?", "og hvad med Aarhus?"])
def test_a_question_about_something_else_is_not(message: str):
    assert not asks_for_the_source(message)


@pytest.mark.parametrize(("message", "expected"), [("hvad skal der stå i den?", True), ("hvad står der i rapporten?", True),
                                                   ("hvor står det?", False), ("hvem står bag?", False),
                                                   ("hvem har skrevet det?", False), ("hvilken rapport står det i?", False)])
def test_a_question_about_what_a_text_says_is_told_from_one_about_where(message: str, expected: bool):
    assert asks_what_it_says(message) is expected
