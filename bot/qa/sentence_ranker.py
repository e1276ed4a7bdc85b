"""Which sentences of the relevant passages state what was asked: a linear score over their features.

The weights are fitted on the tuning folds (`make fit`, `bot/evaluation/sentence_fit.py`, logistic
regression on "this sentence holds a gold fact"), cross-validated, and kept in
`sentence_ranker.json` beside this file. Scores are scaled so that the dense cosine has weight 1:
they read like the cosine they extend, and composition's margins are in those units.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.qa.sentence_features import FEATURES

RANKER_FILE = Path(__file__).resolve().parent / "sentence_ranker.json"
# Before fitting: the cosine, a small bonus per shared term and for the kind of thing asked for, a
# figure's source line low, contact details and bylines low unless asked for (5-fold CV over 0 to -0.2:
# -0.1, 253 vs 252 of 327 answerable right, conversations unchanged; answers quoting such a line 10 -> 4 of
# 317), and a sentence of a better-ranked passage preferred.
# A sentence in the excerpt that answered a close example question (`example`; 5-fold CV over 0.03-0.1 on the
# tuning folds, each fold's own examples hidden: 0.05, answerable right 1058 -> 1070 of 1272 with no fold lower,
# out of scope unchanged, follow-up turns 372 -> 370 of 460).
HAND_WEIGHTS = {"dense": 1.0, "shared_terms": 0.03, "asked_shape": 0.04, "source_line": -0.1, "contact_line": -0.1,
                "passage_score": 0.2, "example": 0.05}


@dataclass(frozen=True)
class SentenceRanker:
    """Weights of `FEATURES` and a bias; `score` is their weighted sum."""

    weights: tuple[float, ...]
    bias: float = 0.0

    @classmethod
    def from_mapping(cls, weights: dict[str, float], bias: float = 0.0) -> "SentenceRanker":
        """Weights by feature name (missing ones are 0)."""
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown sentence features: {sorted(unknown)}")
        return cls(tuple(float(weights.get(name, 0.0)) for name in FEATURES), bias)

    def score(self, features: np.ndarray) -> np.ndarray:
        """One score per feature row."""
        return features @ np.asarray(self.weights, dtype=np.float32) + self.bias

    def to_dict(self) -> dict[str, object]:
        """The weights by feature name."""
        return {"weights": dict(zip(FEATURES, self.weights)), "bias": self.bias}

    def save(self, path: Path = RANKER_FILE) -> None:
        """Write the weights as JSON."""
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


def load_ranker(path: Path = RANKER_FILE) -> SentenceRanker:
    """The fitted ranker in `path`; the hand weights when no fitted ranker has been written."""
    if not path.exists():
        return SentenceRanker.from_mapping(HAND_WEIGHTS)
    data = json.loads(path.read_text(encoding="utf-8"))
    return SentenceRanker.from_mapping(data["weights"], float(data.get("bias", 0.0)))


@lru_cache(maxsize=1)
def default_ranker() -> SentenceRanker:
    """The ranker composition uses unless given another."""
    return load_ranker()
