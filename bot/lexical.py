"""BM25 over Danish text: stop words removed, diacritics folded, Snowball-stemmed, nouns in
-ing/-ning brought to their verb's stem, and compound words also indexed under their head.
Lines that only restate a document's title are not indexed (`content_text`)."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH

from bot.schema import Chunk
from bot.text import fold, words

# Question words that carry no topic ("hvor mange", "hvad", "hvem") beyond the stop list.
_EXTRA_STOPWORDS = {"hvad", "hvem", "hvor", "hvordan", "hvorfor", "hvilke", "hvilken", "mange", "egentlig"}
_STOPWORDS = frozenset(fold(w) for w in set(STOPWORDS_DANISH) | _EXTRA_STOPWORDS)
# Danish Snowball keeps a verb's noun apart from the verb ("underretning" vs "underret" from
# "underretter", "investering" vs "invest"): these endings are taken off the stem as well.
_NOMINAL_ENDINGS = ("ering", "ning", "ing")
_NOMINAL_WORD = re.compile(r"ing(?:en|er|erne|ens|ers|ernes|s)?$")  # the word itself is such a noun
_MIN_STEM = 4  # letters left after taking off an ending
_MIN_PREFIX = 3  # shortest first part of a compound
_MIN_HEAD = 5  # shortest compound head indexed on its own ("minist" in "indenrigsminist")
_TITLE_SHARE = 0.8  # of a sentence's terms in the title or publisher: the sentence restates the title
# Bumped whenever `analyse` or the indexed terms change: an index built with another version is rebuilt.
ANALYSER_VERSION = 4


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def _without_nominal_ending(token: str, stem: str) -> str:
    """The stem of a noun in -ing ("underretningen" → "underret"); other stems ("anbring" from
    "anbringelse") are left alone."""
    if not _NOMINAL_WORD.search(token):
        return stem
    for ending in _NOMINAL_ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= _MIN_STEM:
            return stem[: -len(ending)]
    return stem


def analyse(text: str) -> list[str]:
    """Text → BM25 terms: tokens minus stop words, folded, stemmed."""
    folded = [fold(token) for token in words(text)]
    kept = [token for token in folded if token not in _STOPWORDS and (len(token) > 1 or token.isdigit())]
    return [_without_nominal_ending(token, stem) for token, stem in zip(kept, _stemmer().stemWords(kept))]


def title_terms(title: str, publisher: str) -> frozenset[str]:
    """The terms of a document's title and publisher."""
    return frozenset(analyse(f"{title} {publisher}"))


def restates_title(sentence: str, title: frozenset[str]) -> bool:
    """A sentence that only repeats the document's title or publisher (a cover line, a running
    header: "Kommuners omlægning til en tidligere forebyggende indsats", "Dansk Socialrådgiverforening
    2021"): it names what the whole document is about, not what this passage says."""
    terms = [term for term in analyse(sentence) if not term.isdigit()]
    return bool(terms) and sum(term in title for term in terms) >= _TITLE_SHARE * len(terms)


def content_sentences(chunk: Chunk) -> np.ndarray:
    """Which sentences of the chunk say something of their own (not restating the document's
    title or publisher); all of them when every one does."""
    title = title_terms(chunk.title, chunk.publisher)
    title_lines = np.array([restates_title(sentence, title) for sentence in chunk.sentences], dtype=bool)
    return ~title_lines if not title_lines.all() else np.ones_like(title_lines)


def content_text(chunk: Chunk) -> str:
    """The chunk's text without the sentences that only restate the document's title."""
    return " ".join(s for s, keep in zip(chunk.sentences, content_sentences(chunk)) if keep) or chunk.text


def compound_head(term: str, vocabulary: Collection[str]) -> str | None:
    """The longest known term that ends a compound ("minist" for "indenrigsminist"), if any."""
    for start in range(_MIN_PREFIX, len(term) - _MIN_HEAD + 1):
        if term[start:] in vocabulary:
            return term[start:]
    return None


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

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros when no term is known)."""
        terms = analyse(query)
        vocab = self._retriever.vocab_dict
        known = [term for term in terms if term in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(known).astype(np.float32)
