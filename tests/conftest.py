"""Shared fixtures: the embedding model, a small built index, and the running bot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.evaluation.harness import BotDidNotStart, RunningBot
from bot.evaluation.harness import free_port as _free_port  # noqa: F401 - tests start servers of their own
from bot.evaluation.harness import running_bot as start_bot

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The converted-model cache shared with `make` (converted once)."""
    return Path(os.environ.get("BOT_MODEL_CACHE", ROOT / ".cache" / "models"))


@pytest.fixture(scope="session")
def embedder(model_cache: Path):
    """The real multilingual-e5-small embedder."""
    from bot.embedding.embedder import load_embedder

    return load_embedder(model_cache)


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """The whole bot (action server, Rasa server, web page) on free loopback ports."""
    try:
        with start_bot(tmp_path_factory.mktemp("run"), ready_timeout=300) as bot:
            yield bot
    except BotDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The small fixture corpus (tests/fixtures/corpus) indexed once per session."""
    from bot.index.ingest import ingest

    index_dir = tmp_path_factory.mktemp("fixture-index") / "index"
    report = ingest(FIXTURES / "corpus", index_dir, embedder)
    assert report.ok and len(report.added) == 3
    return index_dir


@pytest.fixture(scope="module")
def rasa_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Rasa project (data/, config.yml, domain.yml) with a copy of the trained model, for tests
    that change intents or train: the real project is never modified. The spaCy model is shared."""
    import shutil

    copy = tmp_path_factory.mktemp("rasa-project")
    shutil.copytree(ROOT / "data", copy / "data")
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, copy / name)
    (copy / ".cache").mkdir()
    (copy / ".cache" / "spacy-da").symlink_to(ROOT / ".cache" / "spacy-da")
    (copy / "models").mkdir()
    shutil.copy2(ROOT / "models" / "bot.tar.gz", copy / "models" / "bot.tar.gz")
    return copy
