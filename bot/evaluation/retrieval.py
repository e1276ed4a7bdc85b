"""Passage-level retrieval metrics on an eval file (Recall@k, MRR@10) with the misses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bot.schema import Hit
from bot.settings import PROJECT_ROOT

ANSWERABLE_KINDS = ("factual", "notification_guidance")
# The independent question set, written from the documents only (the dev set: `Settings.dev_eval_file`).
EXTRA_EVAL_FILE = PROJECT_ROOT / "tests" / "eval" / "extra.jsonl"
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case with whitespace collapsed, as the eval rules compare text."""
    return _SPACE.sub(" ", text).strip().lower()


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a .jsonl file, one a line (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def is_relevant(hit_file: str, passage: str, item: dict[str, Any]) -> bool:
    """A passage is relevant when it comes from a gold source and holds a gold fact."""
    if hit_file not in item.get("gold_sources", []):
        return False
    text = normalise(passage)
    return any(normalise(fact) in text for fact in item.get("gold_facts", []))


@dataclass
class RetrievalMetrics:
    """Recall@1/5/10 and MRR@10 over the answerable questions, plus the misses at rank 1."""

    count: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"count": self.count, **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
                "mrr@10": round(self.mrr, 4), "misses": self.misses}


def evaluate_retrieval(items: list[dict[str, Any]], search: Callable[[str, int], list[Hit]]) -> RetrievalMetrics:
    """Run `search` on every answerable question and score the ranking."""
    answerable = [item for item in items if item.get("kind") in ANSWERABLE_KINDS]
    ks = (1, 5, 10)
    found = {k: 0 for k in ks}
    reciprocal = 0.0
    misses: list[dict[str, Any]] = []
    for item in answerable:
        hits = search(item["question"], 10)
        ranks = [h.rank for h in hits if is_relevant(h.chunk.file, h.chunk.text, item)]
        first = min(ranks) if ranks else None
        for k in ks:
            found[k] += int(first is not None and first <= k)
        reciprocal += 1.0 / first if first else 0.0
        if first != 1:
            misses.append({"id": item["id"], "question": item["question"], "rank": first,
                           "top": hits[0].chunk.file if hits else None,
                           "top_passage": hits[0].chunk.text[:160] if hits else ""})
    n = max(len(answerable), 1)
    return RetrievalMetrics(len(answerable), {k: found[k] / n for k in ks}, reciprocal / n, misses)
