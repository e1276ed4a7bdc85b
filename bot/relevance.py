"""Deciding whether retrieved passages really answer the question, or the bot declines.

A score threshold alone cannot separate near misses (right topic, wrong municipality or
year, or a subject the documents only mention by title), so the decision also checks that
the municipalities and years asked about are the ones the passage speaks of, and that the
question's own subject words occur in the passage (at least one, and a third of their weight
unless the dense match is strong; rare words weigh more, see `bot.subject_terms`; the verb that
frames the question, "siger", "anbefaler", is no subject word). A name the
question quotes must occur in a passage, a name it uses ("Børns Vilkår", "FOA") must be one the
documents use, municipalities asked for must be named, and an amount of money asked about must
be stated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.entities import Entities, find_entities
from bot.language import looks_english
from bot.lexical import analyse
from bot.names import names
from bot.schema import Hit
from bot.search import chunk_places, entity_overlap
from bot.subject_terms import SubjectTerms, contains_term
from bot.text import words


@dataclass(frozen=True)
class RelevancePolicy:
    """Thresholds of the decision (tuned on the dev and extra sets, see docs/benchmarks.md)."""

    min_dense: float = 0.80
    strong_dense: float = 0.86
    min_term_coverage: float = 0.34
    strict: bool = False  # words the corpus lacks weigh fully, even everyday ones
    names: bool = True  # a name the documents never use declines the question


# When NLU already takes the message for out of scope, only a passage that shares most of the
# question's subject words may answer it (a strong dense match alone is not enough).
STRICT_POLICY = RelevancePolicy(strong_dense=1.01, min_term_coverage=0.5, strict=True)
# A worried professional asking how to notify names the child ("Emma"): that name is not the subject.
GUIDANCE_POLICY = RelevancePolicy(names=False)
_SECTION_REFERENCE = re.compile(r"§\s*(\d+(?:\s?[a-z]\b)?)", re.IGNORECASE)
# Words that ask for a rule of law; the passage must speak of the same (stems, lower case).
_LEGAL_WORDS = re.compile(r"\b(tidsfrist|frist|servicelov|paragraf|bekendtgørelse|lovkrav)", re.IGNORECASE)
LEGAL_REASON = "no passage states the rule of law asked about"
# "Hvor mange penge sparede Aabenraa i 2021?": an amount of money asked for must be in a kept
# passage, in a sentence that names the year asked about (if any).
_ASKS_AMOUNT = re.compile(r"\b(hvor (meget|mange)|how (much|many))\b", re.IGNORECASE)
_MONEY_WORD = re.compile(r"\b(penge|kroner|kr|spar\w*|besparel\w*|kost\w*|beløb\w*|budget\w*|money|saved?|cost)\b",
                         re.IGNORECASE)
_MONEY_AMOUNT = re.compile(r"\d[\d.,]*\s*(mio|mia|millioner|milliarder|kr|kroner)\b", re.IGNORECASE)
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?\b")
# "Hvilke kommuner fik penge fra puljen?" asks for names: passages saying "i omegnen af 25
# kommuner" do not answer it.
_ASKS_MUNICIPALITIES = re.compile(r"\b(hvilke|which)\s+(\w+\s+)?(kommuner|municipalities|councils)\b", re.IGNORECASE)
# "Hvad siger / mener / anbefaler KL om hjemmeplejen?" asks for the documents' view of a subject: the
# verb matches passages on any subject, so only the subject's words must be found.
_FRAME_TERMS = analyse("siger sagde mener mente anbefaler anbefalede foreslår foreslog skriver skrev står stod "
                       "beskriver fortæller")
# A name the question quotes ("politikken 'Sund opvækst'"); apostrophes inside words ("KL's") are not quotes.
_QUOTED = re.compile(r"(?:^|(?<=[\s(]))['\"»“‘]([^'\"»«“”‘’]{2,80})['\"«”’](?=[\s.,;:!?)]|$)")


@dataclass(frozen=True)
class Verdict:
    """The decision and why."""

    answerable: bool
    reason: str
    hits: tuple[Hit, ...] = ()


def _entities_match(question: Entities, hit: Hit, document_years: Mapping[str, frozenset[int]]) -> bool:
    """The passage speaks of one of the municipalities asked about, and its document of every year asked about."""
    places = Entities(question.municipalities, frozenset(), frozenset())
    years = document_years.get(hit.chunk.file, frozenset()) | ({hit.chunk.year} if hit.chunk.year else set())
    return (not places or entity_overlap(places, hit.chunk) > 0) and question.years <= years


def _legal_references(text: str) -> set[str]:
    """Paragraphs ("§50") and legal words ("frist", "servicelov") in a text."""
    sections = {"§" + re.sub(r"\s+", "", ref).lower() for ref in _SECTION_REFERENCE.findall(text)}
    return sections | {word.lower() for word in _LEGAL_WORDS.findall(text)}


def _years_in(sentence: str) -> set[int]:
    """Years a sentence speaks of, spans ("2016-2019") included."""
    years: set[int] = set()
    for first, last in _YEAR_SPAN.findall(sentence):
        years.update(range(int(first), int(last or first) + 1))
    return years


def holds_asked_amount(question: str, hits: tuple[Hit, ...], years: frozenset[int]) -> bool:
    """When the question asks how much money, a sentence of the passages states an amount (of that year)."""
    if not (_ASKS_AMOUNT.search(question) and _MONEY_WORD.search(question)):
        return True
    sentences = [s for hit in hits for s in hit.chunk.sentences or (hit.chunk.text,)]
    return any(_MONEY_AMOUNT.search(s) and years <= _years_in(s) for s in sentences)


def _holds_phrase(phrase: list[str], text: str) -> bool:
    """The phrase's terms occur in the text one after the other (a term may sit inside a compound)."""
    terms = analyse(text)
    return any(all(contains_term(want, (terms[start + i],)) for i, want in enumerate(phrase))
               for start in range(len(terms) - len(phrase) + 1))


def _name_known(name: str, hits: tuple[Hit, ...], terms: SubjectTerms) -> bool:
    """A one-word name is anywhere in the corpus, a longer one a phrase in a kept passage (its title
    and publisher included); "Dialoggruppe-projektet" may be written "Dialoggruppeprojektet"."""
    for form in {name, name.replace("-", "")}:
        wanted = analyse(form)
        if len(wanted) == 1 and contains_term(wanted[0], terms.document_frequency):
            return True
        if len(wanted) > 1 and any(_holds_phrase(wanted, f"{h.chunk.title} {h.chunk.publisher} {h.chunk.text}")
                                   for h in hits):
            return True
    return False


def names_known(question: str, hits: tuple[Hit, ...], terms: SubjectTerms) -> bool:
    """Every name a Danish question uses ("Børns Vilkår", "FOA") is one the documents use.
    Municipalities and organisations the bot knows are checked as entities instead."""
    return all(_name_known(name, hits, terms) for name in names(question) if analyse(name) and not find_entities(name))


def names_quoted(question: str, hits: tuple[Hit, ...]) -> bool:
    """Every name the question quotes ("politikken 'Sund opvækst'") is in one of the passages."""
    for name in _QUOTED.findall(question):
        phrase = analyse(name)
        if phrase and not any(_holds_phrase(phrase, hit.chunk.text) for hit in hits):
            return False
    return True


def names_asked_municipalities(question: str, hits: tuple[Hit, ...]) -> bool:
    """When the question asks which municipalities, the passages name at least two."""
    if not _ASKS_MUNICIPALITIES.search(question):
        return True
    return len({m for hit in hits for m in chunk_places(hit.chunk)}) >= 2


def judge(question: str, hits: list[Hit], document_years: Mapping[str, frozenset[int]] | None = None,
          policy: RelevancePolicy | None = None, terms: SubjectTerms | None = None) -> Verdict:
    """Keep the hits that answer the question, or say why none does.

    `document_years` maps each file to the years its text mentions: a year asked about
    must be one the passage's document speaks of. A paragraph of law or a legal deadline asked
    about ("§ 50", "fristen efter serviceloven") must be one the passage speaks of: the bot
    never states rules its documents don't.
    `terms` weighs the question's subject words by their rarity in the corpus (by default,
    in the hits themselves).
    """
    policy = policy or RelevancePolicy()
    if not hits:
        return Verdict(False, "no passages")
    terms = terms or SubjectTerms.from_texts([hit.chunk.text for hit in hits])
    entities = find_entities(question)
    # Entity names, the words that name them in the question ("KLs", "Hernings") and the verbs that
    # frame it ("siger", "anbefaler") are no subject words.
    not_subject = _FRAME_TERMS + analyse(" ".join([*entities.municipalities, *entities.organisations,
                                             *(word for word in words(question) if find_entities(word))]))
    matching = [h for h in hits if _entities_match(entities, h, document_years or {})]
    if not matching:
        return Verdict(False, "no passage speaks of the municipality or year asked about")
    legal = _legal_references(question)
    matching = [h for h in matching if legal <= _legal_references(h.chunk.text)]
    if not matching:
        return Verdict(False, LEGAL_REASON)
    english = looks_english(question)
    if not (english or entities or terms.weights(question, not_subject)):
        return Verdict(False, "the message has no subject words")
    kept = []
    for hit in matching:
        if hit.dense < policy.min_dense:
            continue
        # Danish terms cannot cover an English question: the dense match decides alone, unless
        # NLU already takes it for out of scope (strict), which nothing then overrules.
        if english:
            coverage = 0.0 if policy.strict else 1.0
        else:
            coverage = terms.coverage(question, hit.chunk.text, not_subject, policy.strict)
        # A comparison of municipalities: a passage about one of them is evidence enough.
        compared = len(entities.municipalities) > 1 and entity_overlap(entities, hit.chunk) > 0
        # At least one subject word of a Danish question must occur in the passage.
        strong = hit.dense >= policy.strong_dense and coverage > 0
        if strong or coverage >= policy.min_term_coverage or compared:
            kept.append(hit)
    if not kept:
        return Verdict(False, "no passage is close enough to the question")
    answering = tuple(kept)
    if policy.names and not english and not names_known(question, answering, terms):
        return Verdict(False, "the question names something the documents do not")
    if not names_quoted(question, answering):
        return Verdict(False, "no passage names what the question quotes")
    if not names_asked_municipalities(question, answering):
        return Verdict(False, "no passage names the municipalities asked about")
    if not holds_asked_amount(question, answering, entities.years):
        return Verdict(False, "no passage states the amount asked about")
    return Verdict(True, "ok", answering)
