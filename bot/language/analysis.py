"""The lexical analyser of Danish text: stop words removed, diacritics folded, Snowball-stemmed,
nouns in -ing/-ning brought to their verb's stem; compound heads; lines that only restate a
document's title (`content_text`). Used by BM25 (`bot.index.bm25`), subject terms and answers."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH

from bot.language.text import fold, words
from bot.schema import Chunk

# Question words that carry no topic ("hvor mange", "hvad", "hvem") beyond the stop list, and the interjections a
# chat message opens with ("okay. hvordan finder de så frem til børnene?"), which no document uses.
_EXTRA_STOPWORDS = {"hvad", "hvem", "hvor", "hvordan", "hvorfor", "hvilke", "hvilken", "mange", "egentlig",
                    "ok", "okay", "okey", "oki", "jamen", "tja", "hmm", "hm", "aha", "nåh"}
_STOPWORDS = frozenset(fold(w) for w in set(STOPWORDS_DANISH) | _EXTRA_STOPWORDS)
# Danish Snowball keeps a verb's noun apart from the verb ("underretning" vs "underret" from
# "underretter", "investering" vs "invest"): these endings are taken off the stem as well.
_NOMINAL_ENDINGS = ("ering", "ning", "ing")
_NOMINAL_WORD = re.compile(r"ing(?:en|er|erne|ens|ers|ernes|s)?$")  # the word itself is such a noun
_MIN_STEM = 4  # letters left after taking off an ending
_MIN_PREFIX = 3  # shortest first part of a compound
_MIN_NEUTER = 5  # shortest stem in -lt taken for an adjective's neuter form ("helt" is left alone)
_MIN_HEAD = 5  # shortest compound head indexed on its own ("minist" in "indenrigsminist")
_TITLE_SHARE = 0.8  # of a sentence's terms in the title or publisher: the sentence restates the title
# Bumped whenever `analyse` or the indexed terms change: an index built with another version is rebuilt.
ANALYSER_VERSION = 7


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
    return [_without_neuter_t(_without_nominal_ending(token, stem)) for token, stem in zip(kept, _stemmer().stemWords(kept))]


def _without_neuter_t(stem: str) -> str:
    """An adjective's neuter form brought to its stem ("nationalt", "socialt", "kommunalt" → "national",
    "social", "kommunal"), which Snowball keeps apart."""
    return stem[:-1] if stem.endswith("lt") and len(stem) >= _MIN_NEUTER else stem


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
