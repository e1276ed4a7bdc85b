"""Fit the sentence ranker on the tuning folds, cross-validated against the committed one.

`python -m bot.evaluation.sentence_fit [--write]` (`make fit`): for every answerable question of the
tuning folds (tests/eval/tuning; the dev and extra sets join them, spread over the folds by id), the
sentences of the passages the answer decision keeps are labelled by whether they hold a gold fact of a
gold source. For each fold a logistic regression is fitted on the other folds and the held-out fold is
answered with it, end to end offline (search, decision, composition), beside the committed ranker.
With `--write` the ranker fitted on all folds is written to `bot/qa/sentence_ranker.json` (only when it
does better on the folds) and the table to docs/benchmarks.md. The lockbox is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.dialogue.reply import as_messages, reply_to
from bot.documents.corpus import load_sources
from bot.evaluation.chat import judge
from bot.evaluation.report_docs import BENCHMARKS_DOC, write_section
from bot.evaluation.retrieval import ANSWERABLE_KINDS, EXTRA_EVAL_FILE, load_questions, normalise
from bot.language.analysis import title_terms
from bot.language.query import Query
from bot.language.sentences import split_sentences
from bot.qa.compose import MAX_PASSAGES
from bot.qa.engine import Engine
from bot.qa.relevance import decide
from bot.qa.search import EmptyQuery
from bot.qa.sentence_features import FEATURES, sentence_features
from bot.qa.sentence_ranker import RANKER_FILE, SentenceRanker, load_ranker
from bot.settings import PROJECT_ROOT, get_settings

TUNING_FILE = PROJECT_ROOT / "tests" / "eval" / "tuning" / "questions.jsonl"
FOLDS = 5
C = 1.0  # inverse L2 strength of the logistic regression
START, END = "<!-- sentence-ranker:start -->", "<!-- sentence-ranker:end -->"


def fold_of(item: dict[str, Any]) -> int:
    """The item's fold: its own `fold`, or one picked by its id (dev and extra items)."""
    if "fold" in item:
        return int(item["fold"])
    return int(hashlib.sha256(item["id"].encode()).hexdigest(), 16) % FOLDS


FoldIds = tuple[frozenset[str], ...]


def fold_ids(items: list[dict[str, Any]]) -> FoldIds:
    """The ids of the items of each fold (compute once, then `hide_fold_examples` per fold or per item)."""
    return tuple(frozenset(item["id"] for item in items if fold_of(item) == fold) for fold in range(FOLDS))


def hide_fold_examples(engine: Engine, ids: FoldIds, fold: int) -> None:
    """Leave out the example questions (`corpus/examples.jsonl`) written from `fold`'s own items (`ids`, from
    `fold_ids`) while the fold is measured or its features are read: what the folds measure is then what a new
    question gets."""
    engine.searcher().hidden_examples = ids[fold]


def tuning_items(dev_file: Path) -> list[dict[str, Any]]:
    """The tuning folds' questions with the dev and extra sets (never the lockbox)."""
    return load_questions(TUNING_FILE) + load_questions(dev_file) + load_questions(EXTRA_EVAL_FILE)


@dataclass
class Rows:
    """Feature rows of sentences with their labels and their question's fold."""

    features: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    folds: list[np.ndarray] = field(default_factory=list)
    questions: list[np.ndarray] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X, y, fold) over all rows; X centred on each question's mean, since only the order of one
        question's sentences matters (a conditional logit, approximated)."""
        features, questions = np.vstack(self.features), np.concatenate(self.questions)
        for question in np.unique(questions):
            mine = questions == question
            features[mine] -= features[mine].mean(axis=0)
        return features, np.concatenate(self.labels), np.concatenate(self.folds)


def _holds_fact(item: dict[str, Any], file: str, sentence: str) -> bool:
    text = normalise(sentence)
    return file in item.get("gold_sources", []) and any(normalise(f) in text for f in item.get("gold_facts", []))


def collect(engine: Engine, items: list[dict[str, Any]]) -> Rows:
    """The labelled sentences of the passages kept for each answerable question."""
    rows = Rows()
    searcher, index = engine.searcher(), engine.index
    ids = fold_ids(items)
    for number, item in enumerate(items):
        if item["kind"] not in ANSWERABLE_KINDS:
            continue
        hide_fold_examples(engine, ids, fold_of(item))
        query = Query.parse(item["question"])
        try:
            vector = searcher.encode(query)
        except EmptyQuery:
            continue
        hits = searcher.search_vector(query, vector, engine.settings.top_k)
        verdict = decide(query, hits, index.document_years, None, index.subject_terms)
        weights = index.subject_terms.weights(query)
        support = searcher.example_support(query, vector)
        for hit in verdict.hits[:MAX_PASSAGES]:
            sentences = list(hit.chunk.sentences) or split_sentences(hit.chunk.text)
            common = title_terms(hit.chunk.title, hit.chunk.publisher)
            similarities = searcher.sentence_similarities(hit.row, vector)
            rows.features.append(sentence_features(query, sentences, similarities, hit, common, weights, support(hit)))
            rows.labels.append(np.array([_holds_fact(item, hit.chunk.file, s) for s in sentences], dtype=np.int8))
            rows.folds.append(np.full(len(sentences), fold_of(item)))
            rows.questions.append(np.full(len(sentences), number))
    return rows


def fit(features: np.ndarray, labels: np.ndarray) -> SentenceRanker:
    """A logistic regression on standardised features, as raw-feature weights scaled to dense = 1."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000).fit((features - mean) / scale, labels)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / scale))
    dense = weights[FEATURES.index("dense")]
    if dense <= 0:
        raise ValueError("the fitted ranker gives the dense similarity no positive weight")
    return SentenceRanker(tuple(float(w / dense) for w in weights), bias / float(dense))


def answered_right(engine: Engine, items: list[dict[str, Any]], titles: dict[str, tuple[str, str]]) -> int:
    """How many answerable questions the engine answers right, offline, by the eval rules."""
    right = 0
    for item in items:
        if item["kind"] in ANSWERABLE_KINDS:
            right += judge(item, as_messages(reply_to(engine, item["question"])), titles)[0]
    return right


def cross_validate(engine: Engine, items: list[dict[str, Any]], rows: Rows) -> list[tuple[int, int, int, int]]:
    """Per fold: (answerable questions, right with the committed ranker, right with the fold's fit, rows)."""
    features, labels, folds = rows.arrays()
    titles = {name: (info.publisher, info.title) for name, info in load_sources(engine.settings.corpus_dir).items()}
    committed = load_ranker()
    results = []
    ids = fold_ids(items)
    for fold in range(FOLDS):
        held_out = [item for item in items if fold_of(item) == fold]
        hide_fold_examples(engine, ids, fold)
        answerable = sum(item["kind"] in ANSWERABLE_KINDS for item in held_out)
        engine.ranker = committed
        before = answered_right(engine, held_out, titles)
        engine.ranker = fit(features[folds != fold], labels[folds != fold])
        after = answered_right(engine, held_out, titles)
        results.append((answerable, before, after, int(np.sum(folds != fold))))
    engine.ranker = None
    return results


def render(results: list[tuple[int, int, int, int]], ranker: SentenceRanker, written: bool, seconds: float) -> str:
    """The Markdown section for docs/benchmarks.md."""
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `python -m bot.evaluation.sentence_fit` ({seconds:.0f} s): "
             "answerable questions of the tuning folds (dev and extra joined by id) answered right offline "
             "(search, decision, composition; judged by the rules of the eval README), each fold with the ranker "
             "committed before and with one fitted on the other folds.", "",
             "| fold | answerable | committed ranker | fitted on the other folds | training sentences |",
             "|---|---|---|---|---|"]
    for fold, (total, before, after, size) in enumerate(results):
        lines.append(f"| {fold} | {total} | {before} ({before / total:.3f}) | {after} ({after / total:.3f}) | {size} |")
    total = sum(r[0] for r in results)
    before, after = sum(r[1] for r in results), sum(r[2] for r in results)
    lines.append(f"| all | {total} | {before} ({before / total:.3f}) | {after} ({after / total:.3f}) | |")
    verdict = "written to `bot/qa/sentence_ranker.json`" if written else "not written (no gain on the folds)"
    weights = ", ".join(f"{name} {weight:+.3f}" for name, weight in zip(FEATURES, ranker.weights))
    lines += ["", f"Ranker fitted on all folds ({verdict}): {weights}; bias {ranker.bias:+.3f}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Cross-validate, and with --write keep the ranker fitted on all folds when it does better."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the ranker and docs/benchmarks.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    settings = get_settings()
    engine = Engine(settings)
    items = tuning_items(settings.dev_eval_file)
    rows = collect(engine, items)
    results = cross_validate(engine, items, rows)
    features, labels, _ = rows.arrays()
    ranker = fit(features, labels)
    gain = sum(r[2] for r in results) > sum(r[1] for r in results)
    report = render(results, ranker, args.write and gain, time.monotonic() - started)
    print(report)
    if args.write:
        if gain:
            ranker.save(RANKER_FILE)
        write_section(BENCHMARKS_DOC, START, END, "Sentence ranker (composition)", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
