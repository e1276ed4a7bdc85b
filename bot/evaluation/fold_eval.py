"""Offline answers per tuning fold: the numbers a change must improve before it is kept.

`python -m bot.evaluation.fold_eval [--nlu-url URL]` (`make folds`) answers the tuning folds' questions
(the dev and extra sets join them, spread over the folds by id) and conversations (the shared dev
conversations join them) through the reply path the action server runs (`reply_to`: follow-ups,
decision, composition), without Rasa. The intent each message would get comes from the trained NLU
model through a running Rasa server's `/model/parse` (`--nlu-url`; answers are cached in
`run/nlu-intents.json`, keyed by the model file's hash), or is None when no URL is given. It prints,
per fold, the answerable questions answered right and the out-of-scope ones declined (judged as
`bot.evaluation.chat.judge`), and the follow-up turns right (`bot.evaluation.conversations.turn_right`).
Compare a change's numbers fold by fold with the committed code's, keep it only for a gain that the
folds share, and give the fold numbers in the commit message. The lockbox is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bot.dialogue.followup import Context
from bot.dialogue.reply import ACUTE_INTENT, NOTIFICATION_INTENT, Reply, as_messages, reply_to
from bot.documents.corpus import load_sources
from bot.evaluation.chat import judge
from bot.evaluation.conversations import turn_right
from bot.evaluation.retrieval import ANSWERABLE_KINDS, load_questions
from bot.evaluation.sentence_fit import FOLDS, fold_ids, fold_of, hide_fold_examples, tuning_items
from bot.language.worry import speaks_of_a_worry
from bot.qa.engine import Engine
from bot.settings import PROJECT_ROOT, get_settings

CONVERSATION_FILES = (PROJECT_ROOT / "tests" / "eval" / "tuning" / "conversations.jsonl",
                      PROJECT_ROOT / "tests" / "eval" / "conversations-dev.jsonl")
CACHE_FILE = PROJECT_ROOT / "run" / "nlu-intents.json"
# Intents whose messages the action server answers through `reply_to` (the others get responses or
# their own actions, which this offline run does not play).
ANSWER_INTENTS = frozenset({"ask_question", "out_of_scope", "notification_help", "nlu_fallback", "ask_followup",
                            "followup_municipality"})

Intents = Callable[[str], str | None]


@dataclass
class FoldCounts:
    """Right / total per fold for answerable questions, out-of-scope questions and follow-up turns."""

    answerable: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(FOLDS)])
    out_of_scope: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(FOLDS)])
    followups: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(FOLDS)])
    later_declines: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(FOLDS)])

    def render(self) -> str:
        """One line per measure: each fold's right/total, then the sum."""
        lines = []
        for name, counts in (("answerable right", self.answerable), ("out of scope declined", self.out_of_scope),
                             ("follow-up turns right", self.followups),
                             ("later turns declined", self.later_declines)):
            folds = "  ".join(f"{right}/{total}" for right, total in counts)
            lines.append(f"{name:<22} {folds}  | {sum(c[0] for c in counts)}/{sum(c[1] for c in counts)}")
        return "\n".join(lines)


def _add(counts: list[list[int]], fold: int, right: bool) -> None:
    counts[fold][0] += int(right)
    counts[fold][1] += 1


def nlu_intents(url: str | None, cache_file: Path = CACHE_FILE) -> Intents:
    """The intent the trained model gives a message (None without `url`), cached per model file."""
    if url is None:
        return lambda message: None
    model = max((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    key = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    stored = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
    cache: dict[str, str] = stored.get(key, {})

    def intent(message: str) -> str | None:
        if message not in cache:
            request = urllib.request.Request(f"{url}/model/parse", json.dumps({"text": message}).encode(),
                                             {"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - the local Rasa server
                cache[message] = json.loads(reply.read())["intent"]["name"]
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_text(json.dumps({key: cache}, ensure_ascii=False), encoding="utf-8")
        return cache[message]
    return intent


def routed(intent: str | None, message: str) -> str | None:
    """The intent as the answer path sees it: one of `ANSWER_INTENTS`, else None (played as a question). A message
    NLU takes for acute danger that speaks of a worry about a child is read as notification help, as
    `action_acute_concern` reads it (the acute-danger net is not the answer path's)."""
    if intent == ACUTE_INTENT:
        return NOTIFICATION_INTENT if speaks_of_a_worry(message) else None
    return intent if intent in ANSWER_INTENTS else None


def _reply(engine: Engine, message: str, intents: Intents, context: Context | None = None) -> Reply:
    return reply_to(engine, message, routed(intents(message), message), context)


def evaluate(engine: Engine, questions: list[dict[str, Any]], conversations: list[dict[str, Any]],
             intents: Intents) -> FoldCounts:
    """The per-fold counts of the questions and of the conversations' follow-up turns."""
    titles = {name: (info.publisher, info.title) for name, info in load_sources(engine.settings.corpus_dir).items()}
    counts = FoldCounts()
    ids = fold_ids(questions)
    for fold in range(FOLDS):
        hide_fold_examples(engine, ids, fold)
        _evaluate_fold(engine, [item for item in questions if fold_of(item) == fold],
                       [conversation for conversation in conversations if fold_of(conversation) == fold],
                       intents, titles, counts)
    engine.searcher().hidden_examples = frozenset()
    return counts


def _evaluate_fold(engine: Engine, questions: list[dict[str, Any]], conversations: list[dict[str, Any]],
                   intents: Intents, titles: dict[str, tuple[str, str]], counts: FoldCounts) -> None:
    """Add one fold's questions and conversations to `counts`."""
    for item in questions:
        if item["kind"] in (*ANSWERABLE_KINDS, "out_of_scope"):
            right = judge(item, as_messages(_reply(engine, item["question"], intents)), titles)[0]
            _add(counts.answerable if item["kind"] in ANSWERABLE_KINDS else counts.out_of_scope, fold_of(item), right)
    for conversation in conversations:
        context = None
        for number, turn in enumerate(conversation["turns"]):
            reply = _reply(engine, turn["user"], intents, context)
            context = (context or Context("")).next(reply.question, reply.answer)
            if number and turn["kind"] in ("factual", "guidance", "decline"):
                measure = counts.later_declines if turn["kind"] == "decline" else counts.followups
                _add(measure, fold_of(conversation), turn_right(turn, as_messages(reply)))


def main(argv: list[str] | None = None) -> int:
    """Print the per-fold counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nlu-url", help="a running Rasa server with the trained model, e.g. http://127.0.0.1:5005")
    args = parser.parse_args(argv)
    settings = get_settings()
    conversations = [item for path in CONVERSATION_FILES for item in load_questions(path)]
    counts = evaluate(Engine(settings), tuning_items(settings.dev_eval_file), conversations, nlu_intents(args.nlu_url))
    print(counts.render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
