"""One timed, forced ingest of a corpus into a temporary index, in a child process of its own.

`run_ingest` starts `python -m bot.evaluation.ingest_runs --corpus DIR [--fp32]` from the
project root, so the peak RSS it reports is the run's own (the model included).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.evaluation.machine import cpu_seconds, load_average, progress_log
from bot.settings import PROJECT_ROOT

log = progress_log("bench")


@dataclass
class IngestRun:
    """One ingest of one corpus with one embedder, in its own process."""

    backend: str
    documents: int
    passages: int
    sentences: int
    seconds: float
    cpu_seconds: float
    model_load_seconds: float
    peak_rss_mib: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    @property
    def passages_per_s(self) -> float:
        return self.passages / self.seconds

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds


def ingest_worker(corpus: Path, fp32: bool) -> IngestRun:
    """Load the embedder, then time a forced ingest of `corpus` into a temporary index."""
    from bot.embedding.embedder import load_embedder
    from bot.index.ingest import ingest
    from bot.index.store import load_index
    from bot.settings import get_settings

    started = time.perf_counter()
    embedder = load_embedder(get_settings().model_cache_dir, fp32=fp32)
    embedder.encode_passages(["Opvarmning."])  # the int8 model's session is created on first use
    model_load = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-ingest-index-") as folder:
        load_before, cpu_before, started = load_average(), cpu_seconds(), time.perf_counter()
        report = ingest(corpus, Path(folder) / "index", embedder, force=True, progress=False)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
        load_after = load_average()
        sentences = sum(len(chunk.sentences) for chunk in load_index(Path(folder) / "index").chunks)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    documents = len(report.added) + len(report.changed) + len(report.unchanged)
    return IngestRun("fp32 torch" if fp32 else "int8 ONNX Runtime", documents, report.chunks, sentences, seconds, cpu,
                     model_load, peak, load_before, load_after)


def run_ingest(corpus: Path, fp32: bool) -> IngestRun:
    """`ingest_worker` in a child process."""
    command = [sys.executable, "-m", __name__, "--corpus", str(corpus)] + (["--fp32"] if fp32 else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=PROJECT_ROOT)
    data = json.loads(output.stdout.strip().splitlines()[-1])
    data["load_before"], data["load_after"] = tuple(data["load_before"]), tuple(data["load_after"])
    run = IngestRun(**data)
    log(f"{run.backend}, {run.documents} documents: {run.passages} passages + {run.sentences} sentences in "
        f"{run.seconds:.1f} s = {run.passages_per_s:.1f} passages/s; load {run.load_before[0]} -> {run.load_after[0]}")
    return run


def main(argv: list[str] | None = None) -> int:
    """The child process: one ingest run, printed as a JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.ingest_runs")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--fp32", action="store_true", help="the fp32 torch embedder instead of int8 ONNX")
    args = parser.parse_args(argv)
    print(json.dumps(asdict(ingest_worker(args.corpus, args.fp32))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
