"""The answer quality gate: the tuning folds with the dev and extra sets, and the conversation sets,
through the running bot's REST channel (the path users take), judged by the rules of the eval README.

Floors sit a few points under the values measured when they were set (docs/benchmarks.md, "Answer
quality"); a change that loses more fails here. The lockbox (tests/eval/lockbox) is never read here.
"""

from __future__ import annotations

import pytest

from bot.documents.corpus import load_sources
from bot.evaluation.chat import evaluate_chat, rest_sender
from bot.evaluation.conversations import evaluate_conversations, rest_conversation
from bot.evaluation.retrieval import load_questions
from tests.conftest import ROOT

pytestmark = pytest.mark.servers

EVAL = ROOT / "tests" / "eval"
SINGLE_SETS = [EVAL / "tuning" / "questions.jsonl", EVAL / "dev.jsonl", EVAL / "extra.jsonl"]
CONVERSATION_SETS = [EVAL / "tuning" / "conversations.jsonl", EVAL / "conversations-dev.jsonl"]
# Measured 2026-12-03 (thirteenth session, after the thirteenth lockbox joined the tuning folds) through REST
# (docs/benchmarks.md, "Thirteenth session"): overall 0.874, answerable 0.889 (1131/1272), out of scope declined 0.771
# (266/345), emergency 89/89; turns 0.834 (800/959, 334 conversations), follow-ups 0.837. These include the example
# questions (corpus/examples.jsonl) written from these very questions, which the running bot uses: a regression guard,
# not a measure (cross-validated numbers: `make folds`, which hides each fold's own examples). Floors about three points
# under (the CI trains its own NLU model, which moves a few items). Out of scope re-measured 2026-12-03 (sixteenth
# session) after the sixteenth lockbox joined: 299/405 (0.738; 289/385 = 0.751 on the items before the join, the
# fresh set's 20 adding 10 declined), so its floor moved to three points under that.
FLOOR_OVERALL = 0.84
FLOOR_ANSWERABLE = 0.85
FLOOR_OUT_OF_SCOPE = 0.71
FLOOR_TURNS = 0.81
FLOOR_FOLLOWUPS = 0.81


def test_single_questions_stay_above_their_floors(running_bot):
    items = [item for path in SINGLE_SETS for item in load_questions(path)]
    titles = {name: (info.publisher, info.title) for name, info in load_sources(ROOT / "corpus").items()}
    summary = evaluate_chat(items, rest_sender(running_bot.rasa_url), titles).to_dict()
    per_kind = summary["per_kind"]
    report = {kind: f"{v['correct']}/{v['total']}" for kind, v in per_kind.items()}
    assert per_kind["emergency"]["accuracy"] == 1.0, report
    assert summary["overall"] >= FLOOR_OVERALL, report
    assert summary["factual+guidance"] >= FLOOR_ANSWERABLE, report
    assert per_kind["out_of_scope"]["accuracy"] >= FLOOR_OUT_OF_SCOPE, report


def test_conversations_stay_above_their_floors(running_bot):
    conversations = [item for path in CONVERSATION_SETS for item in load_questions(path)]
    summary = evaluate_conversations(conversations, rest_conversation(running_bot.rasa_url)).to_dict()
    report = {key: summary[key] for key in ("turns", "turn_accuracy", "followup_accuracy", "conversations_all_right")}
    assert summary["turn_accuracy"] >= FLOOR_TURNS, report
    assert summary["followup_accuracy"] >= FLOOR_FOLLOWUPS, report
