"""The FAISS scale run: builds (niced child) and queries (here) for every size, the flat-search
crossover and the cost of picking BM25 candidates."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

import bot.index.vectors as vectors
from bot.evaluation.bench_retrieval.builds import run_builds
from bot.evaluation.bench_retrieval.scale_queries import (
    FLAT_QUERIES_LARGE,
    LARGE,
    ScaleRow,
    flat_crossover,
    measure_flat,
    measure_hnsw,
    meets_target,
)
from bot.evaluation.bench_retrieval.synthetic import structure_stats, synthetic_vectors
from bot.evaluation.machine import fmt_count, progress_log
from bot.qa.search import CANDIDATES

EF_SWEEP = (16, 32, 64, 96, 128, 192, 256, 384, 512)
FALLBACK_VARIANT = (48, 160)

log = progress_log("bench")


def argsort_cost(sizes: list[int], repeats: int = 5) -> dict[int, dict[str, float]]:
    """Cost of picking BM25 candidates as search.py does (full argsort) vs argpartition."""
    rng = np.random.default_rng(0)
    costs = {}
    for size in sizes:
        scores = np.zeros(size, dtype=np.float32)
        hit = rng.choice(size, max(1, size // 100), replace=False)
        scores[hit] = rng.random(hit.size, dtype=np.float32) * 20
        timings: dict[str, list[float]] = {"argsort": [], "argpartition": []}
        for _ in range(repeats):
            started = time.perf_counter()
            np.argsort(-scores)[:CANDIDATES]
            timings["argsort"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            top = np.argpartition(-scores, CANDIDATES)[:CANDIDATES]
            top[np.argsort(-scores[top])]
            timings["argpartition"].append((time.perf_counter() - started) * 1000)
        costs[size] = {name: float(np.median(values)) for name, values in timings.items()}
    return costs


@dataclass
class ScaleResult:
    """Everything from the scale run."""

    sizes: list[int]
    rows: list[ScaleRow]
    crossover: dict[int, dict[int, dict[str, float]]]
    argsort: dict[int, dict[str, float]]
    calibration: dict[str, dict[str, float]]
    niceness: int
    default_threads: int
    fallback_built: bool = False


def bench_scale(sizes: list[int], variants: list[tuple[int, int]], niceness: int, workdir: Path,
                real_vectors: np.ndarray) -> ScaleResult:
    """Builds (niced child) and queries (here) for every size; efSearch sweep per HNSW build.

    Flat search is timed with FAISS's default thread count and with one thread; the HNSW
    sweep with the default, plus the current efSearch with one thread.
    """
    current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION)
    default_threads = faiss.omp_get_max_threads()
    thread_counts = list(dict.fromkeys([default_threads, 1]))
    rows: list[ScaleRow] = []
    flat_latency: dict[tuple[int, int], dict[str, float]] = {}
    fallback_built = False
    for seed, count in enumerate(sizes, start=1):
        size_variants = variants if count < LARGE else [current]
        folder = workdir / f"n{count}"
        log(f"scale {fmt_count(count)}: building flat + HNSW {size_variants} under nice -n {niceness}")
        builds = run_builds(count, seed, folder, True, size_variants, niceness)
        queries = np.load(folder / "queries.npy")
        truth = np.load(folder / "gt.npy")
        for row in measure_flat(count, folder, next(b for b in builds if b["kind"] == "flat"), queries,
                                thread_counts):
            rows.append(row)
            if row.queries >= FLAT_QUERIES_LARGE and count > 20_000:
                flat_latency[(count, row.faiss_threads)] = row.k100
        hnsw_builds = [b for b in builds if b["kind"] == "hnsw"]
        for build in hnsw_builds:
            path = folder / f"{build['name']}.faiss"
            rows.extend(measure_hnsw(count, path, build, queries, truth, EF_SWEEP, default_threads))
            if default_threads != 1 and (build["M"], build["ef_construction"]) == current:
                rows.extend(measure_hnsw(count, path, build, queries, truth, (vectors.HNSW_EF_SEARCH,), 1))
        if count >= LARGE and not any(meets_target(r) for r in rows if r.count == count and r.kind == "hnsw"):
            log(f"scale {fmt_count(count)}: target missed with {current}; trying M={FALLBACK_VARIANT[0]}, "
                f"efConstruction={FALLBACK_VARIANT[1]}")
            for build in run_builds(count, seed, folder, False, [FALLBACK_VARIANT], niceness):
                rows.extend(measure_hnsw(count, folder / f"{build['name']}.faiss", build, queries, truth, EF_SWEEP,
                                         default_threads))
            fallback_built = True
        if count != sizes[-1]:
            shutil.rmtree(folder, ignore_errors=True)
    largest = sizes[-1]
    last = workdir / f"n{largest}"
    crossover = flat_crossover(last / "flat.faiss", largest, flat_latency, np.load(last / "queries.npy"),
                               thread_counts)
    synthetic, _ = synthetic_vectors(len(real_vectors), 0, seed=99)
    calibration = {"real e5 sentence vectors (this index)": structure_stats(real_vectors),
                   "synthetic, same count": structure_stats(synthetic)}
    return ScaleResult(sizes, rows, crossover, argsort_cost(sizes), calibration, niceness, default_threads,
                       fallback_built)
