"""The third outcome of the answer decision: an openly hedged answer when no passage is close enough
but the nearest one is in the domain (real model, fixture index)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.qa.declines import HEDGE_TEXT
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
