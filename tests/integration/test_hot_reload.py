"""A rebuilt index is picked up by the running bot without a restart, and no request fails.

The engine checks `index/current` on every question and loads a newer build under a lock;
a question in flight keeps the index it started with. Here through the whole running bot (REST
channel), started on its own temporary index; the engine itself: tests/unit/qa/test_index_reload.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.evaluation.harness import RunningBot
from bot.evaluation.harness import running_bot as start_bot
from bot.index.ingest import ingest
from bot.index.store import load_index
from tests.conftest import ROOT
from tests.fixture_documents import CORPUS_QUESTION, FACT, QUESTION, add_report, copy_corpus


@pytest.fixture(scope="module")
def hot_bot(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[RunningBot, Path, Path]]:
    """The whole bot started on a temporary index of the fixture corpus: (bot, corpus, index)."""
    root = tmp_path_factory.mktemp("hot-reload")
    corpus, index_dir, run_dir = copy_corpus(root), root / "index", root / "run"
    assert ingest(corpus, index_dir, embedder).ok
    with start_bot(run_dir, tracker_db=root / "tracker.db", env={"BOT_INDEX_DIR": str(index_dir)}) as bot:
        yield bot, corpus, index_dir


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
    name = add_report(corpus, "pdf")
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
