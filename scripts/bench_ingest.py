"""Ingest benchmark: passages per second for a synthetic corpus of ~1,000 documents.

Run from the project root:

    .venv/bin/python -m scripts.bench_ingest                  # 1,000 documents, fp32 baseline on 100
    .venv/bin/python -m scripts.bench_ingest --documents 200 --baseline-documents 0

What it does (`bot/evaluation/ingest_bench.py` and the modules it names):

1. Builds a synthetic corpus in a temporary folder: each document is one of the five files
   of corpus/ with its paragraphs shuffled, a random share of them kept, every number
   replaced by another with as many digits and the municipalities renamed, plus a
   sources.yml entry. Document i is the same for every corpus size (seeded by i).
2. Ingests it with `bot.index.ingest.ingest(..., force=True)` into a temporary index, each run in
   a child process (so its peak RSS is its own): the int8 ONNX embedder on the whole
   corpus, and the int8 and the fp32 torch embedder on the first `--baseline-documents`.
   A passage counts with its sentence vectors (each sentence is embedded separately).
3. On the real corpus: the cosine between fp32 and int8 vectors of every passage and
   sentence, Recall@1/5/10 and MRR@10 of both on the dev set and the extra set, the token
   length distribution, and a sweep of the int8 encoder's batch size in padded tokens.

The results replace the part of docs/benchmarks.md between `<!-- ingest:begin -->` and
`<!-- ingest:end -->`. The machine is shared: every timing is printed with the load average.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.evaluation.ingest_bench import run_ingest_benchmark
from bot.evaluation.report_docs import BENCHMARKS_DOC


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000, help="synthetic documents for the int8 run")
    parser.add_argument("--baseline-documents", type=int, default=100,
                        help="the first N of them, ingested with int8 and with fp32 torch (0: skip)")
    parser.add_argument("--skip-quality", action="store_true", help="no fp32/int8 comparison on the real corpus")
    parser.add_argument("--note", default="", help="a remark on the machine's load for the report")
    parser.add_argument("--output", type=Path, default=BENCHMARKS_DOC, help="Markdown file to update")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the corpora, run the ingests and the comparison, update the report and print it."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    print(run_ingest_benchmark("python -m scripts.bench_ingest " + " ".join(argv), args.output,
                               documents=args.documents, baseline_documents=args.baseline_documents,
                               skip_quality=args.skip_quality, note=args.note, raw_json=args.json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
