"""Answer quality of the real bot: retrieval metrics and answers judged through REST, per eval set.

For each set of single questions (the dev set, `Settings.dev_eval_file`; the independent
tests/eval/extra.jsonl; each fold of tests/eval/tuning; with `lockbox`, tests/eval/lockbox, looked at
once per session): passage-level retrieval (Recall@1/5/10, MRR@10, as `python -m bot eval`) and the
whole bot's answers, each question a fresh conversation through the REST channel of a bot started by
the harness, judged by `bot.evaluation.chat`; for each set of conversations (the shared dev
conversations, each tuning fold's, the lockbox's) every turn judged by `bot.evaluation.conversations`.
The Markdown goes between the quality markers of docs/benchmarks.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.evaluation.chat import evaluate_chat, rest_sender
from bot.evaluation.conversations import evaluate_conversations, rest_conversation
from bot.evaluation.harness import running_bot
from bot.evaluation.report_docs import write_section
from bot.evaluation.retrieval import EXTRA_EVAL_FILE, load_questions
from bot.settings import PROJECT_ROOT, get_settings

START_MARKER, END_MARKER = "<!-- quality:begin -->", "<!-- quality:end -->"
KINDS = ("factual", "notification_guidance", "out_of_scope", "smalltalk", "emergency")
EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
FOLDS = 5
WITH_FAILURES = ("dev", "extra")  # the sets whose failing questions are listed


def _fold_files(source: Path, prefix: str, target: Path) -> dict[str, Path]:
    """One file per fold of a tuning set, written into `target`."""
    items = load_questions(source)
    files = {}
    for fold in range(FOLDS):
        path = target / f"{prefix}-fold{fold}.jsonl"
        path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items if item["fold"] == fold),
                        encoding="utf-8")
        files[f"tuning fold {fold}"] = path
    return files


def retrieval_metrics(eval_file: Path) -> dict[str, float]:
    """`python -m bot eval --json` on the built index."""
    run = subprocess.run([sys.executable, "-m", "bot", "eval", "--file", str(eval_file), "--json"],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return {key: value for key, value in json.loads(run.stdout).items() if key != "misses"}


def render(results: dict[str, dict], seconds: float) -> str:
    """The Markdown section."""
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `python -m scripts.bench_quality` ({seconds:.0f} s). "
             "Retrieval: a passage is relevant when it holds a gold fact and comes from a gold source. "
             "Answers: every question a fresh conversation through the REST channel of the running bot, "
             "judged as in `../shared/eval/README.md`. The extra set (`tests/eval/extra.jsonl`) was written "
             "from the documents only, independently of the dev set and of the tuning: it is the check "
             "against overfitting the dev set. The tuning folds (`tests/eval/tuning`) are what changes are "
             "cross-validated on; the lockbox (`tests/eval/lockbox`), when shown, was looked at once, to report. "
             "The running bot's example questions (`corpus/examples.jsonl`) are the answerable questions of the "
             "dev, extra and tuning sets themselves, so their numbers here include memorised examples; the "
             "cross-validated ones come from `make folds`, which hides each fold's own examples.",
             ""]
    lines += ["| set | questions | R@1 | R@5 | R@10 | MRR@10 |", "|---|---|---|---|---|---|"]
    for name, result in results.items():
        r = result["retrieval"]
        lines.append(f"| {name} | {r['count']} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | "
                     f"{r['recall@10']:.3f} | {r['mrr@10']:.3f} |")
    lines += ["", "| set | overall | factual + guidance | " + " | ".join(KINDS) + " | answerable wrongly declined |",
              "|---|---|---|" + "---|" * len(KINDS) + "---|"]
    for name, result in results.items():
        chat = result["chat"]
        per_kind = [f"{chat['per_kind'][k]['correct']}/{chat['per_kind'][k]['total']}" if k in chat["per_kind"]
                    else "–" for k in KINDS]
        declined = chat["wrongly_declined"]
        lines.append(f"| {name} | {chat['overall']:.3f} | {chat['factual+guidance']:.3f} | "
                     + " | ".join(per_kind) + f" | {declined['count']}/{declined['of']} |")
    for name, result in results.items():
        failures = result["chat"]["failures"]
        lines += ["", f"Failures on {name} ({len(failures)}):", ""]
        lines += [f"- `{f['id']}` [{f['kind']}] {f['why']}: {f['question']}" for f in failures]
    return "\n".join(lines)


def render_conversations(results: dict[str, dict]) -> str:
    """The conversations table."""
    lines = ["| conversations | turns right | turn accuracy | follow-up accuracy | conversations all right |",
             "|---|---|---|---|---|"]
    for name, result in results.items():
        lines.append(f"| {name} | {result['turns']} | {result['turn_accuracy']:.3f} | {result['followup_accuracy']:.3f} | "
                     f"{result['conversations_all_right']} |")
    return "\n".join(lines)


def run_quality_benchmark(output: Path | None, lockbox: bool = False) -> str:
    """Measure every set; write the quality section of `output` (None: don't); the Markdown."""
    from bot.documents.corpus import load_sources

    started = time.monotonic()
    settings = get_settings()
    titles = {name: (info.publisher, info.title) for name, info in load_sources(settings.corpus_dir).items()}
    with tempfile.TemporaryDirectory() as scratch:
        folds = Path(scratch)
        files = {"dev": settings.dev_eval_file, "extra": EXTRA_EVAL_FILE,
                 **_fold_files(EVAL_DIR / "tuning" / "questions.jsonl", "questions", folds)}
        dialogues = {"shared dev": EVAL_DIR / "conversations-dev.jsonl",
                     **_fold_files(EVAL_DIR / "tuning" / "conversations.jsonl", "conversations", folds)}
        if lockbox:
            files["lockbox"] = EVAL_DIR / "lockbox" / "questions.jsonl"
            dialogues["lockbox"] = EVAL_DIR / "lockbox" / "conversations.jsonl"
        results: dict[str, dict] = {name: {"retrieval": retrieval_metrics(path)} for name, path in files.items()}
        conversations: dict[str, dict] = {}
        with tempfile.TemporaryDirectory() as run_dir, running_bot(Path(run_dir)) as bot:
            for name, path in files.items():
                chat = evaluate_chat(load_questions(path), rest_sender(bot.rasa_url), titles).to_dict()
                results[name]["chat"] = chat if name in WITH_FAILURES else {**chat, "failures": []}
            for name, path in dialogues.items():
                conversations[name] = evaluate_conversations(load_questions(path), rest_conversation(bot.rasa_url)).to_dict()
    body = render(results, time.monotonic() - started) + "\n\n" + render_conversations(conversations)
    if output is not None:
        write_section(output, START_MARKER, END_MARKER, "Answer quality", body)
    return body
