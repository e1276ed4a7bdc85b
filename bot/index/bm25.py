"""BM25 over passages analysed by `bot.language.analysis`, with compound words also indexed
under their head ("indenrigsminister" found by "minister")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from bot.language.analysis import analyse, compound_head


def with_compound_heads(documents: list[list[str]]) -> list[list[str]]:
    """Each document's terms plus the head of each compound in it, so that a question's
    "minister" finds a passage's "indenrigsminister" (the heads are terms of the documents)."""
    vocabulary = {term for terms in documents for term in terms}
    heads = {term: compound_head(term, vocabulary) for term in vocabulary}
    return [terms + [heads[t] for t in terms if heads[t]] for terms in documents]


class LexicalIndex:
    """A BM25 index over chunk texts, addressed by chunk row number."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        """Index the given texts (row i of the result is text i)."""
        retriever = bm25s.BM25()
        documents = with_compound_heads([analyse(text) for text in texts])
        retriever.index([terms or ["_"] for terms in documents], show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        """Write the index into `directory`."""
        self._retriever.save(str(directory))
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Read an index written by `save`."""
        return cls(bm25s.BM25.load(str(directory)), int((directory / "size.txt").read_text()))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for a query's analysed terms (zeros when no term is known)."""
        vocab = self._retriever.vocab_dict
        known = [term for term in terms if term in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(known).astype(np.float32)
