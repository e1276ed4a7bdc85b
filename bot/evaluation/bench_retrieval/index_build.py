"""Index build on the real corpus: a forced full ingest into a temporary folder, then a no-change ingest."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.evaluation.machine import fmt, progress_log, table

log = progress_log("bench")


@dataclass
class IngestResult:
    """One ingest run."""

    kind: str
    files: int
    chunks: int
    sentences: int
    embedded_chunks: int
    seconds: float


def bench_ingest(corpus_dir: Path, embedder: Any) -> list[IngestResult]:
    """A forced full ingest into a temporary folder, then an ingest with nothing changed."""
    from bot.index.ingest import ingest
    from bot.index.store import load_index

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        index_dir = Path(folder) / "index"
        for kind, force in (("full (--force)", True), ("incremental, no change", False)):
            log(f"ingest: {kind}")
            started = time.perf_counter()
            report = ingest(corpus_dir, index_dir, embedder, force=force)
            seconds = time.perf_counter() - started
            loaded = load_index(index_dir)
            sentences = sum(len(chunk.sentences) for chunk in loaded.chunks) if report.embedded else 0
            files = len(report.added) + len(report.changed) + len(report.unchanged)
            results.append(IngestResult(kind, files, report.chunks, sentences, report.embedded, seconds))
    return results


def render_ingest(ingest_runs: list[IngestResult]) -> list[str]:
    """The ingest part of the report."""
    out = ["### Index build (`bot.index.ingest.ingest`, real corpus)", ""]
    out.append("Into a temporary folder, torch default threads; the embedding model is already loaded. Each chunk "
               "is embedded once as a passage and once per sentence, so *texts embedded* = chunks + sentences.")
    out.append("")
    rows = []
    for run in ingest_runs:
        texts = run.embedded_chunks + run.sentences
        rows.append([run.kind, str(run.files), str(run.chunks), str(run.embedded_chunks), str(run.sentences),
                     fmt(run.seconds, 2), fmt(run.embedded_chunks / run.seconds) if run.embedded_chunks else "–",
                     fmt(texts / run.seconds) if texts else "–"])
    out.append(table(["run", "files", "chunks", "chunks embedded", "sentences embedded", "seconds", "chunks/s",
                      "texts embedded/s"], rows))
    out.append("")
    return out
