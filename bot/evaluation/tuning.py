"""Cross-validated tuning of the search fusion weights (`bot.qa.search.FusionWeights`).

Every setting of GRID (a field of `FusionWeights` not in GRID keeps its default) ranks the
answerable questions of the dev set (`Settings.dev_eval_file`), of the independent
tests/eval/extra.jsonl and of the tuning set (tests/eval/tuning) on the built index; each
question is encoded once. The rank of each question's first relevant passage in the top 10
(relevant as in `python -m bot eval`) is kept per setting, so K-fold cross-validation is index
arithmetic: for each fold, the setting with the best MRR@10 on the other folds (ties: Recall@1,
then nearness to the defaults) is scored on the held-out fold, beside the defaults. Folds come
from a seeded shuffle of each set, dealt in turn, so every fold holds a share of every set. The
Markdown goes between the tuning markers of docs/benchmarks.md.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from bot.evaluation.report_docs import write_section
from bot.evaluation.retrieval import ANSWERABLE_KINDS, EXTRA_EVAL_FILE, evaluate_retrieval, load_questions
from bot.evaluation.sentence_fit import TUNING_FILE
from bot.qa.engine import Engine
from bot.qa.search import FusionWeights, Searcher
from bot.settings import get_settings

START_MARKER, END_MARKER = "<!-- tuning:begin -->", "<!-- tuning:end -->"
GRID: dict[str, Sequence[float]] = {
    "dense": (0.4, 0.5, 0.6, 0.7, 0.8),
    "entity": (0.0, 0.1, 0.15, 0.2, 0.3),
    "best_sentence": (0.0, 0.15, 0.3, 0.45, 0.6),
}
FOLDS = 5
SEED = 20261124

Ranks = list[int | None]


@dataclass(frozen=True)
class Scores:
    """Recall@1, Recall@5 and MRR@10 of some questions."""

    recall1: float
    recall5: float
    mrr: float


def grid_settings(grid: dict[str, Sequence[float]]) -> list[FusionWeights]:
    """Every combination of the grid's values, the other fields at their defaults; the defaults included."""
    combos = [replace(FusionWeights(), **dict(zip(grid, values))) for values in itertools.product(*grid.values())]
    return list(dict.fromkeys([*combos, FusionWeights()]))


def label(weights: FusionWeights) -> str:
    """`dense 0.6, entity 0.15, …`."""
    return ", ".join(f"{f.name} {getattr(weights, f.name):g}" for f in fields(weights))


def first_ranks(searcher: Searcher, questions: list[dict[str, Any]], vectors: dict[str, np.ndarray]) -> Ranks:
    """Each question's rank of its first relevant passage in the top 10 (None: not there), by `evaluate_retrieval`."""
    metrics = evaluate_retrieval(questions, lambda question, k: searcher.search_vector(question, vectors[question], k))
    missed = {miss["id"]: miss["rank"] for miss in metrics.misses}  # every question not at rank 1, with its rank
    return [missed.get(item["id"], 1) for item in questions]


def rank_all(searcher: Searcher, questions: list[dict[str, Any]], settings: list[FusionWeights]) -> dict[FusionWeights, Ranks]:
    """Each setting's first-relevant ranks, in the questions' order; each question encoded once."""
    vectors = {item["question"]: searcher.encode(item["question"]) for item in questions}
    ranks: dict[FusionWeights, Ranks] = {}
    started = time.monotonic()
    for n, weights in enumerate(settings, start=1):
        candidate = Searcher(searcher.index, searcher.encoder, weights, searcher.named)
        # The ranked questions' own example questions are left out: their folds are not the tuning folds.
        candidate.hidden_examples = frozenset(item["id"] for item in questions)
        ranks[weights] = first_ranks(candidate, questions, vectors)
        if n % 25 == 0 or n == len(settings):
            print(f"  {n}/{len(settings)} settings, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return ranks


def make_folds(sets: list[str], k: int, seed: int) -> list[list[int]]:
    """K folds of question positions: each set shuffled with the seed and dealt in turn."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    dealt = 0
    for name in dict.fromkeys(sets):
        members = [i for i, s in enumerate(sets) if s == name]
        rng.shuffle(members)
        for i in members:
            folds[dealt % k].append(i)
            dealt += 1
    return [sorted(fold) for fold in folds]


def scores_of(ranks: Ranks, positions: Sequence[int]) -> Scores:
    """The scores of the questions at these positions (a rank None: not in the top 10)."""
    chosen = [ranks[i] for i in positions]
    n = max(len(chosen), 1)
    return Scores(sum(r == 1 for r in chosen) / n, sum(r is not None and r <= 5 for r in chosen) / n,
                  sum(1 / r for r in chosen if r) / n)


def pick(ranks: dict[FusionWeights, Ranks], positions: Sequence[int]) -> FusionWeights:
    """The best setting on these questions: MRR@10, then Recall@1, then nearness to the defaults."""
    defaults = astuple(FusionWeights())

    def key(weights: FusionWeights) -> tuple[float, float, float]:
        scores = scores_of(ranks[weights], positions)
        return scores.mrr, scores.recall1, -math.dist(astuple(weights), defaults)

    return max(ranks, key=key)


@dataclass(frozen=True)
class Fold:
    """One held-out fold: the setting picked on the other folds, its scores and the defaults'."""

    size: int
    picked: FusionWeights
    scores: Scores
    defaults: Scores


def cross_validate(ranks: dict[FusionWeights, Ranks], folds: list[list[int]]) -> list[Fold]:
    """Each fold scored with the setting picked on the others, and with the defaults."""
    results = []
    for fold in folds:
        picked = pick(ranks, [i for other in folds if other is not fold for i in other])
        results.append(Fold(len(fold), picked, scores_of(ranks[picked], fold), scores_of(ranks[FusionWeights()], fold)))
    return results


def render(ranks: dict[FusionWeights, Ranks], sets: list[str], folds: list[Fold], seconds: float) -> str:
    """The Markdown section."""
    defaults = FusionWeights()
    names = [f.name for f in fields(FusionWeights)]
    grid = "; ".join(f"{name} " + ", ".join(f"{v:g}" for v in values) for name, values in GRID.items())
    counts = ", ".join(f"{sets.count(name)} {name}" for name in dict.fromkeys(sets))
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `scripts/tune_fusion.py` ({seconds:.0f} s): {len(ranks)} settings "
             f"of `FusionWeights` (grid: {grid}; other fields at their defaults) ranked the answerable questions ({counts}) "
             f"on the built index. {len(folds)}-fold cross-validation (folds stratified by set, seed {SEED}): each fold is "
             "scored with the setting that has the best MRR@10 on the other folds (ties: R@1, then nearness to the "
             f"defaults), beside the committed defaults ({label(defaults)}).", ""]
    lines += ["| fold | questions | " + " | ".join(names) + " | picked R@1 | picked MRR@10 | defaults R@1 | defaults MRR@10 |",
              "|---|---|" + "---|" * len(names) + "---|---|---|---|"]
    for number, fold in enumerate(folds, start=1):
        lines.append(f"| {number} | {fold.size} | " + " | ".join(f"{getattr(fold.picked, n):g}" for n in names)
                     + f" | {fold.scores.recall1:.3f} | {fold.scores.mrr:.3f} | {fold.defaults.recall1:.3f} | "
                     f"{fold.defaults.mrr:.3f} |")

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    lines += ["", f"Cross-validated (held-out) R@1 / MRR@10: picked {mean([f.scores.recall1 for f in folds]):.3f} / "
              f"{mean([f.scores.mrr for f in folds]):.3f}, defaults {mean([f.defaults.recall1 for f in folds]):.3f} / "
              f"{mean([f.defaults.mrr for f in folds]):.3f} (means over the folds).", ""]
    best = pick(ranks, range(len(sets)))
    lines += [f"Full sets: the best setting on all questions (in-sample, so optimistic: {label(best)}) and the defaults.", "",
              "| set | questions | setting | R@1 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for name in [*dict.fromkeys(sets), "all"]:
        positions = [i for i, s in enumerate(sets) if name in (s, "all")]
        for title, weights in (("best on all", best), ("defaults", defaults)):
            s = scores_of(ranks[weights], positions)
            lines.append(f"| {name} | {len(positions)} | {title} | {s.recall1:.3f} | {s.recall5:.3f} | {s.mrr:.3f} |")
    return "\n".join(lines)


def eval_files(dev_only: bool = False) -> dict[str, Path]:
    """The question sets tuned on, by name: the dev set, and unless `dev_only` the extra and tuning sets."""
    files = {"dev": get_settings().dev_eval_file}
    return files if dev_only else {**files, "extra": EXTRA_EVAL_FILE, "tuning": TUNING_FILE}


def run_tuning(files: dict[str, Path], output: Path | None) -> str:
    """Rank, cross-validate; write the tuning section of `output` (None: don't); the Markdown."""
    started = time.monotonic()
    loaded = {name: [q for q in load_questions(path) if q.get("kind") in ANSWERABLE_KINDS] for name, path in files.items()}
    questions = [q for items in loaded.values() for q in items]
    if len({q["id"] for q in questions}) < len(questions):
        raise SystemExit("question ids must be unique across the eval files")
    sets = [name for name, items in loaded.items() for _ in items]
    settings = grid_settings(GRID)
    print(f"{len(settings)} settings x {len(questions)} questions", file=sys.stderr)
    ranks = rank_all(Engine(get_settings()).searcher(), questions, settings)
    folds = cross_validate(ranks, make_folds(sets, FOLDS, SEED))
    body = render(ranks, sets, folds, time.monotonic() - started)
    if output is not None:
        write_section(output, START_MARKER, END_MARKER, "Fusion weights (cross-validated)", body)
    return body
