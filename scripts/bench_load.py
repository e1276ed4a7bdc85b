"""Load benchmark of the real running bot over REST: many concurrent simulated users.

Run from the project root (`make bench` runs it after the retrieval benchmarks):

    .venv/bin/python -m scripts.bench_load                      # 20 users, then 100, 60 s each
    .venv/bin/python -m scripts.bench_load --users 5 --duration 10 --no-write   # smoke run

It starts the bot itself with scripts/run.sh on free loopback ports and a fresh tracker
database in a temporary folder, warms it up, then runs one phase per user count. A
simulated user is a fresh conversation (its own sender id and HTTP connection) of 2-6 messages: questions of
the dev set (tests/eval/dev.jsonl), paraphrases and smalltalk, picked at random; it
waits for each reply, reads it for a random think time, and after its last message a new
user takes its place. New messages stop at the end of the phase; messages in flight finish.

Recorded per phase: replies per second, p50/p95/p99/max latency, errors by cause, the
kinds of the replies, and per server process (Rasa, action server, web page) the resident
memory (before, peak, after) and the CPU seconds used. With `--profile`, one question at a
time on the idle bot is split into Rasa NLU, the action server and the rest (Rasa's
dialogue policies, tracker store, HTTP).

The results replace the part of docs/benchmarks.md between `<!-- load:begin -->` and
`<!-- load:end -->` (a "## Load" section with those markers is appended when missing).
The measuring is `bot/evaluation/load.py` and the modules it names.

With `--cluster` (`make bench-cluster`) the same users drive the cluster instead
(scripts/cluster/run.sh: PostgreSQL, Redis, haproxy, 2 action servers), once with each
replica count of `--replicas` (1,2), a fresh cluster each; the results, with CPU per reply of
every process and the 2-replica / 1-replica ratio, go between `<!-- load-cluster:begin -->`
and `<!-- load-cluster:end -->` (`bot/evaluation/load_cluster.py`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.evaluation.load import MAX_DURATION_S, MAX_USERS, LoadOptions, run_load_benchmark
from bot.evaluation.report_docs import BENCHMARKS_DOC
from bot.settings import get_settings


def parse_args(argv: list[str] | None = None) -> tuple[LoadOptions, argparse.Namespace]:
    """Command line options: the load to apply, and the rest."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="20,100", help="comma-separated user counts, one phase each")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--think", default="0.25-0.75", help="think time range in seconds, e.g. 0.25-0.75 or 0")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a message counts as timed out")
    parser.add_argument("--warmup", type=int, default=20, help="messages sent one by one before measuring")
    parser.add_argument("--profile", type=int, default=30, help="questions timed part by part (0: skip)")
    parser.add_argument("--eval", type=Path, default=get_settings().dev_eval_file, help="dev question set (jsonl)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {BENCHMARKS_DOC.name} alone")
    parser.add_argument("--cluster", action="store_true", help="drive the cluster (haproxy, PostgreSQL, Redis) instead")
    parser.add_argument("--replicas", default="1,2", help="with --cluster: Rasa replica counts, one cluster each")
    parser.add_argument("--action-servers", type=int, default=2, help="with --cluster: action servers")
    args = parser.parse_args(argv)
    user_counts = [int(part) for part in args.users.split(",") if part.strip()]
    low, _, high = args.think.partition("-")
    if not user_counts or not all(0 < n <= MAX_USERS for n in user_counts):
        parser.error(f"user counts must be between 1 and {MAX_USERS}")
    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"duration must be between 0 and {MAX_DURATION_S} s")
    options = LoadOptions(user_counts, args.duration, (float(low), float(high or low)), args.timeout, args.warmup,
                          args.profile, args.seed)
    return options, args


def main(argv: list[str] | None = None) -> int:
    """Start the bot, measure, report."""
    options, args = parse_args(argv)
    output = None if args.no_write else BENCHMARKS_DOC
    if args.cluster:
        from bot.evaluation.load_cluster import run_cluster_benchmark

        replicas = tuple(int(part) for part in args.replicas.split(",") if part.strip())
        if not replicas or not all(1 <= n <= 4 for n in replicas) or not 1 <= args.action_servers <= 4:
            print("replica and action server counts must be between 1 and 4", file=sys.stderr)
            return 2
        print(run_cluster_benchmark(options, args.eval, output, replicas, args.action_servers))
        return 0
    print(run_load_benchmark(options, args.eval, output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
