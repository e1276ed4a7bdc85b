"""The FAISS scale run in Markdown, with the constants its numbers recommend."""

from __future__ import annotations

import bot.index.vectors as vectors
from bot.evaluation.bench_retrieval.scale import ScaleResult
from bot.evaluation.bench_retrieval.scale_queries import (
    FLAT_GIVE_UP_MS,
    FLAT_QUERIES_LARGE,
    FLAT_QUERIES_SLOW,
    LARGE,
    TARGET_MS,
    TARGET_RECALL,
    meets_target,
)
from bot.evaluation.bench_retrieval.synthetic import DIMENSION, NOISE, PER_CLUSTER, SCALE_QUERIES, SPECTRUM_DECAY
from bot.evaluation.machine import fmt, fmt_bytes, fmt_count, table
from bot.qa.search import CANDIDATES


def render_scale(scale: ScaleResult) -> list[str]:
    """The FAISS scale-run part of the report."""
    out: list[str] = []
    current = (vectors.HNSW_NEIGHBOURS, vectors.HNSW_EF_CONSTRUCTION, vectors.HNSW_EF_SEARCH)
    out.append("### FAISS at scale (synthetic vectors)")
    out.append("")
    out.append(
        f"{DIMENSION}-d unit vectors, normalise(topic centroid + noise) with one topic per {PER_CLUSTER} vectors, "
        f"noise ×{NOISE}, centroid and noise spectra falling as i^-{SPECTRUM_DECAY}; {SCALE_QUERIES} held-out "
        "queries from the same topics. Indexes are built by `bot.index.vectors.build_vector_index` (other HNSW "
        f"constants patched in for the sweep) in a child process under `nice -n {scale.niceness}`, so build wall "
        "times depend on the other load (CPU seconds much less). Queries are single-vector "
        "`bot.index.vectors.search_vectors` calls at normal priority, timed on all queries except for exact search "
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
