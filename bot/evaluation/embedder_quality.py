"""fp32 against int8 embeddings on the real corpus: vector cosines, retrieval metrics, token
lengths, and a sweep of the int8 encoder's batch size in padded tokens."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.evaluation.machine import cpu_seconds, fmt, load_average, progress_log, table

SWEEP_BATCH_TOKENS = (0, 512, 2048, 8192)

log = progress_log("bench")


class Int8Queries:
    """Query vectors from the int8 model: the variant measured but not adopted."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        from bot.embedding.convert import QUERY_PROMPT

        return self.encoder.encode([QUERY_PROMPT + text for text in texts])


@dataclass
class Quality:
    """fp32 against int8 on the real corpus."""

    passage_cosine: tuple[float, float]  # mean, min
    sentence_cosine: tuple[float, float]
    metrics: dict[str, dict[str, dict[str, float]]]  # eval set -> passages/queries -> metric -> value
    tokens: dict[str, list[int]]  # passages/sentences -> p50, p90, p99, max
    sweep: list[dict[str, float]]


def _metrics(eval_file: Path, index: Any, embedder: Any) -> dict[str, float]:
    from bot.evaluation.retrieval import evaluate_retrieval, load_questions
    from bot.qa.search import Searcher

    result = evaluate_retrieval(load_questions(eval_file), Searcher(index, embedder).search)
    return {**{f"R@{k}": v for k, v in result.recall.items()}, "MRR@10": result.mrr, "n": result.count}


def _mean_min(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.min())


def measure_quality(corpus: Path, eval_files: dict[str, Path]) -> Quality:
    """Ingest the real corpus with both embedders; compare vectors and retrieval metrics."""
    from bot.embedding.convert import ensure_int8_model
    from bot.embedding.embedder import load_embedder
    from bot.embedding.onnx import OnnxEncoder, available_cores
    from bot.index.ingest import ingest
    from bot.index.store import load_index
    from bot.settings import get_settings

    cache = get_settings().model_cache_dir
    embedders = {"fp32": load_embedder(cache, fp32=True), "int8": load_embedder(cache)}
    indexes = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-quality-") as folder:
        for name, embedder in embedders.items():
            log(f"quality: ingesting the real corpus with {name} passages")
            ingest(corpus, Path(folder) / name, embedder, force=True, progress=False)
            indexes[name] = load_index(Path(folder) / name)
    fp32, int8 = indexes["fp32"], indexes["int8"]
    encoder = OnnxEncoder(ensure_int8_model(cache), available_cores())
    variants = {"fp32 torch / fp32 torch": (fp32, embedders["fp32"]),
                "int8 ONNX / fp32 ONNX (adopted)": (int8, embedders["int8"]),
                "int8 ONNX / int8 ONNX": (int8, Int8Queries(encoder))}
    metrics = {label: {name: _metrics(path, index, queries) for name, (index, queries) in variants.items()}
               for label, path in eval_files.items()}
    passages = ["passage: " + chunk.embedding_text for chunk in int8.chunks]
    sentences = ["passage: " + sentence for chunk in int8.chunks for sentence in chunk.sentences]
    tokens = {name: [int(np.percentile(lengths, p)) for p in (50, 90, 99, 100)]
              for name, lengths in (("passages", [len(t) for t in encoder.tokenize(passages)]),
                                    ("sentences", [len(t) for t in encoder.tokenize(sentences)]))}
    return Quality(_mean_min(np.sum(fp32.vectors * int8.vectors, axis=1)),
                   _mean_min(np.sum(fp32.sentence_vectors * int8.sentence_vectors, axis=1)),
                   metrics, tokens, sweep_batch_tokens(encoder, passages + sentences, len(passages)))


def sweep_batch_tokens(encoder: Any, texts: list[str], passages: int) -> list[dict[str, float]]:
    """Wall and CPU seconds of the int8 passage encoder per padded-token budget (0: one text a
    call), and the lowest cosine of a text's vector to its vector when embedded alone."""
    encoder.encode(texts[:16])
    rows, alone = [], None
    for budget in SWEEP_BATCH_TOKENS:
        load, cpu, started = load_average()[0], cpu_seconds(), time.perf_counter()
        vectors = encoder.encode(texts, batch_tokens=budget)
        seconds = time.perf_counter() - started
        alone = vectors if budget == 0 else alone
        rows.append({"batch_tokens": budget, "seconds": seconds, "cpu_seconds": cpu_seconds() - cpu,
                     "passages_per_s": passages / seconds, "load": load,
                     "min_cosine_to_alone": float(np.sum(vectors * alone, axis=1).min())})
        log(f"sweep: batch_tokens {budget}: {seconds:.1f} s, load {load}")
    return rows


def render_quality(quality: Quality, batch_tokens: int, max_tokens: int) -> list[str]:
    """The fp32-against-int8 part."""
    out = ["Real corpus (76 passages, 711 sentences), fp32 torch against int8 ONNX Runtime:", ""]
    out.append(f"- cosine fp32 · int8: passages mean {quality.passage_cosine[0]:.4f}, min "
               f"{quality.passage_cosine[1]:.4f}; sentences mean {quality.sentence_cosine[0]:.4f}, min "
               f"{quality.sentence_cosine[1]:.4f}.")
    for name, (p50, p90, p99, top) in quality.tokens.items():
        out.append(f"- tokens per {name[:-1]} (prompt and special tokens included): p50 {p50}, p90 {p90}, "
                   f"p99 {p99}, max {top}.")
    out.append(f"- texts are cut at {max_tokens} tokens (e5's limit), which the chunker's passages never reach; "
               "a lower cap would only cut real text, and with one text per call there is no padding to save.")
    out.append("")
    rows = []
    for label, by_backend in quality.metrics.items():
        for backend, values in by_backend.items():
            rows.append([label, str(int(values["n"])), backend] + [fmt(values[key], 3)
                                                                    for key in ("R@1", "R@5", "R@10", "MRR@10")])
    out.append(table(["eval set", "questions", "passages / queries", "Recall@1", "Recall@5", "Recall@10", "MRR@10"],
                     rows))
    out.append("")
    out.append(f"int8 encoder batch size in padded tokens (texts sorted by length, longest first; 0 = one "
               f"text per call; current `BATCH_TOKENS` = {batch_tokens}), all real passages and sentences. "
               "Dynamic quantisation scales the activations of a whole call at once, so batched vectors "
               "depend on their neighbours (last column: lowest cosine to the same text embedded alone).")
    out.append("")
    out.append(table(["batch tokens", "seconds", "CPU s", "passages/s", "load avg", "min cosine to alone"], [
        [str(r["batch_tokens"]), fmt(r["seconds"]), fmt(r["cpu_seconds"]), fmt(r["passages_per_s"]), fmt(r["load"]),
         fmt(r["min_cosine_to_alone"], 4)] for r in quality.sweep]))
    return out
