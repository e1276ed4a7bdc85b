"""Finding places (municipalities, regions), organisations and years in a question or a passage.

The places come from `places.yml` beside this module (Denmark's 98 municipalities and 5
regions) and from the corpus itself: a document that speaks of "Egebæk Kommune" makes
"Egebæk" a place. Organisations are a built-in list plus the publishers of the corpus
documents. What is known is a `Gazetteer`; the one in use is the built-in one extended by the
last index loaded (`bot.index.store.load_index` calls `use_gazetteer`), and every function
here takes an optional `gazetteer` for callers that hold one themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language.text import fold, folded_text
from bot.schema import Chunk

PLACES_FILE = Path(__file__).with_name("places.yml")

# Canonical organisation name → ways of writing it (matched on folded whole words).
# English: the organisations' own English names ("Local Government Denmark"), for questions asked in English.
ORGANISATIONS = {
    "Dansk Socialrådgiverforening": ["dansk socialrådgiverforening", "socialrådgiverforeningen", "ds",
                                     "association of social workers"],
    "KL": ["kl", "kommunernes landsforening", "local government denmark", "lgdk"],
    "VIVE": ["vive", "danish center for social science research", "danish centre for social science research"],
    "Socialstyrelsen": ["socialstyrelsen", "national board of social services"],
    "Social- og Indenrigsministeriet": ["social- og indenrigsministeriet", "socialministeriet", "ministeriet",
                                        "ministry of social affairs", "social ministry"],
    "KORA": ["kora"],
    "Rambøll": ["rambøll"],
}


def written_forms(name: str) -> list[str]:
    """The ways a text may write an organisation or place: its name and the forms `ORGANISATIONS` knows."""
    return [name, *ORGANISATIONS.get(name, [])]


_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# Inflected forms: "Hernings", "Københavns", "Aarhus'".
GENITIVE_ENDINGS = ("s", "'s", "'")
# "Egebæk Kommune", "Egebæks Kommune", "Bornholms Regionskommune": a capitalised name before "Kommune".
# "Kommune" capitalised, as in a municipality's name: "Projekt kommune og civilsamfundet" names none.
_NAMED_MUNICIPALITY = re.compile(r"(?<![\w-])([A-ZÆØÅ][^\W\d_]+(?:-[A-ZÆØÅ][^\W\d_]+)*) (?:Regionsk|K)ommune\b")
# Words that stand before "Kommune" without naming one ("Hver Kommune", "Den Kommune").
_NOT_NAMES = frozenset(fold(word) for word in (
    "den denne dette det hver enhver din dit jeres vores deres sin sit samme anden andre hvilken hvilket ingen "
    "næste hele egen eget første sidste en et ny nye gamle the a each every your our").split())
# Publisher names split at these into the ways they are written ("KL (Kommunernes Landsforening)").
_PUBLISHER_PARTS = re.compile(r"\s*[()]\s*|\s+[–—-]\s+|,\s*")
_ACRONYM = re.compile(r"^[A-ZÆØÅ]{2,6}$")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zæøå][^\W\d_]*")


@dataclass(frozen=True)
class Entities:
    """Entities mentioned in a text. `municipalities` holds every municipality, including places
    known only from the corpus; `regions` the five regions ("Region Midtjylland")."""

    municipalities: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    regions: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.municipalities or self.organisations or self.years or self.regions)


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """The places and organisations the entity finder knows (compared and hashed by identity)."""

    municipalities: Mapping[str, str]  # folded word ("egebaks") → municipality ("Egebæk")
    regions: Mapping[str, str]  # folded phrase ("region midtjylland") → region
    organisations: Mapping[str, str]  # folded phrase ("kls") → organisation
    ambiguous: frozenset[str]  # places that are also ordinary words: counted only when capitalised

    def extended(self, texts: Iterable[str], publishers: Iterable[str] = ()) -> "Gazetteer":
        """This gazetteer plus the municipalities the texts name ("Egebæk Kommune") and the
        publishers the built-in list does not know. A place the texts also write in lower case is an
        ordinary word: counted only when capitalised; a one-word publisher name that is one is left out."""
        texts = list(texts)
        lower_words = {fold(word) for text in texts for word in _LOWER_WORD.findall(text)}
        municipalities = dict(self.municipalities)
        ambiguous = set(self.ambiguous)
        for name in sorted({match for text in texts for match in _NAMED_MUNICIPALITY.findall(text)}):
            place = _place_name(name, municipalities)
            if place is None:
                continue
            municipalities.update(_place_forms(place))
            if fold(place) in lower_words:
                ambiguous.add(place)
        organisations = dict(self.organisations)
        for publisher in sorted(set(publishers)):
            organisations.update(_publisher_forms(publisher, self, lower_words))
        return Gazetteer(municipalities, self.regions, organisations, frozenset(ambiguous))


def _place_forms(name: str) -> dict[str, str]:
    """A place's name and its genitives, folded."""
    return {fold(name + suffix): name for suffix in ("", *GENITIVE_ENDINGS)}


def _place_name(name: str, known: Mapping[str, str]) -> str | None:
    """The new place a "<name> Kommune" names, or None when it is known or no name."""
    if fold(name) in known or fold(name) in _NOT_NAMES:
        return None
    if name.endswith("s") and len(name) > 4:  # "Egebæks Kommune" names Egebæk
        name = name[:-1]
    return None if fold(name) in known or fold(name) in _NOT_NAMES else name


def _publisher_forms(publisher: str, known: Gazetteer, lower_words: set[str]) -> dict[str, str]:
    """The ways of writing a publisher the gazetteer does not know yet (none for a municipality
    or region, or an organisation it knows)."""
    if not publisher.strip() or re.search(r"\b(kommune|region)", publisher, re.IGNORECASE):
        return {}
    if find_entities(publisher, known).organisations:
        return {}
    parts = [part for part in _PUBLISHER_PARTS.split(publisher) if part.strip()]
    name = parts[0].strip()
    forms: dict[str, str] = {}
    for part in [publisher, *parts]:
        folded = folded_text(part)
        one_word = len(folded.split()) == 1
        if not folded or len(folded) < 2 or (one_word and folded in lower_words and not _ACRONYM.match(part)):
            continue
        forms.update({folded_text(part + suffix): name for suffix in ("", *GENITIVE_ENDINGS)})
    return forms


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """Denmark's municipalities and regions (`places.yml`) and the built-in organisations."""
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    municipalities: dict[str, str] = {}
    for name in data["municipalities"]:
        municipalities.update(_place_forms(name))
    for alias, name in data["aliases"].items():
        municipalities[fold(alias)] = name
    regions = {folded_text(form + suffix): region for region, others in data["regions"].items()
               for form in [region, *others] for suffix in ("", *GENITIVE_ENDINGS)}
    organisations = {folded_text(form + suffix): name for name, forms in ORGANISATIONS.items() for form in forms
                     for suffix in ("", *GENITIVE_ENDINGS)}
    return Gazetteer(municipalities, regions, organisations, frozenset(data["ambiguous"]))


_active: Gazetteer | None = None


def use_gazetteer(gazetteer: Gazetteer | None) -> None:
    """Make `gazetteer` the one used when a caller passes none (None: the built-in one)."""
    global _active
    _active = gazetteer


def active_gazetteer() -> Gazetteer:
    """The gazetteer in use: that of the last index loaded, else the built-in one."""
    return _active or builtin_gazetteer()


def find_entities(text: str, gazetteer: Gazetteer | None = None) -> Entities:
    """Places, organisations and years mentioned in `text` (in any case, tolerant of missing æøå)."""
    known = gazetteer or active_gazetteer()
    folded = folded_text(text)
    municipalities = {known.municipalities[t] for t in folded.split() if t in known.municipalities}
    municipalities = {m for m in municipalities if m not in known.ambiguous or re.search(rf"\b{re.escape(m)}", text)}
    padded = f" {folded} "
    regions = {name for form, name in known.regions.items() if f" {form} " in padded}
    organisations = {name for form, name in known.organisations.items() if f" {form} " in padded}
    years = {int(y) for y in _YEAR.findall(text)}
    return Entities(frozenset(municipalities), frozenset(organisations), frozenset(years), frozenset(regions))


@lru_cache(maxsize=4096)
def _chunk_entities(text: str, publisher: str, gazetteer: Gazetteer) -> Entities:
    found = find_entities(text, gazetteer)
    publisher_orgs = find_entities(publisher, gazetteer).organisations
    return Entities(found.municipalities, found.organisations | publisher_orgs, found.years, found.regions)


def chunk_entities(chunk: Chunk, gazetteer: Gazetteer | None = None) -> Entities:
    """What a chunk speaks of, its publisher's organisation included (cached per text)."""
    return _chunk_entities(chunk.text, chunk.publisher, gazetteer or active_gazetteer())


def chunk_places(chunk: Chunk, gazetteer: Gazetteer | None = None) -> frozenset[str]:
    """The municipalities a chunk speaks of (cached per text)."""
    return chunk_entities(chunk, gazetteer).municipalities


def entity_overlap(question: Entities, chunk: Chunk, gazetteer: Gazetteer | None = None) -> float:
    """Share of the question's entities that the chunk (or its publisher) mentions."""
    wanted = [("m", m) for m in question.municipalities] + [("o", o) for o in question.organisations]
    wanted += [("y", y) for y in question.years] + [("r", r) for r in question.regions]
    if not wanted:
        return 0.0
    have = chunk_entities(chunk, gazetteer)
    sets = {"m": have.municipalities, "o": have.organisations, "y": have.years, "r": have.regions}
    return sum(1 for kind, value in wanted if value in sets[kind]) / len(wanted)


def corpus_gazetteer(chunks: Iterable[Chunk]) -> Gazetteer:
    """The built-in gazetteer extended by what the chunks' texts, titles and publishers name."""
    chunks = list(chunks)
    metadata = {f"{chunk.title}\n{chunk.publisher}" for chunk in chunks}
    texts = [chunk.text for chunk in chunks] + sorted(metadata)
    return builtin_gazetteer().extended(texts, {chunk.publisher for chunk in chunks})
