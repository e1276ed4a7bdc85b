"""Synthetic vectors for the FAISS scale run, and how closely they resemble real e5 vectors."""

from __future__ import annotations

import math

import numpy as np

DIMENSION = 384
SCALE_QUERIES = 1000  # held-out queries generated beside the base vectors

# Synthetic data: ~100 vectors a topic, topic centroids and within-topic noise both drawn
# with a power-law spectrum (std of component i ~ i^-0.5), which gives a participation
# ratio of ~30 like the real e5 vectors of this index; pure isotropic noise would make the
# data far harder for HNSW than text embeddings are, well-separated clusters far easier.
PER_CLUSTER = 100
NOISE = 1.5
SPECTRUM_DECAY = 0.5


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
