"""Hybrid search: dense e5 vectors and Danish BM25, fused, sharpened by entities."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np

from bot.index.store import LoadedIndex
from bot.index.vectors import search_vectors
from bot.language.analysis import analyse
from bot.language.entities import Entities, chunk_places, entity_overlap
from bot.language.query import Query
from bot.schema import Hit

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
    context: float = 0.1  # a follow-up prefers the documents of the answer it follows
    example: float = 0.6  # a passage whose example question is close to the question asked
    example_floor: float = 0.85  # example cosines below this add nothing (e5's cosines of unrelated questions)
    # A passage of a document the question names by what people call it ("i DS' slides"); 5-fold CV over 0.1-0.8:
    # all gained, none lost a fold (0.4: answerable 861 -> 863 of 1053, follow-up turns 295 -> 296 of 370).
    document: float = 0.4


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values) if high <= 0 else np.ones_like(values)
    return (values - low) / (high - low)


def lexical_terms(query: Query, publishers: frozenset[str]) -> tuple[str, ...]:
    """The terms BM25 searches for: the question's, without the words naming a publisher of the documents.

    In "Hvad mener KL om samskabelse?" KL is the source asked about, which the entity boost already
    prefers; as a BM25 term "KL" would favour the passages that repeat the name most (a summary of
    KL's recommendations) over the one on the subject asked about. `publishers`: the organisations
    that publish documents of the corpus.
    """
    named = {term for organisation in query.entities.organisations & publishers for term in analyse(organisation)}
    subject = tuple(term for term in query.terms if term not in named)
    return subject or query.terms


class Searcher:
    """Answers `search(question)` over one loaded index."""

    def __init__(self, index: LoadedIndex, encoder: QueryEncoder, weights: FusionWeights | None = None,
                 named: Callable[[str], frozenset[str]] = lambda text: frozenset()) -> None:
        self.index = index
        self.encoder = encoder
        self.weights = weights or FusionWeights()
        self.named = named  # the files a question names by what people call them (`documents_named`)
        self.hidden_examples: frozenset[str] = frozenset()  # example ids left out (the evaluation's held-out fold)

    def encode(self, question: Query | str) -> np.ndarray:
        """The question's query vector; raises `EmptyQuery` when it has no words."""
        query = Query.of(question)
        if not query.folded:
            raise EmptyQuery("the question is empty")
        return self.encoder.encode_queries([query.search_text or query.text])[0]

    def search(self, question: Query | str, k: int = 5) -> list[Hit]:
        """The k best chunks for the question, best first; raises `EmptyQuery` for no words."""
        query = Query.of(question)
        return self.search_vector(query, self.encode(query), k)

    def sentence_similarities(self, row: int, vector: np.ndarray) -> np.ndarray:
        """Cosine of the query vector with each sentence of chunk `row`."""
        return self.index.sentence_vectors[self.index.sentence_rows(row)] @ vector

    def search_vector(self, question: Query | str, vector: np.ndarray, k: int = 5) -> list[Hit]:
        """`search` with the query vector already computed."""
        query = Query.of(question)
        lexical_all = self.index.lexical.scores(lexical_terms(query, self.index.publishers))
        _, dense_ids = search_vectors(self.index.dense, vector, CANDIDATES)
        lexical_ids = np.argsort(-lexical_all)[:CANDIDATES]
        rows = np.unique(np.concatenate([dense_ids, lexical_ids[lexical_all[lexical_ids] > 0]]))
        dense = self._dense_scores(rows, vector)
        lexical = lexical_all[rows]
        fused = self.weights.dense * _minmax(dense) + (1 - self.weights.dense) * _minmax(lexical)
        entities = query.entities
        if entities:
            overlap = np.array([entity_overlap(entities, self.index.chunks[r]) for r in rows])
            if entities.municipalities:  # a passage about the place more than one listing many places
                overlap = overlap / np.sqrt([max(1, len(chunk_places(self.index.chunks[r]))) for r in rows])
            fused = fused + self.weights.entity * overlap
        if len(self.index.examples):
            fused = fused + self.weights.example * self._example_closeness(query, rows, vector)
        named = self.named(query.text)
        if named:
            fused = fused + self.weights.document * self._in_files(rows, named)
        if query.context_files:
            fused = fused + self.weights.context * self._in_files(rows, query.context_files)
        order = self._with_each_place(entities, rows, fused, k)
        return [
            Hit(self.index.chunks[rows[i]], float(fused[i]), float(dense[i]), float(lexical[i]), rank, int(rows[i]))
            for rank, i in enumerate(order, start=1)
        ]

    def _in_files(self, rows: np.ndarray, files: Collection[str]) -> np.ndarray:
        """1 for each row whose passage is from one of `files`, else 0."""
        return np.array([self.index.chunks[r].file in files for r in rows], dtype=np.float32)

    def _example_similarities(self, query: Query, vector: np.ndarray) -> np.ndarray:
        """The cosine of the question with each example question that names what it names (-1 for the others and
        for the hidden ones)."""
        bank = self.index.examples
        allowed = bank.agreeing(query.entities, list(query.names)) if query.entities or query.names else None
        return bank.similarities(vector, self.hidden_examples, allowed)

    def _above_floor(self, closeness: np.ndarray) -> np.ndarray:
        """How far example cosines rise above `example_floor`, on 0-1."""
        floor = self.weights.example_floor
        return np.clip((closeness - floor) / (1 - floor), 0.0, None)

    def _example_closeness(self, query: Query, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """For each row, how far its closest example question's cosine rises above `example_floor`, on 0-1,
        over the examples that name what the question names."""
        similarities = self._example_similarities(query, vector)
        return self._above_floor(self.index.examples.closeness(similarities, len(self.index.chunks))[rows])

    def example_support(self, query: Query, vector: np.ndarray) -> Callable[[Hit], np.ndarray]:
        """For the sentences of a hit: how far the closest example question whose excerpt holds each sentence rises
        above `example_floor`, on 0-1 (a sentence that answered a question close to this one likely answers it).
        The example cosines are computed once, on the first hit asked about: a declined question needs none."""
        similarities = cache(lambda: self._example_similarities(query, vector))
        bank = self.index.examples
        return lambda hit: self._above_floor(bank.sentence_closeness(similarities(), hit.row, hit.chunk))

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

    def _dense_scores(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """Cosine of each chunk, blended with the cosine of its best-matching sentence (a sentence
        that only restates the document's title matches every question on the topic: left out)."""
        index = self.index
        whole = index.vectors[rows] @ vector
        best = np.array([float(self.sentence_similarities(r, vector)[index.content_mask[index.sentence_rows(r)]].max())
                         for r in rows])
        share = self.weights.best_sentence
        return (1 - share) * whole + share * best
