"""Finding municipalities, organisations and years in a question or a passage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.language.text import fold, folded_text
from bot.schema import Chunk

MUNICIPALITIES = (
    "Albertslund Allerød Assens Ballerup Billund Bornholm Brøndby Brønderslev Dragør Egedal "
    "Esbjerg Fanø Favrskov Faxe Fredensborg Fredericia Frederiksberg Frederikshavn Frederikssund "
    "Furesø Faaborg-Midtfyn Gentofte Gladsaxe Glostrup Greve Gribskov Guldborgsund Haderslev "
    "Halsnæs Hedensted Helsingør Herlev Herning Hillerød Hjørring Holbæk Holstebro Horsens "
    "Hvidovre Høje-Taastrup Hørsholm Ikast-Brande Ishøj Jammerbugt Kalundborg Kerteminde Kolding "
    "København Køge Langeland Lejre Lemvig Lolland Lyngby-Taarbæk Læsø Mariagerfjord Middelfart "
    "Morsø Norddjurs Nordfyns Nyborg Næstved Odder Odense Odsherred Randers Rebild Ringkøbing-Skjern "
    "Ringsted Roskilde Rudersdal Rødovre Samsø Silkeborg Skanderborg Skive Slagelse Solrød Sorø "
    "Stevns Struer Svendborg Syddjurs Sønderborg Thisted Tønder Tårnby Vallensbæk Varde Vejen Vejle "
    "Vesthimmerland Viborg Vordingborg Ærø Aabenraa Aalborg Aarhus"
).split()

# Canonical organisation name → ways of writing it (matched on folded whole words).
ORGANISATIONS = {
    "Dansk Socialrådgiverforening": ["dansk socialrådgiverforening", "socialrådgiverforeningen", "ds"],
    "KL": ["kl", "kommunernes landsforening"],
    "VIVE": ["vive"],
    "Socialstyrelsen": ["socialstyrelsen"],
    "Social- og Indenrigsministeriet": ["social- og indenrigsministeriet", "socialministeriet", "ministeriet"],
    "KORA": ["kora"],
    "Rambøll": ["rambøll"],
}
# Municipality names that are also ordinary Danish words count only when capitalised.
_AMBIGUOUS = {"Vejen", "Greve", "Skive", "Odder"}
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# Inflected forms: "Hernings", "Københavns", "Aarhus'".
_GENITIVE = ("s", "'s", "'")


@dataclass(frozen=True)
class Entities:
    """Entities mentioned in a text."""

    municipalities: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.municipalities or self.organisations or self.years)


@lru_cache(maxsize=1)
def _municipality_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for name in MUNICIPALITIES:
        base = fold(name)
        forms[base] = name
        for suffix in _GENITIVE:
            forms[fold(name + suffix)] = name
    forms[fold("Århus")] = "Aarhus"
    forms[fold("Kbh")] = "København"
    forms[fold("Copenhagen")] = "København"
    return forms


@lru_cache(maxsize=1)
def _organisation_forms() -> dict[str, str]:
    """Each way of writing an organisation, also in the genitive ("KLs", "VIVEs", "ministeriets")."""
    return {folded_text(form + suffix): name for name, forms in ORGANISATIONS.items() for form in forms
            for suffix in ("", *_GENITIVE)}


def find_entities(text: str) -> Entities:
    """Municipalities, organisations and years mentioned in `text` (tolerant of missing æøå)."""
    folded = folded_text(text)
    tokens = folded.split()
    municipality_forms = _municipality_forms()
    municipalities = {municipality_forms[t] for t in tokens if t in municipality_forms}
    municipalities = {m for m in municipalities if m not in _AMBIGUOUS or re.search(rf"\b{m}", text)}
    padded = f" {folded} "
    organisations = {name for form, name in _organisation_forms().items() if f" {form} " in padded}
    years = {int(y) for y in _YEAR.findall(text)}
    return Entities(frozenset(municipalities), frozenset(organisations), frozenset(years))


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
