"""BM25 over Danish text: stop words removed, diacritics folded, Snowball-stemmed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH

from bot.text import fold, words

# Question words that carry no topic ("hvor mange", "hvad", "hvem") beyond the stop list.
_EXTRA_STOPWORDS = {"hvad", "hvem", "hvor", "hvordan", "hvorfor", "hvilke", "hvilken", "mange", "egentlig"}
_STOPWORDS = frozenset(fold(w) for w in set(STOPWORDS_DANISH) | _EXTRA_STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def analyse(text: str) -> list[str]:
    """Text → BM25 terms: tokens minus stop words, folded, stemmed."""
    folded = [fold(token) for token in words(text)]
    kept = [token for token in folded if token not in _STOPWORDS and (len(token) > 1 or token.isdigit())]
    return _stemmer().stemWords(kept)


class LexicalIndex:
    """A BM25 index over chunk texts, addressed by chunk row number."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        """Index the given texts (row i of the result is text i)."""
        retriever = bm25s.BM25()
        retriever.index([analyse(text) or ["_"] for text in texts], show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        """Write the index into `directory`."""
        self._retriever.save(str(directory))
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Read an index written by `save`."""
        return cls(bm25s.BM25.load(str(directory)), int((directory / "size.txt").read_text()))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros when no term is known)."""
        terms = analyse(query)
        vocab = self._retriever.vocab_dict
        known = [term for term in terms if term in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(known).astype(np.float32)
