"""The engine on the fixture index (real model): the openly hedged third outcome of the answer decision
when no passage is close enough but the nearest one is in the domain, and questions in two parts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.dialogue.followup import Context
from bot.dialogue.reply import _out_of_scope_unfounded, reply_to
from bot.language.query import Query
from bot.qa.declines import HEDGE_TEXT, SECTION_MISSING_START
from bot.qa.engine import Engine
from bot.qa.relevance import STRICT_POLICY, RelevancePolicy
from bot.schema import AnswerKind, DeclineReason
from bot.settings import get_settings
from tests.conftest import FIXTURES

# Most of its subject words are in the fixture corpus, but not all: a policy asking for full coverage finds no
# passage close enough.
QUESTION = "Hvad har det kostet at have socialrådgivere på skolerne, og hvad siger lærerforeningen?"
WANTS_ALL = RelevancePolicy(min_term_coverage=1.01, strong_dense=1.01)


def _engine(fixture_index: Path, embedder) -> Engine:
    settings = replace(get_settings(), index_dir=fixture_index, corpus_dir=FIXTURES / "corpus")
    return Engine(settings, encoder=embedder)


def test_a_weak_match_in_the_domain_is_answered_openly_hedged(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    hedged = engine.answer(QUESTION, replace(WANTS_ALL, hedge_dense=0.0))
    assert hedged.kind is AnswerKind.ANSWER and hedged.text.startswith(HEDGE_TEXT)
    assert hedged.sources and hedged.sources[0].file == "skolesocialraadgivere.txt"


def test_no_hedge_below_the_threshold_or_when_nlu_said_out_of_scope(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    declined = engine.answer(QUESTION, replace(WANTS_ALL, hedge_dense=1.01))
    assert declined.kind is AnswerKind.NO_ANSWER and declined.reason is DeclineReason.NOT_CLOSE
    assert STRICT_POLICY.hedge_dense > 1.0


def test_a_question_in_two_parts_is_answered_in_both_from_two_documents(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    answer = engine.answer("Hvad koster ordningen med socialrådgivere på skolerne, og hvornår inviteres forældrene "
                           "i dagplejen til en samtale?")
    assert answer.kind is AnswerKind.ANSWER
    assert "3,2 mio. kr." in answer.text and "Forældrene inviteres altid til en samtale" in answer.text
    assert {source.file for source in answer.sources} == {"skolesocialraadgivere.txt", "dagpleje.md"}
    body = answer.text.split("\n\nKilde")[0]
    assert body.count("Siden 2019 har alle skoler") == 1


def test_an_elliptical_followup_nlu_took_for_out_of_scope_is_read_in_context(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    context = Context.after("Hvad koster ordningen med socialrådgivere på skolerne?",
                            engine.answer("Hvad koster ordningen med socialrådgivere på skolerne?"))
    assert context.files == ("skolesocialraadgivere.txt",)
    followup = reply_to(engine, "and what did it save?", "out_of_scope", context)
    assert followup.answer.kind is AnswerKind.ANSWER and "5,1 mio. kr." in followup.answer.text
    # A word the documents never use keeps NLU's verdict (the strict policy).
    vocabulary = engine.index.subject_terms.document_frequency
    own = Query.parse("hvad siger de om ældreplejen?")
    assert not _out_of_scope_unfounded(own, Query.in_context(own, Query.parse(context.question)), vocabulary)
    own = Query.parse("og anbringelserne?")
    assert _out_of_scope_unfounded(own, Query.in_context(own, Query.parse(context.question)), vocabulary)
    assert not _out_of_scope_unfounded(own, own, vocabulary)  # not read in context: NLU's verdict stands


def test_more_says_only_what_was_not_shown_and_stays_with_the_place_asked_about(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    shown = "Siden 2019 har alle skoler i Testkommune haft en fast socialrådgiver tilknyttet."
    more = engine.elaborate("Hvad gør socialrådgiverne på skolerne?", ["skolesocialraadgivere.txt"], [shown])
    assert more.kind is AnswerKind.ANSWER and shown not in more.text
    assert {source.file for source in more.sources} == {"skolesocialraadgivere.txt"}
    elsewhere = engine.elaborate("Hvad gør socialrådgiverne på skolerne i Aarhus?", ["skolesocialraadgivere.txt"], [shown])
    assert elsewhere.kind is AnswerKind.NO_ANSWER and elsewhere.reason is DeclineReason.NOTHING_MORE


def test_a_section_only_the_contents_page_lists_is_declined_as_such(fixture_index: Path, embedder):
    engine = _engine(fixture_index, embedder)
    anything_close = RelevancePolicy(min_dense=0.0, min_term_coverage=0.0)
    declined = engine.answer("Hvad står der om lektiecafé for tosprogede elever?", anything_close)
    assert declined.kind is AnswerKind.NO_ANSWER and declined.reason is DeclineReason.SECTION_MISSING
    assert declined.text.startswith(SECTION_MISSING_START)
    # Part of the title only: the passages may answer it.
    assert engine.answer("Hvad står der om tosprogede elever?", anything_close).kind is AnswerKind.ANSWER
