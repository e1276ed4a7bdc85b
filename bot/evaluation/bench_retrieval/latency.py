"""Warm latency of `Searcher.search` on the real index, split into query encoding and the rest."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.evaluation.machine import fmt, percentiles, progress_log, table

MIN_TIMED_QUERIES = 200
SEARCH_TARGET_P95_MS = 30.0

log = progress_log("bench")


@dataclass
class LatencyResult:
    """Warm `Searcher.search` latency for one torch thread count."""

    torch_threads: int
    faiss_threads: int
    encode: dict[str, float]
    rest: dict[str, float]
    total: dict[str, float]
    encode_cpu: dict[str, float]


def time_searches(searcher: Any, questions: list[str], repeats: int) -> LatencyResult:
    """Time `searcher.search` as its two halves (encode, search_vector) over `repeats` passes.

    `Searcher.search(q)` is exactly `search_vector(q, encode(q))`, so the total is the sum.
    One untimed pass over all questions warms caches first. Encoding is also timed in process
    CPU time (all threads), which the other load on the machine barely affects.
    """
    import faiss
    import torch

    for question in questions:
        searcher.search(question)
    encode_ms: list[float] = []
    encode_cpu_ms: list[float] = []
    rest_ms: list[float] = []
    for _ in range(repeats):
        for question in questions:
            cpu_started = time.process_time()
            started = time.perf_counter()
            query = searcher.encode(question)
            encoded = time.perf_counter()
            encode_cpu_ms.append((time.process_time() - cpu_started) * 1000)
            searcher.search_vector(question, query)
            done = time.perf_counter()
            encode_ms.append((encoded - started) * 1000)
            rest_ms.append((done - encoded) * 1000)
    total_ms = np.add(encode_ms, rest_ms)
    return LatencyResult(torch.get_num_threads(), faiss.omp_get_max_threads(), percentiles(encode_ms),
                         percentiles(rest_ms), percentiles(total_ms), percentiles(encode_cpu_ms))


def bench_search_latency(searcher: Any, eval_file: Path) -> list[LatencyResult]:
    """Warm search latency: default threads, one torch thread, one torch and one FAISS thread."""
    import faiss
    import torch

    from bot.evaluation.retrieval import load_questions

    questions = [item["question"] for item in load_questions(eval_file)]
    repeats = math.ceil(MIN_TIMED_QUERIES / len(questions))
    default_torch, default_faiss = torch.get_num_threads(), faiss.omp_get_max_threads()
    results = []
    for torch_threads, faiss_threads in dict.fromkeys([(default_torch, default_faiss), (1, default_faiss), (1, 1)]):
        torch.set_num_threads(torch_threads)
        faiss.omp_set_num_threads(faiss_threads)
        log(f"search latency: {len(questions)} questions x {repeats}, torch threads {torch_threads}, "
            f"FAISS threads {faiss_threads}")
        results.append(time_searches(searcher, questions, repeats))
    torch.set_num_threads(default_torch)
    faiss.omp_set_num_threads(default_faiss)
    return results


def render_latency(latency: list[LatencyResult], model_load_s: float) -> list[str]:
    """The `Searcher.search` latency part of the report."""
    out = ["### Search latency (`Searcher.search`, real index)", ""]
    out.append(f"Warm latency on the current index for the questions of `dev.jsonl`, {latency[0].total['n']} timed "
               "queries per row after one untimed pass. *Encode* is the e5 query embedding (`Searcher.encode`), "
               "*rest* is `search_vector` (BM25, FAISS, sentence rescoring, fusion, entities); total = encode + "
               "rest = `Searcher.search`. *Encode CPU* is process CPU time (all threads) per query. Target: total "
               f"p95 ≤ {SEARCH_TARGET_P95_MS:.0f} ms. Embedding model load (cold start, once per process): "
               f"{model_load_s:.1f} s.")
    out.append("")
    rows = []
    for result in latency:
        verdict = "yes" if result.total["p95"] <= SEARCH_TARGET_P95_MS else "**no**"
        rows.append([str(result.torch_threads), str(result.faiss_threads), fmt(result.encode["p50"]),
                     fmt(result.encode["p95"]), fmt(result.encode_cpu["p50"]), fmt(result.rest["p50"]),
                     fmt(result.rest["p95"]), fmt(result.total["p50"]), f"**{fmt(result.total['p95'])}**",
                     fmt(result.total["p99"]), verdict])
    out.append(table(["torch threads", "FAISS threads", "encode p50 ms", "encode p95 ms", "encode CPU p50 ms",
                      "rest p50 ms", "rest p95 ms", "total p50 ms", "total p95 ms", "total p99 ms",
                      f"p95 ≤ {SEARCH_TARGET_P95_MS:.0f} ms"], rows))
    out.append("")
    return out
