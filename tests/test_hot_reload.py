"""A rebuilt index is picked up by the running bot without a restart, and no request fails.

The engine checks `index/current` on every question and loads a newer build under a lock;
a question in flight keeps the index it started with. Tested on the `Engine` itself and
through the whole running bot (REST channel), started on its own temporary index.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.engine import Engine
from bot.index_store import current_build, load_index
from bot.ingest import ingest
from bot.settings import get_settings
from tests.conftest import ROOT, RunningBot, _free_port
from tests.fixture_documents import FACT, QUESTION, add_metadata, copy_corpus, write_document

CORPUS_QUESTION = "Hvad har det kostet at have socialrådgivere på skolerne?"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path)


@pytest.fixture()
def engine(corpus: Path, tmp_path: Path, embedder) -> Engine:
    """An engine on a fresh index of the fixture corpus."""
    index_dir = tmp_path / "index"
    assert ingest(corpus, index_dir, embedder).ok
    return Engine(replace(get_settings(), index_dir=index_dir))


def _add_report(corpus: Path, fmt: str) -> str:
    name = write_document(corpus, fmt).name
    add_metadata(corpus, name)
    return name


def test_engine_answers_from_a_new_build_without_restart(engine: Engine, corpus: Path, embedder):
    assert engine.answer(QUESTION).kind == "no_answer"
    name = _add_report(corpus, "docx")
    ingest(corpus, engine.settings.index_dir, embedder)
    answer = engine.answer(QUESTION)
    assert answer.kind == "answer" and FACT in answer.text and answer.sources[0]["file"] == name
    assert name in {c.file for c in engine.index.chunks}


def test_a_question_in_flight_keeps_its_index_while_builds_are_swapped_and_pruned(
        engine: Engine, corpus: Path, embedder):
    in_flight = engine.searcher()
    first_build = in_flight.index.path
    for fmt in ("md", "html"):  # two newer builds: the first one is pruned from disk
        _add_report(corpus, fmt)
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
    name = _add_report(corpus, "txt")
    ingest(corpus, index_dir, embedder)  # the consultant's fix: a complete new build
    assert engine.answer(QUESTION).sources[0]["file"] == name


# --- through the running bot -------------------------------------------------------------


@pytest.fixture(scope="module")
def hot_bot(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[RunningBot, Path, Path]]:
    """The whole bot started on a temporary index of the fixture corpus: (bot, corpus, index)."""
    root = tmp_path_factory.mktemp("hot-reload")
    corpus, index_dir, run_dir = copy_corpus(root), root / "index", root / "run"
    assert ingest(corpus, index_dir, embedder).ok
    ports = {name: _free_port() for name in ("ACTION_PORT", "RASA_PORT", "WEB_PORT")}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}, "BOT_INDEX_DIR": str(index_dir),
           "TRACKER_DB": str(root / "tracker.db"), "RUN_DIR": str(run_dir)}
    process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert process.stdout is not None
    for line in process.stdout:  # run.sh prints READY, or gives up after its own timeout
        if line.strip() == "READY":
            break
    else:
        pytest.fail(f"the bot did not start; see the logs in {run_dir}")
    url = f"http://127.0.0.1:{ports['RASA_PORT']}"
    yield (RunningBot(url, f"http://127.0.0.1:{ports['ACTION_PORT']}", f"http://127.0.0.1:{ports['WEB_PORT']}",
                      root / "tracker.db", run_dir, process), corpus, index_dir)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def _ask_repeatedly(bot: RunningBot, stop: threading.Event, results: list[tuple[float, object]]) -> None:
    """Ask a corpus question again and again until `stop`; record (time, kinds or the error)."""
    while not stop.is_set():
        try:
            kinds: object = [m["custom"]["kind"] for m in bot.send(f"flight-{len(results)}", CORPUS_QUESTION)]
        except (requests.RequestException, KeyError, ValueError) as error:
            kinds = error
        results.append((time.monotonic(), kinds))


@pytest.mark.servers
def test_running_bot_answers_a_new_document_after_ingest_and_no_request_fails(hot_bot):
    bot, corpus, index_dir = hot_bot
    assert [m["custom"]["kind"] for m in bot.send("before", QUESTION)] == ["no_answer"]
    name = _add_report(corpus, "pdf")
    stop, results = threading.Event(), []
    asker = threading.Thread(target=_ask_repeatedly, args=(bot, stop, results))
    asker.start()
    try:
        run = subprocess.run([sys.executable, "-m", "bot", "ingest", "--corpus", str(corpus), "--index", str(index_dir)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
        swapped = time.monotonic()
        while not any(at > swapped for at, _ in results) and asker.is_alive():
            time.sleep(0.2)
    finally:
        stop.set()
        asker.join(timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"Tilføjet: 1 ({name})" in run.stdout
    assert all(kinds == ["answer"] for _, kinds in results), results
    assert any(at < swapped for at, _ in results) and any(at > swapped for at, _ in results)

    messages = bot.send("after", QUESTION)
    answer = messages[-1]["custom"]
    assert answer["kind"] == "answer" and FACT in messages[-1]["text"]
    assert answer["sources"][0]["file"] == name
    assert "Loaded new index build" in (bot.run_dir / "actions.log").read_text()
    assert bot.process.poll() is None  # the same servers, never restarted
    assert {c.file for c in load_index(index_dir).chunks} >= {name, "skolesocialraadgivere.txt"}
