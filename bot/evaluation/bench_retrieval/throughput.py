"""Passage embedding throughput (`Embedder.encode_passages`) on synthetic Danish passages."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.evaluation.machine import fmt, progress_log, table

log = progress_log("bench")


@dataclass
class ThroughputResult:
    """Passage embedding speed."""

    passages: int
    mean_words: float
    batch_size: int
    torch_threads: int
    seconds: float


def synthetic_passages(sentences: list[str], count: int, words: int, seed: int = 42) -> list[str]:
    """`count` passages of at least `words` words, each a random recombination of sentences."""
    rng = random.Random(seed)
    passages = []
    for _ in range(count):
        picked: list[str] = []
        while sum(len(s.split()) for s in picked) < words:
            picked.append(rng.choice(sentences))
        passages.append(" ".join(picked))
    return passages


def bench_embedding(embedder: Any, sentences: list[str], count: int = 300, words: int = 120,
                    batch_size: int = 32) -> list[ThroughputResult]:
    """Passages/s of `encode_passages` on synthetic Danish passages, after a warm-up batch.

    Measured with torch's default thread count and, for comparison, with one thread.
    """
    import torch

    passages = synthetic_passages([s for s in sentences if len(s.split()) >= 4], count, words)
    mean_words = float(np.mean([len(p.split()) for p in passages]))
    default_threads = torch.get_num_threads()
    results = []
    for threads in dict.fromkeys([default_threads, 1]):
        torch.set_num_threads(threads)
        embedder.encode_passages(passages[:batch_size], batch_size=batch_size)
        log(f"embedding throughput: {count} passages, batch {batch_size}, torch threads {threads}")
        started = time.perf_counter()
        embedder.encode_passages(passages, batch_size=batch_size)
        seconds = time.perf_counter() - started
        results.append(ThroughputResult(count, mean_words, batch_size, threads, seconds))
    torch.set_num_threads(default_threads)
    return results


def render_throughput(throughput: list[ThroughputResult]) -> list[str]:
    """The embedding throughput part of the report."""
    first = throughput[0]
    out = ["### Embedding throughput (`Embedder.encode_passages`)", ""]
    out.append(f"{first.passages} synthetic Danish passages, each a random recombination of corpus sentences "
               f"(mean {first.mean_words:.0f} words), batch {first.batch_size}, after one warm-up batch. The first "
               "row is torch's default thread count.")
    out.append("")
    out.append(table(["passages", "batch", "torch threads", "seconds", "passages/s", "words/s"], [[
        str(r.passages), str(r.batch_size), str(r.torch_threads), fmt(r.seconds, 1), fmt(r.passages / r.seconds),
        fmt(r.passages * r.mean_words / r.seconds, 0)] for r in throughput]))
    out.append("")
    return out
