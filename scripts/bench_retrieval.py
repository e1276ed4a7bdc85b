"""Retrieval benchmarks: query latency, index build, FAISS scale run, embedding throughput.

Run from the project root:

    .venv/bin/python scripts/bench_retrieval.py            # full run (includes 1M vectors)
    .venv/bin/python scripts/bench_retrieval.py --quick    # smoke run: 10k and 100k only

The results replace the part of docs/benchmarks.md between `<!-- retrieval:start -->` and
`<!-- retrieval:end -->` (a "## Retrieval" section with those markers is appended when
missing); the rest of the file is left as it is.

What is measured:

1. Warm latency of `Searcher.search` on the real index for the dev questions, split into
   query encoding and the rest, with torch's default thread count and with one thread.
2. A forced full ingest of the corpus into a temporary folder, then a no-change ingest.
3. FAISS at 10k / 100k / 1M synthetic vectors (clustered, e5-like spectrum; see
   `synthetic_vectors`): flat vs HNSW build time, size, single-query latency, HNSW
   recall against exact search, an efSearch sweep, and where flat search passes 10 ms.
   The index builds (the heavy part) run in a child process under `nice -n 19`; the
   queries are timed in this process at normal priority, because a niced process on a
   busy machine mostly measures the scheduler.
4. Passage embedding throughput on synthetic Danish passages made of corpus sentences.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench_docs  # noqa: E402  (scripts/, beside this file)
import faiss  # noqa: E402

import bot.vectors as vectors  # noqa: E402
from bot.search import CANDIDATES  # noqa: E402

DOC_PATH = ROOT / "docs" / "benchmarks.md"
DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "dev.jsonl"
START_MARKER = "<!-- retrieval:start -->"
END_MARKER = "<!-- retrieval:end -->"

DIMENSION = 384
MIN_TIMED_QUERIES = 200
SCALE_QUERIES = 1000
FLAT_QUERIES_LARGE = 200  # exact search past 20k vectors: 200 single queries are enough for a p95
FLAT_QUERIES_SLOW = 50  # multi-threaded exact search past LARGE takes ~1 s a query
FLAT_GIVE_UP_MS = 100.0  # the crossover sweep stops a thread setting once its p50 is past this
LARGE = 500_000
WARMUP_QUERIES = 20
EF_SWEEP = (16, 32, 64, 96, 128, 192, 256, 384, 512)
CROSSOVER_SIZES = (10_000, 20_000, 30_000, 50_000, 75_000, 100_000, 200_000, 500_000, 1_000_000)
TARGET_MS = 10.0
TARGET_RECALL = 0.95
SEARCH_TARGET_P95_MS = 30.0
FALLBACK_VARIANT = (48, 160)

# Synthetic data: ~100 vectors a topic, topic centroids and within-topic noise both drawn
# with a power-law spectrum (std of component i ~ i^-0.5), which gives a participation
# ratio of ~30 like the real e5 vectors of this index; pure isotropic noise would make the
# data far harder for HNSW than text embeddings are, well-separated clusters far easier.
PER_CLUSTER = 100
NOISE = 1.5
SPECTRUM_DECAY = 0.5


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    """Progress on stderr, so stdout stays clean."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(values_ms: list[float] | np.ndarray) -> dict[str, float]:
    """p50/p95/p99 and mean of a list of milliseconds."""
    array = np.asarray(values_ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(array, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(array.mean()), "n": int(array.size)}


def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total_gib() -> float:
    """Total RAM in GiB, from /proc/meminfo."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def hnsw_constants(neighbours: int, ef_construction: int) -> Iterator[None]:
    """Temporarily set bot.vectors' HNSW build constants (the module reads them at call time)."""
    saved = vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION
    vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION = neighbours, ef_construction
    try:
        yield
    finally:
        vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION = saved


def fmt(value: float, digits: int = 1) -> str:
    """A number for a Markdown table."""
    return f"{value:,.{digits}f}"


def fmt_bytes(size: int) -> str:
    """Bytes as MiB/GiB."""
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / 2**20:.1f} MiB"


def fmt_count(count: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1000 and count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine


@dataclass
class Machine:
    """Where and when the numbers were taken."""

    date: str
    nproc: int
    cpu: str
    memory_gib: float
    torch_threads: int
    faiss_threads: int
    versions: dict[str, str]
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    command: str = ""


def describe_machine() -> Machine:
    """Date, cores, CPU, thread counts, library versions and the load average now."""
    import torch

    return Machine(
        date=time.strftime("%Y-%m-%d %H:%M %Z"),
        nproc=len(os.sched_getaffinity(0)),
        cpu=cpu_model(),
        memory_gib=memory_total_gib(),
        torch_threads=torch.get_num_threads(),
        faiss_threads=faiss.omp_get_max_threads(),
        versions={"python": platform.python_version(), "torch": torch.__version__, "faiss": faiss.__version__,
                  "numpy": np.__version__},
        load_start=load_average(),
        command="python scripts/bench_retrieval.py " + " ".join(sys.argv[1:]),
    )


# --------------------------------------------------------------------------- 1. search latency


@dataclass
class LatencyResult:
    """Warm `Searcher.search` latency for one torch thread count."""

    torch_threads: int
    faiss_threads: int
    encode: dict[str, float]
    rest: dict[str, float]
    total: dict[str, float]
    encode_cpu: dict[str, float]


def time_searches(searcher: Any, questions: list[str], repeats: int) -> LatencyResult:
    """Time `searcher.search` as its two halves (encode, search_vector) over `repeats` passes.

    `Searcher.search(q)` is exactly `search_vector(q, encode(q))`, so the total is the sum.
    One untimed pass over all questions warms caches first. Encoding is also timed in process
    CPU time (all threads), which the other load on the machine barely affects.
    """
    import torch

    for question in questions:
        searcher.search(question)
    encode_ms: list[float] = []
    encode_cpu_ms: list[float] = []
    rest_ms: list[float] = []
    for _ in range(repeats):
        for question in questions:
            cpu_started = time.process_time()
            started = time.perf_counter()
            query = searcher.encode(question)
            encoded = time.perf_counter()
            encode_cpu_ms.append((time.process_time() - cpu_started) * 1000)
            searcher.search_vector(question, query)
            done = time.perf_counter()
            encode_ms.append((encoded - started) * 1000)
            rest_ms.append((done - encoded) * 1000)
    total_ms = np.add(encode_ms, rest_ms)
    return LatencyResult(torch.get_num_threads(), faiss.omp_get_max_threads(), percentiles(encode_ms),
                         percentiles(rest_ms), percentiles(total_ms), percentiles(encode_cpu_ms))


def bench_search_latency(searcher: Any, eval_file: Path) -> list[LatencyResult]:
    """Warm search latency: default threads, one torch thread, one torch and one FAISS thread."""
    import torch

    from bot.retrieval_eval import load_questions

    questions = [item["question"] for item in load_questions(eval_file)]
    repeats = math.ceil(MIN_TIMED_QUERIES / len(questions))
    default_torch, default_faiss = torch.get_num_threads(), faiss.omp_get_max_threads()
    results = []
    for torch_threads, faiss_threads in dict.fromkeys([(default_torch, default_faiss), (1, default_faiss), (1, 1)]):
        torch.set_num_threads(torch_threads)
        faiss.omp_set_num_threads(faiss_threads)
        log(f"search latency: {len(questions)} questions x {repeats}, torch threads {torch_threads}, "
            f"FAISS threads {faiss_threads}")
        results.append(time_searches(searcher, questions, repeats))
    torch.set_num_threads(default_torch)
    faiss.omp_set_num_threads(default_faiss)
    return results


# --------------------------------------------------------------------------- 2. ingest


@dataclass
class IngestResult:
    """One ingest run."""

    kind: str
    files: int
    chunks: int
    sentences: int
    embedded_chunks: int
    seconds: float


def bench_ingest(corpus_dir: Path, embedder: Any) -> list[IngestResult]:
    """A forced full ingest into a temporary folder, then an ingest with nothing changed."""
    from bot.index_store import load_index
    from bot.ingest import ingest

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        index_dir = Path(folder) / "index"
        for kind, force in (("full (--force)", True), ("incremental, no change", False)):
            log(f"ingest: {kind}")
            started = time.perf_counter()
            report = ingest(corpus_dir, index_dir, embedder, force=force)
            seconds = time.perf_counter() - started
            loaded = load_index(index_dir)
            sentences = sum(len(chunk.sentences) for chunk in loaded.chunks) if report.embedded else 0
            files = len(report.added) + len(report.changed) + len(report.unchanged)
            results.append(IngestResult(kind, files, report.chunks, sentences, report.embedded, seconds))
    return results


# --------------------------------------------------------------------------- 4. embedding throughput


@dataclass
class ThroughputResult:
    """Passage embedding speed."""

    passages: int
    mean_words: float
    batch_size: int
    torch_threads: int
    seconds: float


def synthetic_passages(sentences: list[str], count: int, words: int, seed: int = 42) -> list[str]:
    """`count` passages of at least `words` words, each a random recombination of sentences."""
    rng = random.Random(seed)
    passages = []
    for _ in range(count):
        picked: list[str] = []
        while sum(len(s.split()) for s in picked) < words:
            picked.append(rng.choice(sentences))
        passages.append(" ".join(picked))
    return passages


def bench_embedding(embedder: Any, sentences: list[str], count: int = 300, words: int = 120,
                    batch_size: int = 32) -> list[ThroughputResult]:
    """Passages/s of `encode_passages` on synthetic Danish passages, after a warm-up batch.

    Measured with torch's default thread count and, for comparison, with one thread.
    """
    import torch

    passages = synthetic_passages([s for s in sentences if len(s.split()) >= 4], count, words)
    mean_words = float(np.mean([len(p.split()) for p in passages]))
    default_threads = torch.get_num_threads()
    results = []
    for threads in dict.fromkeys([default_threads, 1]):
        torch.set_num_threads(threads)
        embedder.encode_passages(passages[:batch_size], batch_size=batch_size)
        log(f"embedding throughput: {count} passages, batch {batch_size}, torch threads {threads}")
        started = time.perf_counter()
        embedder.encode_passages(passages, batch_size=batch_size)
        seconds = time.perf_counter() - started
        results.append(ThroughputResult(count, mean_words, batch_size, threads, seconds))
    torch.set_num_threads(default_threads)
    return results


# --------------------------------------------------------------------------- 3. scale run: data


def synthetic_vectors(count: int, queries: int, seed: int, dimension: int = DIMENSION) -> tuple[np.ndarray, np.ndarray]:
    """`count` base vectors and `queries` query vectors from one clustered distribution.

    Each vector is normalise(centroid[random topic] + NOISE * noise): `count / PER_CLUSTER`
    unit-norm topic centroids; centroids and noise both have component standard deviations
    falling as i^-SPECTRUM_DECAY (in the standard basis, which is no loss of generality).
    Queries come from the same topics but are not base vectors.
    """
    rng = np.random.default_rng(seed)
    scale = np.arange(1, dimension + 1, dtype=np.float64) ** -SPECTRUM_DECAY
    scale = (scale / np.sqrt(np.mean(scale**2))).astype(np.float32)
    clusters = max(1, count // PER_CLUSTER)
    centroids = rng.standard_normal((clusters, dimension), dtype=np.float32) * scale
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    noise_scale = NOISE * scale / np.float32(math.sqrt(dimension))
    total = count + queries
    out = np.empty((total, dimension), dtype=np.float32)
    for start in range(0, total, 100_000):
        size = min(100_000, total - start)
        block = centroids[rng.integers(0, clusters, size)]
        block += rng.standard_normal((size, dimension), dtype=np.float32) * noise_scale
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + size] = block
    return out[:count], np.ascontiguousarray(out[count:])


def structure_stats(matrix: np.ndarray) -> dict[str, float]:
    """Nearest-neighbour cosine and participation ratio after removing the common mean.

    e5 vectors share a large common direction that does not affect ranking; what search
    sees is the residual, so both numbers are computed on centred, renormalised vectors.
    """
    centred = matrix - matrix.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    cosine = centred @ centred.T
    np.fill_diagonal(cosine, -1.0)
    spectrum = np.linalg.svd(centred - centred.mean(axis=0), compute_uv=False) ** 2
    spectrum /= spectrum.sum()
    return {"count": int(len(matrix)), "nn_cosine": float(cosine.max(axis=1).mean()),
            "participation_ratio": float(1.0 / np.sum(spectrum**2))}


# --------------------------------------------------------------------------- 3. scale run: builds (child)


def build_worker(count: int, seed: int, out_dir: Path, flat: bool, variants: list[tuple[int, int]]) -> None:
    """Child process: generate the data, build and save the indexes, save exact ground truth.

    Writes queries.npy, gt.npy (exact top-CANDIDATES ids), flat.faiss, hnsw-M-efC.faiss and
    builds.json (build wall/CPU seconds, RSS growth, file size per index).
    """
    base, queries = synthetic_vectors(count, SCALE_QUERIES, seed)
    np.save(out_dir / "queries.npy", queries)
    builds: list[dict[str, Any]] = []

    def build(name: str, kind: str) -> faiss.Index:
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
    command = ["nice", "-n", str(niceness), sys.executable, str(Path(__file__).resolve()), "_build",
               "--count", str(count), "--seed", str(seed), "--out", str(out_dir),
               "--variants", ",".join(f"{m}:{e}" for m, e in variants)]
    if flat:
        command.append("--flat")
    subprocess.run(command, check=True)
    return json.loads((out_dir / "builds.json").read_text())


# --------------------------------------------------------------------------- 3. scale run: queries (parent)


@contextlib.contextmanager
def faiss_threads(count: int) -> Iterator[None]:
    """Temporarily set FAISS's OpenMP thread count."""
    saved = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(saved)


def time_queries(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, dict[str, float]]:
    """Single-query search via bot.vectors.search_vectors, after a warm-up; (ids, latency stats).

    The stats also hold `cpu_p50`/`cpu_p95`: process CPU time per query (all threads), which
    the other load on the machine barely affects.
    """
    for query in queries[:WARMUP_QUERIES]:
        vectors.search_vectors(index, query, k)
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    timings, cpu = [], []
    for row, query in enumerate(queries):
        cpu_started = time.process_time()
        started = time.perf_counter()
        _, found = vectors.search_vectors(index, query, k)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        ids[row, : len(found)] = found
    stats = percentiles(timings)
    stats["cpu_p50"], stats["cpu_p95"] = (float(v) for v in np.percentile(cpu, [50, 95]))
    return ids, stats


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Mean share of the exact top-k found in the first k results."""
    hits = [len(np.intersect1d(f[:k], t[:k])) for f, t in zip(found, truth)]
    return float(np.mean(hits)) / k


@dataclass
class ScaleRow:
    """One index at one size, at one efSearch (None for flat) and FAISS thread count."""

    count: int
    kind: str
    neighbours: int | None
    ef_construction: int | None
    ef_search: int | None
    faiss_threads: int
    queries: int
    k10: dict[str, float]
    k100: dict[str, float]
    recall10: float
    recall10_at_k100: float
    recall100: float
    build: dict[str, Any] = field(default_factory=dict)


def flat_query_count(count: int, threads: int) -> int:
    """How many queries to time on exact search: all of them while it is cheap."""
    if count <= 20_000:
        return SCALE_QUERIES
    return FLAT_QUERIES_SLOW if count >= LARGE and threads > 1 else FLAT_QUERIES_LARGE


def measure_flat(count: int, folder: Path, build: dict[str, Any], queries: np.ndarray,
                 thread_counts: list[int]) -> list[ScaleRow]:
    """Latency of exact search at k=10 and k=CANDIDATES, once per FAISS thread count."""
    index = vectors.load_vector_index(folder / "flat.faiss")
    rows = []
    for threads in thread_counts:
        sample = queries[: flat_query_count(count, threads)]
        log(f"  flat {fmt_count(count)}: timing {len(sample)} queries, FAISS threads {threads}")
        with faiss_threads(threads):
            _, k10 = time_queries(index, sample, 10)
            _, k100 = time_queries(index, sample, CANDIDATES)
        rows.append(ScaleRow(count, "flat", None, None, None, threads, len(sample), k10, k100, 1.0, 1.0, 1.0, build))
    return rows


def measure_hnsw(count: int, path: Path, build: dict[str, Any], queries: np.ndarray, truth: np.ndarray,
                 ef_values: tuple[int, ...], threads: int) -> list[ScaleRow]:
    """Latency and recall of one HNSW index at each efSearch."""
    index = vectors.load_vector_index(path)
    rows = []
    with faiss_threads(threads):
        for ef in ef_values:
            index.hnsw.efSearch = ef
            found10, k10 = time_queries(index, queries, 10)
            found100, k100 = time_queries(index, queries, CANDIDATES)
            row = ScaleRow(count, "hnsw", build["M"], build["ef_construction"], ef, threads, len(queries), k10,
                           k100, recall(found10, truth, 10), recall(found100, truth, 10),
                           recall(found100, truth, CANDIDATES), build)
            log(f"  hnsw {fmt_count(count)} M={build['M']} efC={build['ef_construction']} ef={ef} "
                f"threads={threads}: recall@10 {row.recall10:.4f}, p95 {k10['p95']:.2f} ms (k=10), "
                f"{k100['p95']:.2f} ms (k={CANDIDATES})")
            rows.append(row)
    return rows


def meets_target(row: ScaleRow) -> bool:
    """recall@10 >= 0.95 and p95 <= 10 ms, for the k=10 search."""
    return row.recall10 >= TARGET_RECALL and row.k10["p95"] <= TARGET_MS


def flat_crossover(flat_path: Path, largest: int, known: dict[tuple[int, int], dict[str, float]],
                   queries: np.ndarray, thread_counts: list[int]) -> dict[int, dict[int, dict[str, float]]]:
    """Exact search latency at k=CANDIDATES for growing prefixes of the largest flat index.

    Returns {FAISS threads: {size: stats}}; sizes already measured in the scale run are reused,
    and a thread setting is no longer timed at sizes past the one where its p50 exceeded
    FLAT_GIVE_UP_MS (its 10 ms crossing is behind it by then).
    """
    index = vectors.load_vector_index(flat_path)
    results: dict[int, dict[int, dict[str, float]]] = {t: {} for t in thread_counts}
    for (size, threads), stats in known.items():
        results[threads][size] = stats
    for size in CROSSOVER_SIZES:
        wanted = [t for t in thread_counts if size not in results[t]
                  and all(s["p50"] <= FLAT_GIVE_UP_MS for n, s in results[t].items() if n < size)]
        if size > largest or not wanted:
            continue
        prefix = faiss.IndexFlatIP(index.d)
        prefix.add(index.reconstruct_n(0, size))
        for threads in wanted:
            log(f"  flat crossover at {fmt_count(size)}, FAISS threads {threads}")
            with faiss_threads(threads):
                _, results[threads][size] = time_queries(prefix, queries[:FLAT_QUERIES_LARGE], CANDIDATES)
        del prefix
    return {t: dict(sorted(points.items())) for t, points in results.items()}


def crossing(points: dict[int, dict[str, float]], key: str, limit_ms: float) -> tuple[int, str] | None:
    """Where the `key` latency first reaches `limit_ms`: (size, "~") interpolated linearly,
    (smallest size, "<") when already there at the smallest size, None when never reached."""
    previous: tuple[int, float] | None = None
    for size, stats in points.items():
        value = stats[key]
        if value >= limit_ms:
            if previous is None:
                return size, "<"
            low_size, low_value = previous
            estimate = low_size + (limit_ms - low_value) * (size - low_size) / (value - low_value)
            return int(float(f"{estimate:.2g}")), "~"
        previous = (size, value)
    return None


def argsort_cost(sizes: list[int], repeats: int = 5) -> dict[int, dict[str, float]]:
    """Cost of picking BM25 candidates as search.py does (full argsort) vs argpartition."""
    rng = np.random.default_rng(0)
    costs = {}
    for size in sizes:
        scores = np.zeros(size, dtype=np.float32)
        hit = rng.choice(size, max(1, size // 100), replace=False)
        scores[hit] = rng.random(hit.size, dtype=np.float32) * 20
        timings: dict[str, list[float]] = {"argsort": [], "argpartition": []}
        for _ in range(repeats):
            started = time.perf_counter()
            np.argsort(-scores)[:CANDIDATES]
            timings["argsort"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            top = np.argpartition(-scores, CANDIDATES)[:CANDIDATES]
            top[np.argsort(-scores[top])]
            timings["argpartition"].append((time.perf_counter() - started) * 1000)
        costs[size] = {name: float(np.median(values)) for name, values in timings.items()}
    return costs


@dataclass
class ScaleResult:
    """Everything from the scale run."""

    sizes: list[int]
    rows: list[ScaleRow]
    crossover: dict[int, dict[int, dict[str, float]]]
    argsort: dict[int, dict[str, float]]
    calibration: dict[str, dict[str, float]]
    niceness: int
    default_threads: int
    fallback_built: bool = False


def bench_scale(sizes: list[int], variants: list[tuple[int, int]], niceness: int, workdir: Path,
                real_vectors: np.ndarray) -> ScaleResult:
    """Builds (niced child) and queries (here) for every size; efSearch sweep per HNSW build.

    Flat search is timed with FAISS's default thread count and with one thread; the HNSW
    sweep with the default, plus the current efSearch with one thread.
    """
    current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION)
    default_threads = faiss.omp_get_max_threads()
    thread_counts = list(dict.fromkeys([default_threads, 1]))
    rows: list[ScaleRow] = []
    flat_latency: dict[tuple[int, int], dict[str, float]] = {}
    fallback_built = False
    for seed, count in enumerate(sizes, start=1):
        size_variants = variants if count < LARGE else [current]
        folder = workdir / f"n{count}"
        log(f"scale {fmt_count(count)}: building flat + HNSW {size_variants} under nice -n {niceness}")
        builds = run_builds(count, seed, folder, True, size_variants, niceness)
        queries = np.load(folder / "queries.npy")
        truth = np.load(folder / "gt.npy")
        for row in measure_flat(count, folder, next(b for b in builds if b["kind"] == "flat"), queries,
                                thread_counts):
            rows.append(row)
            if row.queries >= FLAT_QUERIES_LARGE and count > 20_000:
                flat_latency[(count, row.faiss_threads)] = row.k100
        hnsw_builds = [b for b in builds if b["kind"] == "hnsw"]
        for build in hnsw_builds:
            path = folder / f"{build['name']}.faiss"
            rows.extend(measure_hnsw(count, path, build, queries, truth, EF_SWEEP, default_threads))
            if default_threads != 1 and (build["M"], build["ef_construction"]) == current:
                rows.extend(measure_hnsw(count, path, build, queries, truth, (vectors.HNSW_EF_SEARCH,), 1))
        if count >= LARGE and not any(meets_target(r) for r in rows if r.count == count and r.kind == "hnsw"):
            log(f"scale {fmt_count(count)}: target missed with {current}; trying M={FALLBACK_VARIANT[0]}, "
                f"efConstruction={FALLBACK_VARIANT[1]}")
            for build in run_builds(count, seed, folder, False, [FALLBACK_VARIANT], niceness):
                rows.extend(measure_hnsw(count, folder / f"{build['name']}.faiss", build, queries, truth, EF_SWEEP,
                                         default_threads))
            fallback_built = True
        if count != sizes[-1]:
            shutil.rmtree(folder, ignore_errors=True)
    largest = sizes[-1]
    last = workdir / f"n{largest}"
    crossover = flat_crossover(last / "flat.faiss", largest, flat_latency, np.load(last / "queries.npy"),
                               thread_counts)
    synthetic, _ = synthetic_vectors(len(real_vectors), 0, seed=99)
    calibration = {"real e5 sentence vectors (this index)": structure_stats(real_vectors),
                   "synthetic, same count": structure_stats(synthetic)}
    return ScaleResult(sizes, rows, crossover, argsort_cost(sizes), calibration, niceness, default_threads,
                       fallback_built)


# --------------------------------------------------------------------------- report


def render(machine: Machine, latency: list[LatencyResult], ingest_runs: list[IngestResult],
           throughput: list[ThroughputResult], scale: ScaleResult | None, quick: bool, model_load_s: float) -> str:
    """The Markdown between the retrieval markers."""
    out: list[str] = []
    busy = max(machine.load_start[0], machine.load_end[0]) > 0.5 * machine.nproc
    out.append(f"_Generated by `{machine.command.strip()}` on {machine.date}"
               f"{' (quick run: 1M skipped)' if quick else ''}. Do not edit by hand between the markers._")
    out.append("")
    out.append("### Machine")
    out.append("")
    out.append(table(["", ""], [
        ["CPU", f"{machine.cpu}, `nproc` = {machine.nproc}, {machine.memory_gib:.0f} GiB RAM"],
        ["Threads", f"torch default {machine.torch_threads}, FAISS OpenMP default {machine.faiss_threads}"],
        ["Versions", ", ".join(f"{k} {v}" for k, v in machine.versions.items())],
        ["Load average (1/5/15 min)", f"start {' / '.join(map(str, machine.load_start))}, "
                                      f"end {' / '.join(map(str, machine.load_end))}"],
    ]))
    if busy:
        out.append("")
        out.append(f"> **Shared machine.** These numbers were taken on a shared {machine.nproc}-core machine while "
                   "other jobs (Rasa training and tests) were running: the load average exceeded half the core "
                   "count. Wall-clock latencies and build times are therefore pessimistic and noisy (multi-threaded "
                   "code suffers most); CPU-time columns are the load-independent cost. Compare runs only at "
                   "similar load.")
    out.append("")
    out.extend(render_latency(latency, model_load_s))
    out.extend(render_ingest(ingest_runs))
    out.extend(render_throughput(throughput))
    if scale is not None:
        out.extend(render_scale(scale))
    return "\n".join(out).rstrip() + "\n"


def render_latency(latency: list[LatencyResult], model_load_s: float) -> list[str]:
    """The `Searcher.search` latency part of the report."""
    out = ["### Search latency (`Searcher.search`, real index)", ""]
    out.append(f"Warm latency on the current index for the questions of `dev.jsonl`, {latency[0].total['n']} timed "
               "queries per row after one untimed pass. *Encode* is the e5 query embedding (`Searcher.encode`), "
               "*rest* is `search_vector` (BM25, FAISS, sentence rescoring, fusion, entities); total = encode + "
               "rest = `Searcher.search`. *Encode CPU* is process CPU time (all threads) per query. Target: total "
               f"p95 ≤ {SEARCH_TARGET_P95_MS:.0f} ms. Embedding model load (cold start, once per process): "
               f"{model_load_s:.1f} s.")
    out.append("")
    rows = []
    for result in latency:
        verdict = "yes" if result.total["p95"] <= SEARCH_TARGET_P95_MS else "**no**"
        rows.append([str(result.torch_threads), str(result.faiss_threads), fmt(result.encode["p50"]),
                     fmt(result.encode["p95"]), fmt(result.encode_cpu["p50"]), fmt(result.rest["p50"]),
                     fmt(result.rest["p95"]), fmt(result.total["p50"]), f"**{fmt(result.total['p95'])}**",
                     fmt(result.total["p99"]), verdict])
    out.append(table(["torch threads", "FAISS threads", "encode p50 ms", "encode p95 ms", "encode CPU p50 ms",
                      "rest p50 ms", "rest p95 ms", "total p50 ms", "total p95 ms", "total p99 ms",
                      f"p95 ≤ {SEARCH_TARGET_P95_MS:.0f} ms"], rows))
    out.append("")
    return out


def render_ingest(ingest_runs: list[IngestResult]) -> list[str]:
    """The ingest part of the report."""
    out = ["### Index build (`bot.ingest.ingest`, real corpus)", ""]
    out.append("Into a temporary folder, torch default threads; the embedding model is already loaded. Each chunk "
               "is embedded once as a passage and once per sentence, so *texts embedded* = chunks + sentences.")
    out.append("")
    rows = []
    for run in ingest_runs:
        texts = run.embedded_chunks + run.sentences
        rows.append([run.kind, str(run.files), str(run.chunks), str(run.embedded_chunks), str(run.sentences),
                     fmt(run.seconds, 2), fmt(run.embedded_chunks / run.seconds) if run.embedded_chunks else "–",
                     fmt(texts / run.seconds) if texts else "–"])
    out.append(table(["run", "files", "chunks", "chunks embedded", "sentences embedded", "seconds", "chunks/s",
                      "texts embedded/s"], rows))
    out.append("")
    return out


def render_throughput(throughput: list[ThroughputResult]) -> list[str]:
    """The embedding throughput part of the report."""
    first = throughput[0]
    out = ["### Embedding throughput (`Embedder.encode_passages`)", ""]
    out.append(f"{first.passages} synthetic Danish passages, each a random recombination of corpus sentences "
               f"(mean {first.mean_words:.0f} words), batch {first.batch_size}, after one warm-up batch. The first "
               "row is torch's default thread count.")
    out.append("")
    out.append(table(["passages", "batch", "torch threads", "seconds", "passages/s", "words/s"], [[
        str(r.passages), str(r.batch_size), str(r.torch_threads), fmt(r.seconds, 1), fmt(r.passages / r.seconds),
        fmt(r.passages * r.mean_words / r.seconds, 0)] for r in throughput]))
    out.append("")
    return out


def render_scale(scale: ScaleResult) -> list[str]:
    """The FAISS scale-run part of the report."""
    out: list[str] = []
    current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION, vectors.HNSW_EF_SEARCH)
    out.append("### FAISS at scale (synthetic vectors)")
    out.append("")
    out.append(
        f"{DIMENSION}-d unit vectors, normalise(topic centroid + noise) with one topic per {PER_CLUSTER} vectors, "
        f"noise ×{NOISE}, centroid and noise spectra falling as i^-{SPECTRUM_DECAY}; {SCALE_QUERIES} held-out "
        "queries from the same topics. Indexes are built by `bot.vectors.build_vector_index` (other HNSW "
        f"constants patched in for the sweep) in a child process under `nice -n {scale.niceness}`, so build wall "
        "times depend on the other load (CPU seconds much less). Queries are single-vector "
        "`bot.vectors.search_vectors` calls at normal priority, timed on all queries except for exact search "
        f"above 20k vectors ({FLAT_QUERIES_LARGE} queries; {FLAT_QUERIES_SLOW} multi-threaded ones from "
        f"{fmt_count(LARGE)}), and the crossover sweep stops a thread setting once its p50 passes "
        f"{FLAT_GIVE_UP_MS:.0f} ms. Recall is against exact flat search. "
        f"k = {CANDIDATES} is what `Searcher` asks for (`CANDIDATES`); HNSW then searches with "
        f"max(efSearch, {CANDIDATES}). Index file = `faiss.write_index` size ≈ its memory. Current constants: "
        f"M = {current[0]}, efConstruction = {current[1]}, efSearch = {current[2]}, "
        f"EXACT_SEARCH_MAX = {vectors.EXACT_SEARCH_MAX:,}.")
    out.append("")
    out.append("How close the synthetic data is to real e5 vectors (after removing their common mean "
               "direction): mean cosine to the nearest neighbour and participation ratio of the spectrum "
               "(an effective dimension).")
    out.append("")
    out.append(table(["vectors", "count", "nearest-neighbour cosine", "participation ratio"], [
        [name, str(stats["count"]), fmt(stats["nn_cosine"], 3), fmt(stats["participation_ratio"])]
        for name, stats in scale.calibration.items()]))
    out.append("")

    out.append("#### Build, size and latency (current efSearch)")
    out.append("")
    rows = []
    for row in scale.rows:
        if row.kind == "hnsw" and row.ef_search != vectors.HNSW_EF_SEARCH:
            continue
        params = "exact" if row.kind == "flat" else f"M={row.neighbours}, efC={row.ef_construction}, ef={row.ef_search}"
        rows.append([fmt_count(row.count), row.kind, params, str(row.faiss_threads), fmt(row.build["wall_s"]),
                     fmt(row.build["cpu_s"]), fmt_bytes(row.build["bytes"]), fmt(row.k10["p50"], 2),
                     fmt(row.k10["p95"], 2), fmt(row.k100["p50"], 2), fmt(row.k100["p95"], 2),
                     fmt(row.recall10, 4), fmt(row.recall100, 4)])
    out.append(table(["vectors", "index", "parameters", "FAISS threads", "build s (wall)", "build s (CPU)",
                      "index file", "p50 ms k=10", "p95 ms k=10", f"p50 ms k={CANDIDATES}", f"p95 ms k={CANDIDATES}",
                      "recall@10", f"recall@{CANDIDATES}"], rows))
    out.append("")

    out.append("#### HNSW: efSearch sweep")
    out.append("")
    out.append(f"FAISS threads {scale.default_threads}. ✓ = meets the target recall@10 ≥ {TARGET_RECALL} with "
               f"p95 ≤ {TARGET_MS:.0f} ms (k=10 search). The k={CANDIDATES} columns are the call `Searcher` makes.")
    out.append("")
    rows = []
    for row in scale.rows:
        if row.kind != "hnsw" or row.faiss_threads != scale.default_threads:
            continue
        rows.append([fmt_count(row.count), str(row.neighbours), str(row.ef_construction), str(row.ef_search),
                     fmt(row.recall10, 4), fmt(row.k10["p50"], 2), fmt(row.k10["p95"], 2),
                     fmt(row.recall10_at_k100, 4), fmt(row.recall100, 4), fmt(row.k100["p50"], 2),
                     fmt(row.k100["p95"], 2), "✓" if meets_target(row) else ""])
    out.append(table(["vectors", "M", "efC", "efSearch", "recall@10", "p50 ms", "p95 ms",
                      f"recall@10 (k={CANDIDATES})", f"recall@{CANDIDATES}", f"p50 ms k={CANDIDATES}",
                      f"p95 ms k={CANDIDATES}", "target"], rows))
    out.append("")

    out.append(f"#### Exact (flat) search latency by size, k={CANDIDATES}")
    out.append("")
    threads = list(scale.crossover)
    sizes = sorted({size for points in scale.crossover.values() for size in points})
    labels = {"p50": "p50", "p95": "p95", "cpu_p50": "CPU p50"}
    header = ["vectors"] + [f"{label} ms, {t} FAISS thread{'s' if t > 1 else ''}" for t in threads
                            for label in labels.values()]
    rows = []
    for size in sizes:
        row = [fmt_count(size)]
        for t in threads:
            stats = scale.crossover[t].get(size)
            row += [fmt(stats[key], 2) for key in labels] if stats else ["–"] * len(labels)
        rows.append(row)
    out.append(table(header, rows))
    out.append("")
    out.append("*CPU p50* is process CPU time per query (all threads): with one thread it is what the query costs "
               "on an idle core.")
    out.append("")
    crossings: dict[int, dict[str, tuple[int, str] | None]] = {}
    for t, points in scale.crossover.items():
        crossings[t] = {key: crossing(points, key, TARGET_MS) for key in labels}
        out.append(f"- {t} FAISS thread{'s' if t > 1 else ''}: exact search reaches {TARGET_MS:.0f} ms at "
                   + ", ".join(f"{describe_crossing(crossings[t][key], max(points))} ({label})"
                               for key, label in labels.items()) + ".")
    out.append("")

    out.append(f"#### Picking BM25 candidates (`np.argsort(-scores)[:{CANDIDATES}]` in `search.py`)")
    out.append("")
    out.append("BM25 scores every row; `search_vector` then sorts all of them. Median ms on 1%-non-zero scores:")
    out.append("")
    out.append(table(["rows", "full argsort ms", "argpartition + sort of top ms"], [
        [fmt_count(size), fmt(cost["argsort"], 2), fmt(cost["argpartition"], 2)]
        for size, cost in scale.argsort.items()]))
    out.append("")
    out.extend(recommendation(scale, crossings))
    return out


def describe_crossing(value: tuple[int, str] | None, largest: int) -> str:
    """A crossing point in words."""
    if value is None:
        return f"none of the sizes measured (up to {largest:,})"
    size, how = value
    return f"fewer than {size:,} vectors" if how == "<" else f"~{size:,} vectors"


def recommendation(scale: ScaleResult, crossings: dict[int, dict[str, tuple[int, str] | None]]) -> list[str]:
    """Recommended constants, derived from the measurements."""
    largest = max(scale.sizes)
    candidates = [r for r in scale.rows if r.kind == "hnsw" and r.count == largest and meets_target(r)
                  and r.faiss_threads == scale.default_threads]
    out = ["#### Derived from these numbers", ""]
    if not candidates:
        out.append(f"- No HNSW setting measured at {fmt_count(largest)} met recall@10 ≥ {TARGET_RECALL} with "
                   f"p95 ≤ {TARGET_MS:.0f} ms.")
    else:
        cheapest = min(candidates, key=lambda r: (r.neighbours, r.ef_construction, r.ef_search))
        out.append(f"- At {fmt_count(largest)} vectors the cheapest measured setting meeting the target is "
                   f"M = {cheapest.neighbours}, efConstruction = {cheapest.ef_construction}, efSearch = "
                   f"{cheapest.ef_search}: recall@10 {cheapest.recall10:.4f}, p95 {cheapest.k10['p95']:.2f} ms at "
                   f"k=10, {cheapest.k100['p95']:.2f} ms at k={CANDIDATES}.")
    for t, found in crossings.items():
        largest_flat = max(scale.crossover[t])
        out.append(f"- Exact search, {t} FAISS thread{'s' if t > 1 else ''}: {TARGET_MS:.0f} ms at "
                   f"{describe_crossing(found['p95'], largest_flat)} (p95), "
                   f"{describe_crossing(found['cpu_p50'], largest_flat)} (CPU p50); "
                   f"EXACT_SEARCH_MAX = {vectors.EXACT_SEARCH_MAX:,}.")
    out.append("")
    return out


def write_section(path: Path, body: str) -> None:
    """Replace the text between the retrieval markers, creating file or section when missing."""
    bench_docs.write_section(path, START_MARKER, END_MARKER, "Retrieval", body)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line: the benchmark, or the hidden `_build` child mode."""
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["_build"]:
        child = argparse.ArgumentParser(prog="bench_retrieval.py _build")
        child.add_argument("--count", type=int, required=True)
        child.add_argument("--seed", type=int, required=True)
        child.add_argument("--out", type=Path, required=True)
        child.add_argument("--flat", action="store_true")
        child.add_argument("--variants", default="")
        args = child.parse_args(argv[1:])
        args.mode = "build"
        return args
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1M-vector scale run and the M sweep")
    parser.add_argument("--sizes", help="comma-separated vector counts for the scale run (overrides --quick)")
    parser.add_argument("--skip-scale", action="store_true", help="no FAISS scale run at all")
    parser.add_argument("--eval-file", type=Path, default=DEFAULT_EVAL, help="questions for the latency run")
    parser.add_argument("--output", type=Path, default=DOC_PATH, help="Markdown file to update")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--nice", type=int, default=19, help="niceness of the index-building child process")
    args = parser.parse_args(argv)
    args.mode = "bench"
    return args


def parse_variants(text: str) -> list[tuple[int, int]]:
    """"16:80,32:80" -> [(16, 80), (32, 80)]."""
    return [(int(m), int(e)) for m, e in (item.split(":") for item in text.split(",") if item)]


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds)."""
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and update the Markdown report."""
    args = parse_args(argv)
    if args.mode == "build":
        build_worker(args.count, args.seed, args.out, args.flat, parse_variants(args.variants))
        return 0

    from bot.embedding import load_embedder
    from bot.index_store import load_index
    from bot.search import Searcher
    from bot.settings import get_settings

    settings = get_settings()
    machine = describe_machine()
    log(f"load average at start: {machine.load_start}")
    embedder, model_load_s = timed(lambda: load_embedder(settings.model_cache_dir))
    index = load_index(settings.index_dir)
    searcher = Searcher(index, embedder)

    latency = bench_search_latency(searcher, args.eval_file)
    throughput = bench_embedding(embedder, [s for chunk in index.chunks for s in chunk.sentences])
    ingest_runs = bench_ingest(settings.corpus_dir, embedder)

    scale = None
    if not args.skip_scale:
        if args.sizes:
            sizes = [int(s) for s in args.sizes.split(",")]
        else:
            sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
        current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION)
        variants = [current] if args.quick else list(dict.fromkeys([(16, 80), current, FALLBACK_VARIANT]))
        with tempfile.TemporaryDirectory(prefix="bench-faiss-") as workdir:
            scale = bench_scale(sorted(sizes), variants, args.nice, Path(workdir), index.sentence_vectors)

    machine.load_end = load_average()
    log(f"load average at end: {machine.load_end}")
    body = render(machine, latency, ingest_runs, throughput, scale, args.quick and not args.sizes, model_load_s)
    write_section(args.output, body)
    log(f"wrote {args.output}")
    if args.json:
        raw = {"machine": asdict(machine), "latency": [asdict(r) for r in latency],
               "ingest": [asdict(r) for r in ingest_runs], "throughput": [asdict(r) for r in throughput],
               "scale": asdict(scale) if scale else None}
        args.json.write_text(json.dumps(raw, indent=2, default=str))
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
