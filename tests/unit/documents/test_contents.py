"""Sections a contents page lists whose text the corpus lacks (`bot.documents.contents`)."""

from __future__ import annotations

from bot.documents.contents import corpus_missing_sections, listed_sections, missing_sections
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "corpus"
SCHOOLS = CORPUS / "skolesocialraadgivere.txt"


def test_the_contents_line_lists_its_sections_without_its_own_heading():
    assert listed_sections(SCHOOLS.read_text(encoding="utf-8")) == [
        "Siden 2019", "Økonomi", "Lektiecafé for tosprogede elever", "Forældremøder i udskolingen"]


def test_sections_whose_title_the_body_states_are_not_missing():
    assert missing_sections(SCHOOLS.read_text(encoding="utf-8")) == (
        "Lektiecafé for tosprogede elever", "Forældremøder i udskolingen")


def test_a_text_without_a_contents_page_misses_nothing():
    assert missing_sections("Økonomi\n\nOrdningen koster 3,2 mio. kr. om året.") == ()
    # Dot leaders in two places are no contents line (three or more entries are).
    assert listed_sections("Se side... 3 og side... 4.") == []


def test_the_corpus_sections_come_from_the_files_asked_for_only():
    assert corpus_missing_sections(CORPUS, {SCHOOLS.name, "dagpleje.md"}) == (
        "Lektiecafé for tosprogede elever", "Forældremøder i udskolingen")
    assert corpus_missing_sections(CORPUS, {"dagpleje.md"}) == ()
