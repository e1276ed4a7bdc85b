"""A user's question, analysed once: the value that search, the answer decision and composition share.

Built once per message (`Query.of`); each analysis (terms, entities, names, language, the
shapes asked for) is computed on first use and kept, so no stage analyses the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.language.analysis import analyse
from bot.language.detect import looks_english
from bot.language.entities import Entities, find_entities
from bot.language.names import names
from bot.language.text import folded_text, words

# What kind of thing a question asks for, and what a sentence holding it looks like.
_ASKED_SHAPES = [
    (re.compile(r"\b(hvor (mange|meget|stor|store)|how (many|much)|beløb|procent|andel|spar\w*|besparel\w*|penge|"
                r"kost\w*|money|potentiale\w*|gevinst\w*|budget\w*|økonomi\w*)\b", re.I), re.compile(r"\d")),
    (re.compile(r"\b(hvem|who)\b", re.I), re.compile(r"\b[A-ZÆØÅ][a-zæøå]+ (?!Kommune)[A-ZÆØÅ][a-zæøå]+")),
    (re.compile(r"\b(kontakt\w*|telefon|mail|e-mail|adresse|contact|phone)\b", re.I),
     re.compile(r"@|\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b")),
    (re.compile(r"\b(hvornår|when|dato|date|hvilket år|what year)\b", re.I),
     re.compile(r"\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\b(19|20)\d\d\b")),
]
# "Hvor mange penge sparede Aabenraa i 2021?" asks for an amount of money.
_ASKS_HOW_MUCH = re.compile(r"\b(hvor (meget|mange)|how (much|many))\b", re.IGNORECASE)
_MONEY_WORD = re.compile(r"\b(penge|kroner|kr|spar\w*|besparel\w*|kost\w*|beløb\w*|budget\w*|money|saved?|cost)\b",
                         re.IGNORECASE)
# "Hvilke kommuner fik penge fra puljen?" asks for the names of municipalities.
_ASKS_MUNICIPALITIES = re.compile(r"\b(hvilke|which)\s+(\w+\s+)?(kommuner|municipalities|councils)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    """The question's text and everything the pipeline reads from it."""

    text: str

    @classmethod
    def of(cls, question: "Query | str") -> "Query":
        """The question as a `Query` (unchanged when it already is one)."""
        return question if isinstance(question, Query) else cls(question)

    @cached_property
    def folded(self) -> str:
        """The text folded (æ/ae, ø/oe, å/aa alike), tokens separated by single spaces."""
        return folded_text(self.text)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Word and number tokens, lower-cased."""
        return tuple(words(self.text))

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The lexical analyser's terms (stop words out, folded, stemmed), as BM25 sees them."""
        return tuple(analyse(self.text))

    @cached_property
    def entities(self) -> Entities:
        """Municipalities, organisations and years named."""
        return find_entities(self.text)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Capitalised names inside sentences ("Børns Vilkår")."""
        return tuple(names(self.text))

    @cached_property
    def english(self) -> bool:
        """Whether the question looks English rather than Danish."""
        return looks_english(self.text)

    @cached_property
    def wanted_shapes(self) -> tuple[re.Pattern[str], ...]:
        """What a sentence holding the kind of thing asked for looks like (a number, a name, contact
        details, a date); empty when the question asks for none of these."""
        return tuple(shape for asks, shape in _ASKED_SHAPES if asks.search(self.text))

    @cached_property
    def asks_amount(self) -> bool:
        """Whether the question asks how much money."""
        return bool(_ASKS_HOW_MUCH.search(self.text) and _MONEY_WORD.search(self.text))

    @cached_property
    def asks_municipalities(self) -> bool:
        """Whether the question asks which municipalities."""
        return bool(_ASKS_MUNICIPALITIES.search(self.text))
