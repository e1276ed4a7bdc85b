"""Which messages after an answer ask only where it comes from."""

import pytest

from bot.dialogue.source_request import asks_for_the_source


@pytest.mark.parametrize("message", ["who wrote that?", "hvem har skrevet det?", "hvor står det?", "hvem står bag?",
                                     "where is that from?", "okay. hvem står bag den tekst?", "hvem udsendte den tekst?",
                                     "who published these figures?", "where are those numbers from?"])
def test_a_question_about_the_source_is_recognised(message: str):
    assert asks_for_the_source(message)


@pytest.mark.parametrize("message", ["hvem er det?", "hvad siger de?", "hvem skrev forordet?",
                                     "hvem var minister dengang?", "Hvad står der om forældrene?",
                                     "what were the results?", "what about these children?"])
def test_a_question_about_something_else_is_not(message: str):
    assert not asks_for_the_source(message)
