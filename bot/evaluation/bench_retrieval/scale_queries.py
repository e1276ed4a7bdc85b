"""The light half of the FAISS scale run: single queries timed in this process, recall against exact search."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import faiss
import numpy as np

import bot.index.vectors as vectors
from bot.evaluation.bench_retrieval.synthetic import SCALE_QUERIES
from bot.evaluation.machine import fmt_count, percentiles, progress_log
from bot.qa.search import CANDIDATES

FLAT_QUERIES_LARGE = 200  # exact search past 20k vectors: 200 single queries are enough for a p95
FLAT_QUERIES_SLOW = 50  # multi-threaded exact search past LARGE takes ~1 s a query
FLAT_GIVE_UP_MS = 100.0  # the crossover sweep stops a thread setting once its p50 is past this
LARGE = 500_000
WARMUP_QUERIES = 20
CROSSOVER_SIZES = (10_000, 20_000, 30_000, 50_000, 75_000, 100_000, 200_000, 500_000, 1_000_000)
TARGET_MS = 10.0
TARGET_RECALL = 0.95

log = progress_log("bench")


@contextlib.contextmanager
def faiss_threads(count: int) -> Iterator[None]:
    """Temporarily set FAISS's OpenMP thread count."""
    saved = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(saved)


def time_queries(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, dict[str, float]]:
    """Single-query search via bot.index.vectors.search_vectors, after a warm-up; (ids, latency stats).

    The stats also hold `cpu_p50`/`cpu_p95`: process CPU time per query (all threads), which
    the other load on the machine barely affects.
    """
    for query in queries[:WARMUP_QUERIES]:
        vectors.search_vectors(index, query, k)
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    timings, cpu = [], []
    for row, query in enumerate(queries):
        cpu_started = time.process_time()
        started = time.perf_counter()
        _, found = vectors.search_vectors(index, query, k)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        ids[row, : len(found)] = found
    stats = percentiles(timings)
    stats["cpu_p50"], stats["cpu_p95"] = (float(v) for v in np.percentile(cpu, [50, 95]))
    return ids, stats


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Mean share of the exact top-k found in the first k results."""
    hits = [len(np.intersect1d(f[:k], t[:k])) for f, t in zip(found, truth)]
    return float(np.mean(hits)) / k


@dataclass
class ScaleRow:
    """One index at one size, at one efSearch (None for flat) and FAISS thread count."""

    count: int
    kind: str
    neighbours: int | None
    ef_construction: int | None
    ef_search: int | None
    faiss_threads: int
    queries: int
    k10: dict[str, float]
    k100: dict[str, float]
    recall10: float
    recall10_at_k100: float
    recall100: float
    build: dict[str, Any] = field(default_factory=dict)


def flat_query_count(count: int, threads: int) -> int:
    """How many queries to time on exact search: all of them while it is cheap."""
    if count <= 20_000:
        return SCALE_QUERIES
    return FLAT_QUERIES_SLOW if count >= LARGE and threads > 1 else FLAT_QUERIES_LARGE


def measure_flat(count: int, folder: Path, build: dict[str, Any], queries: np.ndarray,
                 thread_counts: list[int]) -> list[ScaleRow]:
    """Latency of exact search at k=10 and k=CANDIDATES, once per FAISS thread count."""
    index = vectors.load_vector_index(folder / "flat.faiss")
    rows = []
    for threads in thread_counts:
        sample = queries[: flat_query_count(count, threads)]
        log(f"  flat {fmt_count(count)}: timing {len(sample)} queries, FAISS threads {threads}")
        with faiss_threads(threads):
            _, k10 = time_queries(index, sample, 10)
            _, k100 = time_queries(index, sample, CANDIDATES)
        rows.append(ScaleRow(count, "flat", None, None, None, threads, len(sample), k10, k100, 1.0, 1.0, 1.0, build))
    return rows


def measure_hnsw(count: int, path: Path, build: dict[str, Any], queries: np.ndarray, truth: np.ndarray,
                 ef_values: tuple[int, ...], threads: int) -> list[ScaleRow]:
    """Latency and recall of one HNSW index at each efSearch."""
    index = vectors.load_vector_index(path)
    rows = []
    with faiss_threads(threads):
        for ef in ef_values:
            index.hnsw.efSearch = ef
            found10, k10 = time_queries(index, queries, 10)
            found100, k100 = time_queries(index, queries, CANDIDATES)
            row = ScaleRow(count, "hnsw", build["M"], build["ef_construction"], ef, threads, len(queries), k10,
                           k100, recall(found10, truth, 10), recall(found100, truth, 10),
                           recall(found100, truth, CANDIDATES), build)
            log(f"  hnsw {fmt_count(count)} M={build['M']} efC={build['ef_construction']} ef={ef} "
                f"threads={threads}: recall@10 {row.recall10:.4f}, p95 {k10['p95']:.2f} ms (k=10), "
                f"{k100['p95']:.2f} ms (k={CANDIDATES})")
            rows.append(row)
    return rows


def meets_target(row: ScaleRow) -> bool:
    """recall@10 >= 0.95 and p95 <= 10 ms, for the k=10 search."""
    return row.recall10 >= TARGET_RECALL and row.k10["p95"] <= TARGET_MS


def flat_crossover(flat_path: Path, largest: int, known: dict[tuple[int, int], dict[str, float]],
                   queries: np.ndarray, thread_counts: list[int]) -> dict[int, dict[int, dict[str, float]]]:
    """Exact search latency at k=CANDIDATES for growing prefixes of the largest flat index.

    Returns {FAISS threads: {size: stats}}; sizes already measured in the scale run are reused,
    and a thread setting is no longer timed at sizes past the one where its p50 exceeded
    FLAT_GIVE_UP_MS (its 10 ms crossing is behind it by then).
    """
    index = vectors.load_vector_index(flat_path)
    results: dict[int, dict[int, dict[str, float]]] = {t: {} for t in thread_counts}
    for (size, threads), stats in known.items():
        results[threads][size] = stats
    for size in CROSSOVER_SIZES:
        wanted = [t for t in thread_counts if size not in results[t]
                  and all(s["p50"] <= FLAT_GIVE_UP_MS for n, s in results[t].items() if n < size)]
        if size > largest or not wanted:
            continue
        prefix = faiss.IndexFlatIP(index.d)
        prefix.add(index.reconstruct_n(0, size))
        for threads in wanted:
            log(f"  flat crossover at {fmt_count(size)}, FAISS threads {threads}")
            with faiss_threads(threads):
                _, results[threads][size] = time_queries(prefix, queries[:FLAT_QUERIES_LARGE], CANDIDATES)
        del prefix
    return {t: dict(sorted(points.items())) for t, points in results.items()}
