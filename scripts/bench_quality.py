"""Answer quality of the real bot: retrieval metrics and answers judged through REST.

Run from the project root (`make bench` runs it):

    .venv/bin/python -m scripts.bench_quality            # dev set and the extra set
    .venv/bin/python -m scripts.bench_quality --no-write # print only

For each eval file (the dev set tests/eval/dev.jsonl and the independent
tests/eval/extra.jsonl): passage-level retrieval (Recall@1/5/10, MRR@10, as `python -m bot
eval`) and the whole bot's answers, each question a fresh conversation through the REST
channel of a bot started with scripts/run.sh, judged by the rules of ../shared/eval/README.md
(`bot/evaluation/quality.py`). The results replace the part of docs/benchmarks.md between
`<!-- quality:begin -->` and `<!-- quality:end -->`.
"""

from __future__ import annotations

import argparse
import sys

from bot.evaluation.quality import run_quality_benchmark
from bot.evaluation.report_docs import BENCHMARKS_DOC


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and (unless --no-write) update docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--lockbox", action="store_true",
                        help="also the lockbox sets: look at them once per session, at the end, to report")
    args = parser.parse_args(argv)
    print(run_quality_benchmark(None if args.no_write else BENCHMARKS_DOC, args.lockbox))
    return 0


if __name__ == "__main__":
    sys.exit(main())
