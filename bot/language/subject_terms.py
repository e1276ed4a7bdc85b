"""How much of a question's subject a passage covers, weighting rare words over common ones.

"Hvornår skal jeg betale restskat?" shares "betale" with a passage about satspuljen, but its
subject is "restskat", a word no document uses. Each question term is weighted by how rare it
is in the corpus (inverse document frequency over passages). A term the corpus never uses is
either the question's real subject (restskat, flæskesteg: high weight) or an everyday Danish
word that just happens not to occur (anderledes, overhovedet: low weight); a general Danish
word-frequency list (`wordfreq`) tells the two apart. Danish compounds count as present when a
longer corpus word contains the term ("satspuljen" in "satspuljeaftalen").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from bot.language.analysis import analyse
from bot.language.query import Query
from bot.language.text import fold

# Zipf frequency (log10 per billion words) from which an unknown word is everyday Danish.
EVERYDAY_ZIPF = 3.5
EVERYDAY_WEIGHT = 0.5
MIN_COMPOUND_PART = 5  # shorter terms are not looked for inside compounds
# "få" (get), the most bleached Danish verb, frames a question ("Hvad fik Herning ud af ...?", "Hvad får man?")
# without being its subject, and so does "ske" (happen: "Hvad skete der i Aarhus?" asks about Aarhus): their forms
# as users type them, folded.
FRAME_VERBS = frozenset(fold(word) for word in "få får fik fået faa faar faaet ske sker skete sket".split())
MIN_TYPO_TERM = 5  # shorter terms the corpus lacks are not taken for misspellings of its terms


def contains_term(term: str, vocabulary: Iterable[str]) -> bool:
    """The term itself, or (when long enough) as part of a longer compound, is in the vocabulary."""
    if term in vocabulary:
        return True
    return len(term) >= MIN_COMPOUND_PART and any(term in word for word in vocabulary if len(word) > len(term))


@lru_cache(maxsize=4096)
def _everyday(word: str) -> bool:
    return zipf_frequency(word, "da") >= EVERYDAY_ZIPF


@dataclass(frozen=True)
class SubjectTerms:
    """Document frequencies of the corpus terms, for weighting a question's terms."""

    document_frequency: dict[str, int]
    passages: int

    @classmethod
    def from_texts(cls, texts: list[str]) -> "SubjectTerms":
        """Count each term once per passage."""
        frequency = Counter(term for text in texts for term in set(analyse(text)))
        return cls(dict(frequency), len(texts))

    def _idf(self, frequency: float) -> float:
        return math.log((self.passages + 1) / (frequency + 0.5))

    def weights(self, question: Query | str, ignore: Iterable[str] = (), strict: bool = False) -> dict[str, float]:
        """Each subject term of the question (numbers and `ignore`d terms left out) with its weight.

        `strict` (the message already looks out of scope): every word the corpus lacks weighs fully.
        """
        ignored = set(ignore)
        weights: dict[str, float] = {}
        for word in Query.of(question).words:
            terms = analyse(word)
            if not terms or terms[0].isdigit() or terms[0] in ignored or terms[0] in weights or fold(word) in FRAME_VERBS:
                continue
            term = terms[0]
            if term in self.document_frequency:
                weights[term] = self._idf(self.document_frequency[term])
            elif contains_term(term, self.document_frequency):
                compounds = sum(n for known, n in self.document_frequency.items() if term in known)
                weights[term] = self._idf(compounds)
            else:
                everyday = _everyday(word)
                fix = None if everyday else self.misspelt(term)
                if fix is None:
                    weights[term] = EVERYDAY_WEIGHT if everyday and not strict else self._idf(0)
                elif fix not in weights and fix not in ignored:
                    weights[fix] = self._idf(self.document_frequency[fix])
        return weights

    def misspelt(self, term: str) -> str | None:
        """The corpus term a term the corpus lacks is a misspelling of ("underetn" for "underretn"): one edit
        away, and the term long enough for one edit to be a slip (the most frequent such term)."""
        if len(term) < MIN_TYPO_TERM:
            return None
        close = process.extract(term, self.document_frequency.keys(), scorer=Levenshtein.distance, score_cutoff=1,
                                limit=None)
        return max(close, key=lambda match: (self.document_frequency[match[0]], match[0]))[0] if close else None

    def coverage(self, question: Query | str, passage: str, ignore: Iterable[str] = (), strict: bool = False) -> float:
        """Weighted share of the question's subject terms found in the passage (1.0 when it has none)."""
        return covered(self.weights(question, ignore, strict), passage)


def covered(weights: dict[str, float], passage: str) -> float:
    """Weighted share of the weighted terms (`SubjectTerms.weights`) found in the passage (1.0 for none)."""
    if not weights:
        return 1.0
    present = set(analyse(passage))
    found = sum(weight for term, weight in weights.items() if contains_term(term, present))
    return found / sum(weights.values())
