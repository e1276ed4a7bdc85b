"""Questions offered as buttons (no model needed)."""

from __future__ import annotations

from bot.dialogue.suggestions import as_buttons, suggest
from bot.documents.corpus import current_sources
from bot.schema import SourceInfo
from tests.conftest import ROOT

SOURCES = {
    "a.txt": SourceInfo("a.txt", "A", questions=("Hvad gjorde Herning?", "Hvad kostede det i Herning?")),
    "b.txt": SourceInfo("b.txt", "B", questions=("Hvad er en dialogbaseret underretning?",)),
    "c.txt": SourceInfo("c.txt", "C", questions=("Hvad foreslår KL?",)),
}


def test_the_cited_documents_questions_come_first_and_never_the_one_asked():
    assert suggest(SOURCES, ["a.txt"], "hvad gjorde herning?") == [
        "Hvad kostede det i Herning?", "Hvad er en dialogbaseret underretning?", "Hvad foreslår KL?"]


def test_several_cited_documents_take_turns():
    assert suggest(SOURCES, ["b.txt", "a.txt"], "noget helt andet", limit=2) == [
        "Hvad er en dialogbaseret underretning?", "Hvad gjorde Herning?"]


def test_buttons_send_the_question_itself():
    assert as_buttons(["Hvad foreslår KL?"]) == [{"title": "Hvad foreslår KL?", "payload": "Hvad foreslår KL?"}]


def test_every_corpus_document_offers_questions():
    sources = current_sources(ROOT / "corpus")
    assert sources and all(len(info.questions) >= 3 for info in sources.values())
