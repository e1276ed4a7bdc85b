"""Every retrieval benchmark in turn, then the report between the retrieval markers of docs/benchmarks.md."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from bot.evaluation.bench_retrieval.index_build import bench_ingest
from bot.evaluation.bench_retrieval.latency import bench_search_latency
from bot.evaluation.bench_retrieval.report import describe_machine, render, write_section
from bot.evaluation.bench_retrieval.throughput import bench_embedding
from bot.evaluation.machine import load_average, progress_log

FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)

log = progress_log("bench")


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds)."""
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def run_benchmarks(command: str, eval_file: Path, output: Path, *, quick: bool = False, sizes: list[int] | None = None,
                   skip_scale: bool = False, niceness: int = 19, raw_json: Path | None = None) -> str:
    """Measure, write the section of `output` (and the raw results to `raw_json`); the section's Markdown.

    `quick`: the FAISS scale run at 10k and 100k vectors and with the current HNSW constants only;
    `sizes` (vector counts) replaces the sizes either way; `skip_scale` leaves the scale run out.
    """
    from bot.embedding.embedder import load_embedder
    from bot.index import vectors
    from bot.index.store import load_index
    from bot.qa.search import Searcher
    from bot.settings import get_settings

    settings = get_settings()
    machine = describe_machine(command)
    log(f"load average at start: {machine.load_start}")
    embedder, model_load_s = timed(lambda: load_embedder(settings.model_cache_dir))
    index = load_index(settings.index_dir)
    searcher = Searcher(index, embedder)

    latency = bench_search_latency(searcher, eval_file)
    throughput = bench_embedding(embedder, [s for chunk in index.chunks for s in chunk.sentences])
    ingest_runs = bench_ingest(settings.corpus_dir, embedder)

    scale = None
    if not skip_scale:
        from bot.evaluation.bench_retrieval.scale import FALLBACK_VARIANT, bench_scale

        scale_sizes = sizes or list(QUICK_SIZES if quick else FULL_SIZES)
        current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION)
        variants = [current] if quick else list(dict.fromkeys([(16, 80), current, FALLBACK_VARIANT]))
        with tempfile.TemporaryDirectory(prefix="bench-faiss-") as workdir:
            scale = bench_scale(sorted(scale_sizes), variants, niceness, Path(workdir), index.sentence_vectors)

    machine.load_end = load_average()
    log(f"load average at end: {machine.load_end}")
    body = render(machine, latency, ingest_runs, throughput, scale, quick and not sizes, model_load_s)
    write_section(output, body)
    log(f"wrote {output}")
    if raw_json:
        raw = {"machine": asdict(machine), "latency": [asdict(r) for r in latency],
               "ingest": [asdict(r) for r in ingest_runs], "throughput": [asdict(r) for r in throughput],
               "scale": asdict(scale) if scale else None}
        raw_json.write_text(json.dumps(raw, indent=2, default=str))
    return body
