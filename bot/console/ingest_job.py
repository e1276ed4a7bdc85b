"""Ingest in the background, one run at a time, with progress for the documents page's bar."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from bot.console.jobs import JobStatus
from bot.index.ingest import PassageEncoder, ingest

logger = logging.getLogger(__name__)

# Share of the bar each stage fills: reading and chunking, embedding, writing the build.
STAGES = {"read": (0.0, 0.2), "embed": (0.2, 0.95), "write": (0.95, 1.0)}
STAGE_LABELS = {"": "Venter", "read": "Læser dokumenter", "embed": "Indlejrer passager", "write": "Skriver indekset"}


@dataclass
class IngestStatus(JobStatus):
    """What the progress bar shows; `state` is idle, running, done or failed."""

    label: str = STAGE_LABELS[""]
    done: int = 0
    total: int = 0
    summary: str = ""
    error: str = ""
    finished_at: str = ""


class IngestJob:
    """Runs `bot.index.ingest.ingest` in a thread. A request while a run is going starts one
    more run after it (the files may have changed since the running one read them)."""

    def __init__(self, corpus_dir: Path, index_dir: Path, encoder: Callable[[], PassageEncoder]) -> None:
        self.corpus_dir, self.index_dir, self.encoder = corpus_dir, index_dir, encoder
        self._status = IngestStatus()
        self._lock = threading.Lock()
        self._pending = False
        self._thread: threading.Thread | None = None

    def status(self) -> IngestStatus:
        """A copy of the current status."""
        with self._lock:
            return IngestStatus(**asdict(self._status))

    def request(self) -> None:
        """Start a run now, or once the running one is done."""
        with self._lock:
            self._pending = True
            if self._thread is not None and self._thread.is_alive():
                return
            self._status = IngestStatus(state="running", run=self._status.run + 1, label="Starter")
            self._thread = threading.Thread(target=self._work, name="console-ingest", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> IngestStatus:
        """Wait until no run is going (for the command line and tests); the status."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _progress(self, stage: str, done: int, total: int) -> None:
        start, end = STAGES.get(stage, (0.0, 1.0))
        share = start + (end - start) * (done / total if total else 1.0)
        with self._lock:
            self._status.stage, self._status.label = stage, STAGE_LABELS.get(stage, stage)
            self._status.done, self._status.total = done, total
            self._status.percent = max(self._status.percent, min(99, int(share * 100)))

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False
                if self._status.state != "running":
                    self._status = IngestStatus(state="running", run=self._status.run + 1, label="Starter")
            try:
                report = ingest(self.corpus_dir, self.index_dir, self.encoder(), on_progress=self._progress)
                outcome = {"state": "done", "summary": report.summary(), "percent": 100}
            except Exception as error:  # shown on the page; the old index stays in use
                logger.exception("Ingest from the console failed")
                outcome = {"state": "failed", "error": f"{type(error).__name__}: {error}"}
            with self._lock:
                for key, value in outcome.items():
                    setattr(self._status, key, value)
                self._status.label = "Færdig" if outcome["state"] == "done" else "Fejlede"
                self._status.finished_at = time.strftime("%Y-%m-%d %H:%M:%S")
