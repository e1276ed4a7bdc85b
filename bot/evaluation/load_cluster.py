"""Load benchmark of the cluster (scripts/cluster/run.sh): the same users and mix as `load.py`,
against 1 and then 2 Rasa replicas behind haproxy, on PostgreSQL and Redis.

Each replica count gets a fresh cluster (its own PostgreSQL and Redis in a temporary folder);
the phases run through the load balancer; the report (`load_cluster_report`) compares them.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.evaluation.cluster_harness import running_cluster
from bot.evaluation.load import LoadOptions, log, measure
from bot.evaluation.load_cluster_report import END_MARKER, START_MARKER, render_cluster
from bot.evaluation.load_phase import Phase
from bot.evaluation.load_report import describe_machine
from bot.evaluation.load_workload import Workload
from bot.evaluation.report_docs import write_section


def run_cluster_benchmark(options: LoadOptions, eval_file: Path, output: Path | None,
                          replica_counts: tuple[int, ...] = (1, 2), action_servers: int = 2) -> str:
    """Measure each replica count on a fresh cluster; write the cluster section of `output` (None: don't)."""
    workload = Workload.load(eval_file)
    results: dict[int, list[Phase]] = {}
    for replicas in replica_counts:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
            Path(folder).chmod(0o755)  # PostgreSQL runs as its own user when we are root
            log(f"starting the cluster: {replicas} Rasa replica(s), {action_servers} action servers")
            with running_cluster(Path(folder), replicas=replicas, action_servers=action_servers) as cluster:
                phases, _ = asyncio.run(measure(cluster, replace(options, profile_rounds=0), workload))  # type: ignore[arg-type]
        results[replicas] = phases
    body = render_cluster(results, action_servers, describe_machine())
    if output is not None:
        write_section(output, START_MARKER, END_MARKER, "Load on the cluster", body)
        log(f"wrote the cluster section of {output}")
    return body
