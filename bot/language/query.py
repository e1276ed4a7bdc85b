"""A user's question, analysed once: the value that search, the answer decision and composition share.

Built once per message (`Query.parse`), so no stage analyses the text again: normalised text,
terms, entities, names, language and the shapes of answer asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.language.analysis import analyse
from bot.language.counting import counted_word
from bot.language.detect import looks_english
from bot.language.entities import Entities, find_entities
from bot.language.glossary import danish_terms
from bot.language.names import names
from bot.language.text import folded_text, words

# What kind of thing a question asks for, and what a sentence holding it looks like (a question asking for an
# amount of money, `asks_amount`, wants a number too).
_NUMBER = re.compile(r"\d")
_PERSON_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøå]+ (?!Kommune)[A-ZÆØÅ][a-zæøå]+")
_CONTACT_DETAILS = re.compile(r"@|\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b|\b\d{4} [A-ZÆØÅ][a-zæøå]+")
_ASKED_SHAPES = [
    (re.compile(r"\b(hvor (mange|meget|stor|store)|how (many|much)|beløb|procent|andel|spar\w*|besparel\w*|penge|"
                r"kost\w*|money|potentiale\w*|gevinst\w*|budget\w*|økonomi\w*)\b", re.I), _NUMBER),
    (re.compile(r"\b(hvem|who)\b", re.I), _PERSON_NAME),
    (re.compile(r"\b(kontakt\w*|telefon\w*|\w*nummer|mail|\w*adresse|ringe|fat i|contact|phone|call|"
                r"reach|e-?mail|address)\b", re.I), _CONTACT_DETAILS),
    (re.compile(r"\b(hvornår|when|dato|date|hvilket år|what year)\b", re.I),
     re.compile(r"\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\b(19|20)\d\d\b")),
    (re.compile(r"\b(hvor (ofte|tit)|how often)\b", re.I),
     re.compile(r"\b(gange?|kvartal\w*|årlig\w*|månedlig\w*|ugentlig\w*|dagligt?|hver(t|e)?\s+(år|måned|uge|dag)\w*)\b",
                re.I)),
]
# "Hvor mange penge sparede Aabenraa i 2021?" asks for an amount of money.
_ASKS_HOW_MUCH = re.compile(r"\b(hvor (meget|mange)|how (much|many))\b", re.IGNORECASE)
_MONEY_WORD = re.compile(r"\b(penge|kroner|kr|spar\w*|besparel\w*|kost\w*|beløb\w*|budget\w*|money|saved?|cost)\b",
                         re.IGNORECASE)
# "Hvad kostede ordningen?", "Hvad investerede Herning?", "Hvad har Herning investeret?", "... i kroner?": asks for
# an amount of money too.
_ASKS_COST = re.compile(r"\b((hvad|what)\s+(koster|kostede|investerer|investerede|costs?|did\s+\w+(\s+\w+)?\s+"
                        r"(cost|invest))|(hvad|hvor\s+meget)\s+(har|havde)\s+(\w+\s+){0,3}?(investeret|kostet)"
                        r"|i\s+kroner|in\s+kroner)\b", re.IGNORECASE)
# Question words that ask for something of their own (a manner, a reason, a person, a time, a place).
_ASKS_OTHER = re.compile(r"\b(hvordan|hvorfor|hvem|hvornår|hvor|how|why|who|when|where)\b", re.IGNORECASE)
# "Hvilke kommuner fik penge fra puljen?" asks for the names of municipalities.
_ASKS_MUNICIPALITIES = re.compile(r"\b(hvilke|which)\s+(\w+\s+)?(kommuner|municipalities|councils)\b", re.IGNORECASE)


def _without_municipality_suffix(text: str, municipalities: frozenset[str]) -> str:
    """The text with "Kommune" dropped after a municipality's name ("Herning Kommune" is the place, which
    the entity match weighs; as a term "kommune" would favour passages about municipalities in general)."""
    for place in municipalities:
        text = re.sub(rf"\b({re.escape(place)})\s+kommunes?\b", r"\1", text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class Query:
    """The question's text and everything the pipeline reads from it (build with `Query.parse`)."""

    text: str
    folded: str  # folded (æ/ae, ø/oe, å/aa alike), tokens separated by single spaces
    words: tuple[str, ...]  # word and number tokens, lower-cased
    terms: tuple[str, ...]  # the lexical analyser's terms, as BM25 sees them
    entities: Entities  # municipalities, organisations and years named
    names: tuple[str, ...]  # capitalised names inside sentences ("Børns Vilkår")
    english: bool  # the question looks English rather than Danish
    # What a sentence holding the kind of thing asked for looks like (a number, a name, contact
    # details, a date); empty when the question asks for none of these.
    wanted_shapes: tuple[re.Pattern[str], ...]
    # "Hvor mange kommuner ...?": the word counted ("kommun", `bot.language.counting.counted_word`), else None.
    counted: str | None
    asks_amount: bool  # "hvor mange penge ...?"
    asks_municipalities: bool  # "hvilke kommuner ...?"
    # A follow-up asked in the context of an earlier answer: the documents that answer cited.
    context_files: tuple[str, ...] = ()
    # The text is the earlier question and this message together (`in_context`).
    leans_on_context: bool = False
    # The earlier question asked again about a newly named place or organisation ("og Aarhus?").
    asked_again: bool = False
    # What the dense encoder reads when it is not the text: a follow-up's own words before the question it follows.
    search_text: str = ""
    # A follow-up's (`in_context`): the excerpts the answer it follows showed, whitespace-collapsed; composition
    # prefers what they did not say.
    shown: str = ""
    # A follow-up's (`in_context`): its own words, without the question it follows (`own_text`).
    message_text: str = ""

    @property
    def asks_for_people(self) -> bool:
        """The question asks for a person or for contact details ("hvem ...?", "hvilket nummer ...?")."""
        return _PERSON_NAME in self.wanted_shapes or _CONTACT_DETAILS in self.wanted_shapes

    @property
    def own_text(self) -> str:
        """What the user wrote this time: a follow-up's own words, else the text."""
        return self.message_text or self.text

    @classmethod
    def parse(cls, text: str) -> "Query":
        """Analyse the question's text once."""
        entities = find_entities(text)
        asks_amount = bool(_ASKS_HOW_MUCH.search(text) and _MONEY_WORD.search(text) or _ASKS_COST.search(text))
        shapes = [shape for asks, shape in _ASKED_SHAPES if asks.search(text)]
        if asks_amount and _NUMBER not in shapes:
            shapes.insert(0, _NUMBER)
        english = looks_english(text)
        terms = tuple(analyse(_without_municipality_suffix(text, entities.municipalities)))
        if english:  # the Danish words of its domain words: the documents' own terms
            terms += tuple(term for term in danish_terms(text) if term not in terms)
        return cls(
            text=text,
            folded=folded_text(text),
            words=tuple(words(text)),
            terms=terms,
            entities=entities,
            names=tuple(names(text)),
            english=english,
            wanted_shapes=tuple(shapes),
            counted=None if asks_amount else counted_word(text),
            asks_amount=asks_amount,
            asks_municipalities=bool(_ASKS_MUNICIPALITIES.search(text)),
        )

    @classmethod
    def in_context(cls, message: "Query", previous: "Query", files: tuple[str, ...] = (),
                   shown: str = "") -> "Query":
        """An elliptical follow-up ("siden hvornår?", "hvem var minister dengang?") read with the question
        it follows: searched with both texts, its subject the earlier one's unless it names its own
        places or organisations, the kind of answer wanted its own when it asks one (a shape or a question word),
        else the earlier one's ("og hvad har det givet?" after an amount asked for); `files` are preferred, and
        `shown` is the text the earlier answer showed."""
        named = message.entities.municipalities or message.entities.organisations
        entities = message.entities if named else Entities(
            previous.entities.municipalities, previous.entities.organisations,
            message.entities.years or previous.entities.years)
        inherits = not message.wanted_shapes and not _ASKS_OTHER.search(message.text)
        return replace(
            message,
            wanted_shapes=previous.wanted_shapes if inherits else message.wanted_shapes,
            counted=previous.counted if inherits else message.counted,
            asks_amount=previous.asks_amount if inherits else message.asks_amount,
            text=f"{previous.text.rstrip()} {message.text}",
            search_text=f"{message.text.rstrip()} {previous.text}",
            folded=f"{previous.folded} {message.folded}",
            words=previous.words + message.words,
            terms=previous.terms + message.terms,
            entities=entities,
            context_files=files,
            leans_on_context=True,
            shown=" ".join(shown.split()),
            message_text=message.own_text,
        )

    @classmethod
    def of(cls, question: "Query | str") -> "Query":
        """The question as a `Query` (unchanged when it already is one)."""
        return question if isinstance(question, Query) else cls.parse(question)
