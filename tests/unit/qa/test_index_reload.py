"""The engine picks up a rebuilt index without a restart; a broken build leaves the old one serving
(through the running bot: tests/integration/test_hot_reload.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.index.ingest import ingest
from bot.index.store import current_build
from bot.qa.engine import Engine
from bot.settings import get_settings
from tests.fixture_documents import CORPUS_QUESTION, FACT, QUESTION, add_report, copy_corpus


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path)


@pytest.fixture()
def engine(corpus: Path, tmp_path: Path, embedder) -> Engine:
    """An engine on a fresh index of the fixture corpus."""
    index_dir = tmp_path / "index"
    assert ingest(corpus, index_dir, embedder).ok
    return Engine(replace(get_settings(), index_dir=index_dir))


def test_engine_answers_from_a_new_build_without_restart(engine: Engine, corpus: Path, embedder):
    assert engine.answer(QUESTION).kind == "no_answer"
    name = add_report(corpus, "docx")
    ingest(corpus, engine.settings.index_dir, embedder)
    answer = engine.answer(QUESTION)
    assert answer.kind == "answer" and FACT in answer.text and answer.sources[0].file == name
    assert name in {c.file for c in engine.index.chunks}


def test_a_question_in_flight_keeps_its_index_while_builds_are_swapped_and_pruned(
        engine: Engine, corpus: Path, embedder):
    in_flight = engine.searcher()
    first_build = in_flight.index.path
    for fmt in ("md", "html"):  # two newer builds: the first one is pruned from disk
        add_report(corpus, fmt)
        ingest(corpus, engine.settings.index_dir, embedder)
    assert not first_build.exists()
    hits = in_flight.search(CORPUS_QUESTION, 3)
    assert hits[0].chunk.file == "skolesocialraadgivere.txt"
    assert engine.searcher() is not in_flight and engine.index.path == current_build(engine.settings.index_dir)


def test_a_broken_new_build_leaves_the_old_index_serving(engine: Engine, corpus: Path, embedder):
    index_dir = engine.settings.index_dir
    good = current_build(index_dir)
    broken = good.parent / "broken"
    shutil.copytree(good, broken)
    (broken / "dense.faiss").write_bytes(b"half written")
    (index_dir / "next").symlink_to(broken.relative_to(index_dir))
    os.replace(index_dir / "next", index_dir / "current")

    assert engine.answer(CORPUS_QUESTION).kind == "answer"
    assert engine.index.path == good
    name = add_report(corpus, "txt")
    ingest(corpus, index_dir, embedder)  # the consultant's fix: a complete new build
    assert engine.answer(QUESTION).sources[0].file == name
