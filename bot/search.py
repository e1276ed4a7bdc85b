"""Hybrid search: dense e5 vectors and Danish BM25, fused, sharpened by entities."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from bot.entities import Entities, find_entities
from bot.index_store import LoadedIndex
from bot.schema import Chunk, Hit
from bot.text import folded_text
from bot.vectors import search_vectors

CANDIDATES = 100


class QueryEncoder(Protocol):
    """What search needs from the embedding model."""

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


class EmptyQuery(ValueError):
    """The question has no words to search for."""


@dataclass(frozen=True)
class FusionWeights:
    """How dense, lexical and entity evidence add up to a hit's score."""

    dense: float = 0.6
    entity: float = 0.15
    best_sentence: float = 0.3


@lru_cache(maxsize=4096)
def _chunk_entities(text: str, publisher: str) -> Entities:
    found = find_entities(text)
    publisher_orgs = find_entities(publisher).organisations
    return Entities(found.municipalities, found.organisations | publisher_orgs, found.years)


def chunk_places(chunk: Chunk) -> frozenset[str]:
    """The municipalities a chunk speaks of (cached per text)."""
    return _chunk_entities(chunk.text, chunk.publisher).municipalities


def entity_overlap(question: Entities, chunk: Chunk) -> float:
    """Share of the question's entities that the chunk (or its publisher) mentions."""
    wanted = [("m", m) for m in question.municipalities] + [("o", o) for o in question.organisations]
    wanted += [("y", y) for y in question.years]
    if not wanted:
        return 0.0
    have = _chunk_entities(chunk.text, chunk.publisher)
    sets = {"m": have.municipalities, "o": have.organisations, "y": have.years}
    return sum(1 for kind, value in wanted if value in sets[kind]) / len(wanted)


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values) if high <= 0 else np.ones_like(values)
    return (values - low) / (high - low)


class Searcher:
    """Answers `search(question)` over one loaded index."""

    def __init__(self, index: LoadedIndex, encoder: QueryEncoder, weights: FusionWeights | None = None) -> None:
        self.index = index
        self.encoder = encoder
        self.weights = weights or FusionWeights()

    def encode(self, question: str) -> np.ndarray:
        """The question's query vector; raises `EmptyQuery` when it has no words."""
        if not folded_text(question):
            raise EmptyQuery("the question is empty")
        return self.encoder.encode_queries([question])[0]

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The k best chunks for the question, best first; raises `EmptyQuery` for no words."""
        return self.search_vector(question, self.encode(question), k)

    def sentence_similarities(self, row: int, query: np.ndarray) -> np.ndarray:
        """Cosine of the query with each sentence of chunk `row`."""
        return self.index.sentence_vectors[self.index.sentence_rows(row)] @ query

    def search_vector(self, question: str, query: np.ndarray, k: int = 5) -> list[Hit]:
        """`search` with the query vector already computed."""
        lexical_all = self.index.lexical.scores(question)
        _, dense_ids = search_vectors(self.index.dense, query, CANDIDATES)
        lexical_ids = np.argsort(-lexical_all)[:CANDIDATES]
        rows = np.unique(np.concatenate([dense_ids, lexical_ids[lexical_all[lexical_ids] > 0]]))
        dense = self._dense_scores(rows, query)
        lexical = lexical_all[rows]
        fused = self.weights.dense * _minmax(dense) + (1 - self.weights.dense) * _minmax(lexical)
        entities = find_entities(question)
        if entities:
            overlap = np.array([entity_overlap(entities, self.index.chunks[r]) for r in rows])
            fused = fused + self.weights.entity * overlap
        order = self._with_each_place(entities, rows, fused, k)
        return [
            Hit(self.index.chunks[rows[i]], float(fused[i]), float(dense[i]), float(lexical[i]), rank, int(rows[i]))
            for rank, i in enumerate(order, start=1)
        ]

    def _with_each_place(self, entities: Entities, rows: np.ndarray, fused: np.ndarray, k: int) -> list[int]:
        """The k best, where a question comparing municipalities ("Herning eller Aarhus?") gets the
        best passage about each of them (a passage about the place rather than one listing many
        places), in place of the lowest-ranked passages it can spare."""
        order = np.argsort(-fused, kind="stable")
        top = [int(i) for i in order[:k]]
        asked = entities.municipalities
        if len(asked) < 2:
            return top

        def places(i: int) -> frozenset[str]:
            return chunk_places(self.index.chunks[rows[i]])

        def spare(position: int) -> bool:
            """The passage at `position` speaks of no asked place that no other top passage does."""
            others = set().union(*(places(i) for n, i in enumerate(top) if n != position))
            return places(top[position]) & asked <= others

        for place in sorted(asked):
            if any(place in places(i) for i in top):
                continue
            about = [int(i) for i in order[k:] if place in places(i)]
            best = max(about, key=lambda i: fused[i] / len(places(i)), default=None)
            spares = [n for n in range(len(top)) if spare(n)]
            if best is not None and spares:
                top[spares[-1]] = best
        return top

    def _dense_scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine of each chunk, blended with the cosine of its best-matching sentence (a sentence
        that only restates the document's title matches every question on the topic: left out)."""
        index = self.index
        whole = index.vectors[rows] @ query
        best = np.array([float(self.sentence_similarities(r, query)[index.content_mask[index.sentence_rows(r)]].max())
                         for r in rows])
        share = self.weights.best_sentence
        return (1 - share) * whole + share * best
