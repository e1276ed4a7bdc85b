"""The heavy half of the FAISS scale run: index builds, in a child process under `nice`.

`run_builds` starts `python -m bot.evaluation.bench_retrieval.builds ...` from the project
root; that child generates the synthetic data, builds and saves the indexes and the exact
ground truth. The queries are timed in the parent at normal priority (`scale_queries`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

import bot.index.vectors as vectors
from bot.evaluation.bench_retrieval.synthetic import SCALE_QUERIES, synthetic_vectors
from bot.evaluation.machine import cpu_seconds, fmt_count, progress_log, rss_bytes
from bot.qa.search import CANDIDATES
from bot.settings import PROJECT_ROOT

log = progress_log("bench")


@contextlib.contextmanager
def hnsw_constants(neighbours: int, ef_construction: int) -> Iterator[None]:
    """Temporarily set bot.index.vectors' HNSW build constants (the module reads them at call time)."""
    saved = vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION
    vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION = neighbours, ef_construction
    try:
        yield
    finally:
        vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION = saved


def build_worker(count: int, seed: int, out_dir: Path, flat: bool, variants: list[tuple[int, int]]) -> None:
    """Child process: generate the data, build and save the indexes, save exact ground truth.

    Writes queries.npy, gt.npy (exact top-CANDIDATES ids), flat.faiss, hnsw-M-efC.faiss and
    builds.json (build wall/CPU seconds, RSS growth, file size per index).
    """
    base, queries = synthetic_vectors(count, SCALE_QUERIES, seed)
    np.save(out_dir / "queries.npy", queries)
    builds: list[dict[str, Any]] = []

    def build(name: str, kind: str) -> Any:
        rss, cpu, wall = rss_bytes(), cpu_seconds(), time.perf_counter()
        index = vectors.build_vector_index(base, kind)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        grown = rss_bytes() - rss
        path = out_dir / f"{name}.faiss"
        vectors.save_vector_index(index, path)
        builds.append({"name": name, "kind": kind, "wall_s": wall, "cpu_s": cpu, "rss_delta": grown,
                       "bytes": path.stat().st_size, "M": vectors.HNSW_NEIGHBOURS if kind == "hnsw" else None,
                       "ef_construction": vectors.HNSW_EF_CONSTRUCTION if kind == "hnsw" else None})
        log(f"  built {name} over {fmt_count(count)} in {wall:.1f} s wall, {cpu:.1f} s CPU")
        return index

    if flat:
        index = build("flat", "flat")
        _, truth = index.search(queries, CANDIDATES)
        np.save(out_dir / "gt.npy", truth)
        del index
    for neighbours, ef_construction in variants:
        with hnsw_constants(neighbours, ef_construction):
            index = build(f"hnsw-{neighbours}-{ef_construction}", "hnsw")
        del index
    (out_dir / "builds.json").write_text(json.dumps(builds, indent=2))


def run_builds(count: int, seed: int, out_dir: Path, flat: bool, variants: list[tuple[int, int]],
               niceness: int) -> list[dict[str, Any]]:
    """Run `build_worker` in a child process under `nice -n niceness` and return its builds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = ["nice", "-n", str(niceness), sys.executable, "-m", __name__,
               "--count", str(count), "--seed", str(seed), "--out", str(out_dir),
               "--variants", ",".join(f"{m}:{e}" for m, e in variants)]
    if flat:
        command.append("--flat")
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    return json.loads((out_dir / "builds.json").read_text())


def parse_variants(text: str) -> list[tuple[int, int]]:
    """"16:80,32:80" -> [(16, 80), (32, 80)]."""
    return [(int(m), int(e)) for m, e in (item.split(":") for item in text.split(",") if item)]


def main(argv: list[str] | None = None) -> int:
    """The child process's command line (what `run_builds` passes)."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.bench_retrieval.builds")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--flat", action="store_true")
    parser.add_argument("--variants", default="")
    args = parser.parse_args(argv)
    build_worker(args.count, args.seed, args.out, args.flat, parse_variants(args.variants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
