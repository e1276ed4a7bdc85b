"""The dense vector index: FAISS over L2-normalised vectors, type chosen by corpus size."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Up to this many vectors exact search is fast enough (measured in docs/benchmarks.md: a
# k=100 query reaches 10 ms at ~63k vectors on 2 FAISS threads, ~93k on one); past it, an
# HNSW graph keeps queries in milliseconds at high recall. At 1M synthetic e5-like vectors
# M=32/efConstruction=80 reached recall@10 0.76 at efSearch 96 and 0.92 at 512; M=48 with
# efConstruction=160 reaches 0.965 at efSearch 384 with p95 4 ms (build ~1,500 CPU s).
EXACT_SEARCH_MAX = 50_000
HNSW_NEIGHBOURS = 48
HNSW_EF_CONSTRUCTION = 160
HNSW_EF_SEARCH = 384


def choose_index_type(count: int) -> str:
    """"flat" for small collections, "hnsw" past `EXACT_SEARCH_MAX` vectors."""
    return "flat" if count <= EXACT_SEARCH_MAX else "hnsw"


def build_vector_index(vectors: np.ndarray, index_type: str | None = None) -> faiss.Index:
    """An inner-product FAISS index over the rows of `vectors` (row i has id i)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dimension = vectors.shape
    kind = index_type or choose_index_type(count)
    if kind == "flat":
        index: faiss.Index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown index type {kind!r}")
    index.add(vectors)
    return index


def index_type_of(index: faiss.Index) -> str:
    """The name `build_vector_index` uses for this index's type."""
    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"


def save_vector_index(index: faiss.Index, path: Path) -> None:
    """Write a FAISS index to a file."""
    faiss.write_index(index, str(path))


def load_vector_index(path: Path) -> faiss.Index:
    """Read a FAISS index, restoring the search-time HNSW setting."""
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search_vectors(index: faiss.Index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, row ids) for one normalised query vector; ids of -1 are dropped."""
    k = min(k, index.ntotal)
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]
