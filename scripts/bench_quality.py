"""Answer quality of the real bot: retrieval metrics and answers judged through REST.

Run from the project root (`make bench` runs it):

    .venv/bin/python scripts/bench_quality.py            # dev set and the extra set
    .venv/bin/python scripts/bench_quality.py --no-write # print only

For each eval file (the public dev set ../shared/eval/dev.jsonl and the independent
tests/eval/extra.jsonl): passage-level retrieval (Recall@1/5/10, MRR@10, as `python -m bot
eval`) and the whole bot's answers, each question a fresh conversation through the REST
channel of a bot started with scripts/run.sh, judged by the rules of ../shared/eval/README.md.
The results replace the part of docs/benchmarks.md between `<!-- quality:begin -->` and
`<!-- quality:end -->`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_docs  # scripts/, beside this file
from bench_load import DEFAULT_EVAL, DOC_PATH, ROOT, running_bot

sys.path.insert(0, str(ROOT))
from bot.chat_eval import evaluate_chat, rest_sender  # noqa: E402
from bot.corpus import load_sources  # noqa: E402
from bot.retrieval_eval import load_questions  # noqa: E402

START_MARKER, END_MARKER = "<!-- quality:begin -->", "<!-- quality:end -->"
EXTRA_EVAL = ROOT / "tests" / "eval" / "extra.jsonl"
KINDS = ("factual", "notification_guidance", "out_of_scope", "smalltalk", "emergency")


def retrieval_metrics(eval_file: Path) -> dict[str, float]:
    """`python -m bot eval --json` on the built index."""
    run = subprocess.run([sys.executable, "-m", "bot", "eval", "--file", str(eval_file), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return {key: value for key, value in json.loads(run.stdout).items() if key != "misses"}


def render(results: dict[str, dict], seconds: float) -> str:
    """The Markdown section."""
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `scripts/bench_quality.py` ({seconds:.0f} s). "
             "Retrieval: a passage is relevant when it holds a gold fact and comes from a gold source. "
             "Answers: every question a fresh conversation through the REST channel of the running bot, "
             "judged as in `../shared/eval/README.md`. The extra set (`tests/eval/extra.jsonl`) was written "
             "from the documents only, independently of the dev set and of the tuning: it is the check "
             "against overfitting the dev set.", ""]
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


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and (unless --no-write) update docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    files = {"dev": DEFAULT_EVAL, "extra": EXTRA_EVAL}
    titles = {name: (info.publisher, info.title) for name, info in load_sources(ROOT / "corpus").items()}
    results: dict[str, dict] = {name: {"retrieval": retrieval_metrics(path)} for name, path in files.items()}
    with tempfile.TemporaryDirectory() as run_dir, running_bot(Path(run_dir)) as bot:
        for name, path in files.items():
            results[name]["chat"] = evaluate_chat(load_questions(path), rest_sender(bot.rasa_url), titles).to_dict()
    body = render(results, time.monotonic() - started)
    print(body)
    if not args.no_write:
        bench_docs.write_section(DOC_PATH, START_MARKER, END_MARKER, "Answer quality", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
