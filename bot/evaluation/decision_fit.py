"""Cross-validate a fitted answer decision against the rule-based one on the tuning folds.

`python -m bot.evaluation.decision_fit [--nlu-url URL] [--write]` (`make fit-decision`): for every answerable
and out-of-scope question of the tuning folds (the dev and extra sets join them, spread over the folds by
id), the general signals of the decision are read from the passages that pass its protective checks
(municipality, organisation, year, law): the best dense match, the best weighted coverage of the
question's subject words, the best BM25 score, whether the question is English, and whether NLU took the
message for out of scope or was unsure (`--nlu-url`: a running Rasa server; cached as in `make folds`).
For each fold a logistic regression is fitted on the other folds, its threshold chosen there, and the
held-out fold decided with it: on the signals alone, and with the rules' own outcome as one more signal.
A question is decided right when it is answered if answerable and declined if not. The rules stay unless
a model beats them on the folds; `--write` puts the table in docs/benchmarks.md. The lockbox is never read.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.dialogue.reply import policy_for, reply_to
from bot.evaluation.fold_eval import Intents, nlu_intents, routed
from bot.evaluation.report_docs import BENCHMARKS_DOC, write_section
from bot.evaluation.retrieval import ANSWERABLE_KINDS
from bot.evaluation.sentence_fit import FOLDS, FoldIds, fold_ids, fold_of, hide_fold_examples, tuning_items
from bot.language.query import Query
from bot.qa.engine import Engine
from bot.qa.relevance import RelevancePolicy, decide, decision_signals
from bot.qa.search import EmptyQuery
from bot.schema import AnswerKind
from bot.settings import get_settings

SIGNALS = ("dense", "coverage", "lexical", "english", "nlu_out_of_scope", "nlu_unsure")
C = 1.0  # inverse L2 strength of the logistic regression
THRESHOLDS = np.linspace(0.05, 0.95, 91)
START, END = "<!-- decision-fit:start -->", "<!-- decision-fit:end -->"


@dataclass(frozen=True)
class Decision:
    """One question: its general signals, whether the protective checks let it through, what the rules did."""

    signals: np.ndarray
    protected: bool  # the checks other than closeness pass: a model may answer it
    rules_answer: bool  # the running bot answers it (an openly hedged answer counts as an answer)
    answerable: bool
    fold: int


def read_decision(engine: Engine, item: dict[str, Any], intent: str | None, ids: FoldIds) -> Decision | None:
    """The question's signals and outcomes (None for a question without words), with the example questions of its
    fold (`ids`, from `fold_ids`) hidden."""
    answer_intent = routed(intent, item["question"])
    hide_fold_examples(engine, ids, fold_of(item))
    reply = reply_to(engine, item["question"], answer_intent)
    query, policy = Query.parse(item["question"]), policy_for(answer_intent, item["question"]) or RelevancePolicy()
    searcher, index = engine.searcher(), engine.index
    try:
        hits = searcher.search_vector(query, searcher.encode(query), engine.settings.top_k)
    except EmptyQuery:
        return None
    shown = decision_signals(query, hits, index.document_years, policy, index.subject_terms)
    passing = [(hit, seen) for hit, seen in zip(hits, shown.hits) if seen.place_and_year and seen.legal]
    signals = np.array([
        max((hit.dense for hit, _ in passing), default=0.0),
        max((seen.coverage for _, seen in passing), default=0.0),
        float(np.log1p(max((hit.lexical for hit, _ in passing), default=0.0))),
        query.english, intent == "out_of_scope", intent == "nlu_fallback",
    ], dtype=np.float64)
    protected = decide(query, hits, index.document_years, policy.for_query(query).relaxed(),
                       index.subject_terms).reason is None
    return Decision(signals, protected, reply.answer.kind in (AnswerKind.ANSWER, AnswerKind.GUIDANCE),
                    item["kind"] in ANSWERABLE_KINDS, fold_of(item))


def collect(engine: Engine, items: list[dict[str, Any]], intents: Intents) -> list[Decision]:
    """The decisions of the answerable and out-of-scope questions."""
    wanted = [item for item in items if item["kind"] in (*ANSWERABLE_KINDS, "out_of_scope")]
    ids = fold_ids(items)
    return [d for item in wanted if (d := read_decision(engine, item, intents(item["question"]), ids)) is not None]


def fit_decide(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray) -> np.ndarray:
    """Answer (True) or decline for `test_x`, by a logistic regression fitted on the training rows with
    the probability threshold that decides most training rows right."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = train_x.mean(axis=0), train_x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000).fit((train_x - mean) / scale, train_y)
    train_p = model.predict_proba((train_x - mean) / scale)[:, 1]
    right = [np.sum((train_p >= t) == train_y) for t in THRESHOLDS]
    threshold = THRESHOLDS[int(np.argmax(right))]
    return model.predict_proba((test_x - mean) / scale)[:, 1] >= threshold


def cross_validate(decisions: list[Decision]) -> list[tuple[int, int, int, int]]:
    """Per fold: (questions, decided right by the rules, by the model, by the model with the rules' outcome)."""
    signals = np.vstack([d.signals for d in decisions])
    stacked = np.column_stack([signals, [d.rules_answer for d in decisions]])
    labels = np.array([d.answerable for d in decisions])
    rules = np.array([d.rules_answer for d in decisions])
    protected = np.array([d.protected for d in decisions])
    folds = np.array([d.fold for d in decisions])
    results = []
    for fold in range(FOLDS):
        train, test = (folds != fold) & protected, folds == fold
        counts = [int(test.sum()), int(np.sum(rules[test] == labels[test]))]
        for features in (signals, stacked):
            answer = fit_decide(features[train], labels[train], features[test]) & protected[test]
            counts.append(int(np.sum(answer == labels[test])))
        results.append((counts[0], counts[1], counts[2], counts[3]))
    return results


def render(results: list[tuple[int, int, int, int]], decisions: list[Decision], seconds: float) -> str:
    """The Markdown section for docs/benchmarks.md."""
    answerable = sum(d.answerable for d in decisions)
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `python -m bot.evaluation.decision_fit` ({seconds:.0f} s) on "
             f"{len(decisions)} questions of the tuning folds ({answerable} answerable, "
             f"{len(decisions) - answerable} out of scope): questions decided right (answered when answerable, "
             "declined when not) by the rules of `bot/qa/relevance.py` and by a logistic regression fitted on the "
             "other folds over the signals " + ", ".join(SIGNALS) + " (behind the same protective checks), alone "
             "and with the rules' outcome as one more signal.", "",
             "| fold | questions | rules | fitted | fitted with the rules' outcome |", "|---|---|---|---|---|"]
    for fold, (total, rules, fitted, stacked) in enumerate(results):
        lines.append(f"| {fold} | {total} | {rules} | {fitted} | {stacked} |")
    sums = [sum(r[i] for r in results) for i in range(4)]
    lines.append(f"| all | {sums[0]} | {sums[1]} | {sums[2]} | {sums[3]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print (and with --write record) the cross-validated comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nlu-url", help="a running Rasa server with the trained model, e.g. http://127.0.0.1:5005")
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    settings = get_settings()
    decisions = collect(Engine(settings), tuning_items(settings.dev_eval_file), nlu_intents(args.nlu_url))
    report = render(cross_validate(decisions), decisions, time.monotonic() - started)
    print(report)
    if args.write:
        write_section(BENCHMARKS_DOC, START, END, "Answer decision: rules or a fitted model", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
