"""Cross-validated tuning of the search fusion weights (`bot.qa.search.FusionWeights`).

Run from the project root (`make tune` runs it):

    .venv/bin/python -m scripts.tune_fusion             # dev and extra answerable questions, pooled
    .venv/bin/python -m scripts.tune_fusion --dev-only  # the dev set's alone
    .venv/bin/python -m scripts.tune_fusion --no-write  # print only

Every setting of the grid in `bot/evaluation/tuning.py` ranks the answerable questions of the
dev set (tests/eval/dev.jsonl) and of the independent tests/eval/extra.jsonl on the built
index; K-fold cross-validation then scores, on each held-out fold, the setting picked on the
others beside the defaults. The results replace the part of docs/benchmarks.md between
`<!-- tuning:begin -->` and `<!-- tuning:end -->`.
"""

from __future__ import annotations

import argparse
import sys

from bot.evaluation.report_docs import BENCHMARKS_DOC
from bot.evaluation.tuning import eval_files, run_tuning


def main(argv: list[str] | None = None) -> int:
    """Rank, cross-validate, print, and (unless --no-write) update docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev-only", action="store_true", help="the dev set's questions only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    print(run_tuning(eval_files(args.dev_only), None if args.no_write else BENCHMARKS_DOC))
    return 0


if __name__ == "__main__":
    sys.exit(main())
