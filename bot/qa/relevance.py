"""Deciding whether retrieved passages really answer the question, or the bot declines.

A score threshold alone cannot separate near misses (right topic, wrong municipality or
year, or a subject the documents only mention by title), so the decision also checks that
the municipalities and years asked about are the ones the passage speaks of, and that the
question's own subject words occur in the passage (at least one, and a third of their weight
unless the dense match is strong or the question is a follow-up answered from the documents of the
answer it follows; rare words weigh more, see `bot.language.subject_terms`; the verb that
frames the question, "siger", "anbefaler", is no subject word). A name the
question quotes must occur in a passage, a name it uses ("Børns Vilkår", "FOA") must be one the
documents use, municipalities asked for must be named, and an amount of money or a count asked
about ("hvor mange familier?") must be stated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from wordfreq import zipf_frequency

from bot.language.analysis import analyse
from bot.language.counting import states_count
from bot.language.entities import Entities, chunk_places, entity_overlap, find_entities
from bot.language.framing import DOCUMENT_PART_TERMS, REPORTING_TERMS, VIEW_TERMS
from bot.language.query import Query
from bot.language.subject_terms import SubjectTerms, contains_term, covered
from bot.schema import DeclineReason, Hit


@dataclass(frozen=True)
class RelevancePolicy:
    """Thresholds of the decision (tuned on the dev and extra sets, see docs/benchmarks.md)."""

    min_dense: float = 0.80
    strong_dense: float = 0.86
    min_term_coverage: float = 0.34
    strict: bool = False  # words the corpus lacks weigh fully, even everyday ones
    names: bool = True  # a name the documents never use declines the question
    # A question no passage is close enough to is answered openly hedged, from the nearest passage
    # that passes every other check, when that passage's dense match reaches this.
    hedge_dense: float = 0.87
    # An English question matches the Danish passages with lower cosines than a Danish one does (median
    # cosine of the passage that answers it on the tuning folds: 0.826 vs 0.878): its dense thresholds
    # are this much lower (5-fold CV over 0-0.1: 0.03-0.1 alike, answerable 262 vs 259 of 327, out of
    # scope 73/85 unchanged).
    english_dense_shift: float = 0.05
    # The question's words that name a document by what people call it ("slides", "valgfolderen";
    # `Engine.decision_policy`): sources, like "ifølge KL", not subject words.
    source_words: tuple[str, ...] = ()
    # Sections the documents' contents pages list but whose text the corpus lacks (`bot.documents.contents`):
    # a question about one is declined unless a kept passage covers its title too.
    missing_sections: tuple[str, ...] = ()

    def for_query(self, query: Query) -> "RelevancePolicy":
        """The thresholds for this question (lowered for an English one)."""
        if not query.english or not self.english_dense_shift:
            return self
        shift = self.english_dense_shift
        return replace(self, min_dense=self.min_dense - shift, strong_dense=self.strong_dense - shift,
                       hedge_dense=self.hedge_dense - shift, english_dense_shift=0.0)

    def relaxed(self) -> "RelevancePolicy":
        """The same checks without the closeness thresholds: for finding the nearest passage to hedge with."""
        return replace(self, min_dense=0.0, min_term_coverage=0.0)


# When NLU already takes the message for out of scope, only a passage that shares most of the
# question's subject words may answer it (a strong dense match alone is not enough).
STRICT_POLICY = RelevancePolicy(strong_dense=1.01, min_term_coverage=0.5, strict=True, hedge_dense=1.01)
# A worried professional asking how to notify names the child ("Emma"): that name is not the subject.
GUIDANCE_POLICY = RelevancePolicy(names=False)
# Zipf frequency (log10 per billion words) from which a name in an English question is an English word.
ENGLISH_NAME_ZIPF = 3.3
# Zipf frequency from which a one-word name is a common Danish word ("Folketinget", "Regeringen").
DANISH_COMMON_ZIPF = 4.5
# "§ 11", "paragraf 11", "paragraffen 11" (users write the sign out).
_SECTION_REFERENCE = re.compile(r"(?:§|\bparagraf(?:fen)?\b)\s*(\d+(?:\s?[a-z]\b)?)", re.IGNORECASE)
# Words that ask for a rule of law; the passage must speak of the same (stems, lower case). A bare "paragraf"
# (no number) is answered by a passage citing any paragraph ("§ 11", "servicelovens 52").
_LEGAL_WORDS = re.compile(r"\b(tidsfrist|frist|servicelov|paragraf(?!fen\s*\d|\s*\d)|bekendtgørelse|lovkrav)",
                          re.IGNORECASE)
_CITES_A_PARAGRAPH = re.compile(r"§\s*\d|lov\w*\s+\d", re.IGNORECASE)
# "Hvor mange penge sparede Aabenraa i 2021?": an amount of money asked for must be in a kept
# passage, in a sentence that names the year asked about (if any).
_MONEY_AMOUNT = re.compile(r"\d[\d.,]*\s*(mio|mia|millioner|milliarder|kr|kroner)\b", re.IGNORECASE)
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?\b")
# "Hvad siger / mener / anbefaler KL om hjemmeplejen?" asks for the documents' view of a subject: the
# verb matches passages on any subject, so only the subject's words must be found.
_FRAME_TERMS = sorted(VIEW_TERMS | REPORTING_TERMS | DOCUMENT_PART_TERMS)
# A name the question quotes ("politikken 'Sund opvækst'"); apostrophes inside words ("KL's") are not quotes.
_QUOTED = re.compile(r"(?:^|(?<=[\s(]))['\"»“‘]([^'\"»«“”‘’]{2,80})['\"«”’](?=[\s.,;:!?)]|$)")


@dataclass(frozen=True)
class Verdict:
    """The decision and why."""

    answerable: bool
    reason: DeclineReason | None
    hits: tuple[Hit, ...] = ()


def _entities_match(question: Entities, hit: Hit, document_years: Mapping[str, frozenset[int]]) -> bool:
    """The passage (or its document's publisher) speaks of one of the municipalities, regions or
    organisations asked about, and its document of every year asked about ("Hvad mener VIVE om
    sparring i dagtilbud?" is not answered from a passage that never names VIVE)."""
    places = Entities(question.municipalities, question.organisations, frozenset(), question.regions)
    years = document_years.get(hit.chunk.file, frozenset()) | ({hit.chunk.year} if hit.chunk.year else set())
    return (not places or entity_overlap(places, hit.chunk) > 0) and question.years <= years


def _legal_references(text: str) -> set[str]:
    """Paragraphs ("§50") and legal words ("frist", "servicelov") in a text."""
    sections = {"§" + re.sub(r"\s+", "", ref).lower() for ref in _SECTION_REFERENCE.findall(text)}
    cites = {"paragraf"} if _CITES_A_PARAGRAPH.search(text) else set()
    return sections | cites | {word.lower() for word in _LEGAL_WORDS.findall(text)}


def _years_in(sentence: str) -> set[int]:
    """Years a sentence speaks of, spans ("2016-2019") included."""
    years: set[int] = set()
    for first, last in _YEAR_SPAN.findall(sentence):
        years.update(range(int(first), int(last or first) + 1))
    return years


def holds_asked_amount(query: Query, hits: tuple[Hit, ...]) -> bool:
    """When the question asks how much money, a sentence of the passages states an amount (of the
    year asked about, if any)."""
    if not query.asks_amount:
        return True
    years = query.entities.years
    sentences = [s for hit in hits for s in hit.chunk.sentences or (hit.chunk.text,)]
    return any(_MONEY_AMOUNT.search(s) and years <= _years_in(s) for s in sentences)


def states_asked_count(query: Query, hits: tuple[Hit, ...]) -> bool:
    """When the question asks how many of something ("Hvor mange familier deltog?"), a passage states that count
    ("580 familier"): a passage that only speaks of the families does not answer it."""
    counted = query.counted
    return counted is None or any(states_count(counted, hit.chunk.text) for hit in hits)


def _holds_phrase(phrase: list[str], text: str) -> bool:
    """The phrase's terms occur in the text one after the other (a term may sit inside a compound)."""
    terms = analyse(text)
    return any(all(contains_term(want, (terms[start + i],)) for i, want in enumerate(phrase))
               for start in range(len(terms) - len(phrase) + 1))


def _name_known(name: str, hits: tuple[Hit, ...], terms: SubjectTerms) -> bool:
    """A one-word name is anywhere in the corpus, a longer one a phrase in a kept passage (its title
    and publisher included); "Dialoggruppe-projektet" may be written "Dialoggruppeprojektet", and a name
    joined by hyphens ("KL-udspillet", "KIK-resultater") is known when each of its parts is."""
    parts = [part for part in name.split("-") if part]
    if len(parts) > 1 and all(find_entities(part) or _name_known(part, hits, terms) for part in parts):
        return True
    for form in {name, name.replace("-", "")}:
        wanted = analyse(form)
        if len(wanted) == 1 and contains_term(wanted[0], terms.document_frequency):
            return True
        if len(wanted) > 1 and any(_holds_phrase(wanted, f"{h.chunk.title} {h.chunk.publisher} {h.chunk.text}")
                                   for h in hits):
            return True
    return False


def _english_name(name: str) -> bool:
    """Every word of the name is an English word ("Copenhagen", "Danish Association"): the Danish
    documents write it otherwise, so it cannot be looked up in them."""
    return all(zipf_frequency(word.lower(), "en") >= ENGLISH_NAME_ZIPF for word in name.split())


def names_known(query: Query, hits: tuple[Hit, ...], terms: SubjectTerms) -> bool:
    """Every name the question uses ("Børns Vilkår", "FOA", "BUPL") is one the documents use; in an
    English question only names that are no English words, and never a one-word name that is a common Danish
    word ("Folketinget", "Regeringen": 5-fold CV at Zipf 4.5, follow-up turns 326 -> 327 of 400, nothing lower;
    at 4.0 an out-of-scope question more was answered). Municipalities and organisations the bot
    knows are checked as entities instead, and so are the parts of one ("Indenrigsministeriet" in "Social- og
    Indenrigsministeriet")."""
    organisations = query.entities.organisations
    return all(_name_known(name, hits, terms) for name in query.names
               if analyse(name) and not find_entities(name) and not (query.english and _english_name(name))
               and not (" " not in name and zipf_frequency(name.lower(), "da") >= DANISH_COMMON_ZIPF)
               and not any(name in organisation for organisation in organisations))


def names_quoted(query: Query, hits: tuple[Hit, ...]) -> bool:
    """Every name the question quotes ("politikken 'Sund opvækst'") is in one of the passages."""
    for name in _QUOTED.findall(query.text):
        phrase = analyse(name)
        if phrase and not any(_holds_phrase(phrase, hit.chunk.text) for hit in hits):
            return False
    return True


def asks_missing_section(query: Query, hits: tuple[Hit, ...], sections: tuple[str, ...]) -> bool:
    """The question names every word of a section title that only a contents page lists ("Hvad skriver KL om
    unge sårbare mødre?"), and no kept passage has all of them: the passages found speak of something else."""
    asked = set(query.terms)
    titles = [wanted for wanted in (set(analyse(title)) for title in sections)
              if len(wanted) >= 2 and all(contains_term(term, asked) for term in wanted)]
    if not titles:
        return False
    passages = [set(analyse(hit.chunk.text)) for hit in hits]
    return any(not any(all(contains_term(term, terms) for term in wanted) for terms in passages) for wanted in titles)


def names_asked_municipalities(query: Query, hits: tuple[Hit, ...]) -> bool:
    """When the question asks which municipalities ("Hvilke kommuner fik penge fra puljen?"), the
    passages name at least two (passages saying "i omegnen af 25 kommuner" do not answer it)."""
    if not query.asks_municipalities:
        return True
    return len({m for hit in hits for m in chunk_places(hit.chunk)}) >= 2


def _subject_weights(query: Query, terms: SubjectTerms, policy: RelevancePolicy) -> dict[str, float]:
    """The question's subject words with their weights. Entity names, the words that name them in the
    question ("KLs", "Hernings") and the verbs that frame it ("siger", "anbefaler") are no subject words."""
    entities = query.entities
    not_subject = _FRAME_TERMS + analyse(" ".join([*entities.municipalities, *entities.organisations,
                                             *(word for word in query.words if find_entities(word)),
                                             *policy.source_words]))
    return terms.weights(query, not_subject, policy.strict)


@dataclass(frozen=True)
class Closeness:
    """How close one passage is to the question: its subject coverage and whether that is enough."""

    coverage: float
    strong: bool  # a strong dense match with at least one subject word
    close: bool  # dense enough, and strong, covering enough, or about a compared municipality


def closeness(query: Query, hit: Hit, weights: dict[str, float], policy: RelevancePolicy) -> Closeness:
    """Whether the passage is close enough to answer the question (the decision's closeness check)."""
    # Danish terms cannot cover an English question: the dense match decides alone, unless
    # NLU already takes it for out of scope (strict), which nothing then overrules.
    coverage = (0.0 if policy.strict else 1.0) if query.english else covered(weights, hit.chunk.text)
    # A comparison of municipalities, or the question before asked again about another place ("og Aarhus?"): a
    # passage about the place is evidence enough (its words for the subject may differ).
    compared = ((len(query.entities.municipalities) > 1 or query.asked_again)
                and entity_overlap(query.entities, hit.chunk) > 0)
    # At least one subject word of a Danish question must occur in the passage.
    strong = hit.dense >= policy.strong_dense and coverage > 0
    # A follow-up about the answer just given, from that answer's documents: the topic is settled.
    settled = query.leans_on_context and hit.chunk.file in query.context_files and not policy.strict
    close = hit.dense >= policy.min_dense and (strong or coverage >= policy.min_term_coverage or compared or settled)
    return Closeness(coverage, strong, close)


def decide(question: Query | str, hits: list[Hit], document_years: Mapping[str, frozenset[int]] | None = None,
          policy: RelevancePolicy | None = None, terms: SubjectTerms | None = None) -> Verdict:
    """Keep the hits that answer the question, or say why none does.

    `document_years` maps each file to the years its text mentions: a year asked about
    must be one the passage's document speaks of. A paragraph of law or a legal deadline the message asks
    about ("§ 50", "fristen efter serviceloven") must be one the passage speaks of: the bot
    never states rules its documents don't.
    `terms` weighs the question's subject words by their rarity in the corpus (by default,
    in the hits themselves).
    """
    query = Query.of(question)
    policy = (policy or RelevancePolicy()).for_query(query)
    if not hits:
        return Verdict(False, DeclineReason.NO_PASSAGES)
    terms = terms or SubjectTerms.from_texts([hit.chunk.text for hit in hits])
    entities = query.entities
    matching = [h for h in hits if _entities_match(entities, h, document_years or {})]
    if not matching:
        return Verdict(False, DeclineReason.PLACE_OR_YEAR)
    legal = _legal_references(query.own_text)
    matching = [h for h in matching if legal <= _legal_references(h.chunk.text)]
    if not matching:
        return Verdict(False, DeclineReason.LEGAL)
    english = query.english
    weights = _subject_weights(query, terms, policy)
    if not (english or entities or weights):
        return Verdict(False, DeclineReason.NO_SUBJECT)
    kept = [hit for hit in matching if closeness(query, hit, weights, policy).close]
    if not kept:
        return Verdict(False, DeclineReason.NOT_CLOSE)
    answering = tuple(kept)
    if asks_missing_section(query, answering, policy.missing_sections):
        return Verdict(False, DeclineReason.SECTION_MISSING)
    if policy.names and not names_known(query, answering, terms):
        return Verdict(False, DeclineReason.UNKNOWN_NAME)
    if not names_quoted(query, answering):
        return Verdict(False, DeclineReason.QUOTE_MISSING)
    if not names_asked_municipalities(query, answering):
        return Verdict(False, DeclineReason.MUNICIPALITIES_MISSING)
    if not holds_asked_amount(query, answering):
        return Verdict(False, DeclineReason.AMOUNT_MISSING)
    if not query.leans_on_context and not states_asked_count(query, tuple(matching)):
        return Verdict(False, DeclineReason.COUNT_MISSING)
    return Verdict(True, None, answering)


def quotable(question: Query | str, hits: list[Hit], verdict: Verdict,
             document_years: Mapping[str, frozenset[int]] | None = None, policy: RelevancePolicy | None = None,
             terms: SubjectTerms | None = None) -> tuple[Hit, ...]:
    """The passages an answer may quote: the ones `verdict` kept, then the other hits that pass every check
    of the decision but closeness. The decision says whether the documents answer; the sentence that states
    the fact is often in a passage less close to the question as a whole (5-fold CV: answerable 925 -> 931 of
    1126, follow-up turns 323 -> 325 of 400, no fold worse)."""
    wider = decide(question, hits, document_years, (policy or RelevancePolicy()).relaxed(), terms)
    taken = {hit.row for hit in verdict.hits}
    return verdict.hits + tuple(hit for hit in wider.hits if hit.row not in taken)


@dataclass(frozen=True)
class HitSignals:
    """What the decision saw in one hit (read-only, for the consultants' console)."""

    file: str
    dense: float
    place_and_year: bool  # the municipality and years asked about match
    legal: bool  # every paragraph or legal word asked about is in the passage
    coverage: float  # weighted share of the question's subject words in the passage
    dense_enough: bool  # dense >= policy.min_dense
    strong: bool  # dense >= policy.strong_dense and some subject word present
    kept: bool  # the hit passes the per-hit checks


@dataclass(frozen=True)
class DecisionSignals:
    """The intermediate signals of `decide`, for showing why it answered or declined."""

    verdict: Verdict
    subject_weights: dict[str, float]
    english: bool
    hits: tuple[HitSignals, ...]
    names_known: bool
    names_quoted: bool
    municipalities_named: bool
    amount_stated: bool


def decision_signals(question: Query | str, hits: list[Hit], document_years: Mapping[str, frozenset[int]] | None = None,
                     policy: RelevancePolicy | None = None, terms: SubjectTerms | None = None) -> DecisionSignals:
    """`decide`'s verdict with the signals behind it, per hit and for the whole question.

    Read-only: the verdict is `decide`'s own; the signals recompute its checks for display.
    """
    query = Query.of(question)
    policy = (policy or RelevancePolicy()).for_query(query)
    verdict = decide(query, hits, document_years, policy, terms)
    terms = terms or SubjectTerms.from_texts([hit.chunk.text for hit in hits])
    entities = query.entities
    weights = _subject_weights(query, terms, policy)
    legal = _legal_references(query.own_text)
    signals = []
    for hit in hits:
        close = closeness(query, hit, weights, policy)
        place_and_year = _entities_match(entities, hit, document_years or {})
        legal_ok = legal <= _legal_references(hit.chunk.text)
        signals.append(HitSignals(hit.chunk.file, hit.dense, place_and_year, legal_ok, round(close.coverage, 4),
                                  hit.dense >= policy.min_dense, close.strong, place_and_year and legal_ok and close.close))
    answering = tuple(hit for hit, signal in zip(hits, signals) if signal.kept)
    return DecisionSignals(
        verdict=verdict, subject_weights={term: round(weight, 3) for term, weight in weights.items()},
        english=query.english, hits=tuple(signals),
        names_known=names_known(query, answering, terms), names_quoted=names_quoted(query, answering),
        municipalities_named=names_asked_municipalities(query, answering),
        amount_stated=holds_asked_amount(query, answering))
