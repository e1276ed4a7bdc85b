"""Composing an extractive, cited Danish answer from the passages that answer a question.

The sentences of the relevant passages are pooled and scored against the question (the
dense similarity of each sentence plus a bonus per shared term). The answer starts from
the best sentence, adds its neighbours (they carry its context and often the figures),
and takes the best sentence of another passage when it is nearly as good or when it
speaks of another municipality the question asks about (in such a comparison each place's
passage gives the figure asked for). Every passage used is cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from bot.language.analysis import title_terms
from bot.language.counting import states_count
from bot.language.entities import chunk_places
from bot.language.query import Query
from bot.language.sentences import LIST_ITEM_MARKERS, is_contact_line, is_garbled, is_heading, split_sentences
from bot.language.subject_terms import SubjectTerms
from bot.qa.citation import sources_line
from bot.qa.sentence_features import sentence_features
from bot.qa.sentence_ranker import SentenceRanker, default_ranker
from bot.schema import Answer, AnswerKind, Hit, Source

# How long an answer is: the excerpt stops growing at TARGET_WORDS and never passes MAX_WORDS. Longer excerpts
# hold what was asked more often, monotonically (5-fold offline, answerable right of 469: 85/100 words 359,
# 110/130 363, 140/160 375, 170/190 383, whole passages 391); 140/160 is the product's choice of how much a
# chat reply may say (about one screen in the widget), not a tuned optimum.
TARGET_WORDS = 140
MAX_WORDS = 160
MAX_PASSAGES = 4
_NEIGHBOUR_BONUS = 0.02
# A follow-up asks for something the answer before did not say: a sentence that answer showed scores this much
# lower (5-fold CV over 0.01-0.1 on the tuning folds: 0.01-0.03 alike, 0.02 follow-up turns right 269 -> 276 of
# 340, no fold worse; 0.1 lost 13: the fact asked for is often in the sentence already shown).
_SHOWN_PENALTY = 0.02
# Another passage joins the answer when its best sentence scores within this margin of the best one
# (5-fold CV on the tuning folds over 0.015-0.12: 0.05, 247 vs 242 of 327 answerable right).
_SECOND_SOURCE_MARGIN = 0.05
ENGLISH_NOTE = "(I answer in Danish, from Danish documents.)"

SentenceScorer = Callable[[Hit], np.ndarray]


@dataclass
class _Candidate:
    """A relevant passage with its sentences, their scores, the ones picked, and the texts an earlier answer
    of the conversation said (`before`: the text it showed, whitespace-collapsed; nothing in it is said again)."""

    hit: Hit
    sentences: list[str]
    scores: np.ndarray
    picked: set[int] = field(default_factory=set)
    before: str = ""
    no_context: frozenset[int] = frozenset()
    quotes_contacts: bool = False  # a sentence picked for what it says is a contact line (set before filling)

    @property
    def text(self) -> str:
        """The picked sentences in document order; list items stay on lines of their own."""
        return _joined([self.sentences[i] for i in sorted(self.picked)])

    def new(self, said: set[str]) -> list[int]:
        """The sentences whose text neither this passage's picks nor the answer's other passages (`said`) have
        said (overlapping passages, copies of a document and repeated slide headings share sentences; the
        answer says each once)."""
        said = said | {_same(self.sentences[i]) for i in self.picked}
        return [i for i, sentence in enumerate(self.sentences) if _same(sentence) not in said and self.unsaid(i)]

    @property
    def best_score(self) -> float:
        """The score of its best sentence that no earlier answer said."""
        return max((float(self.scores[i]) for i in range(len(self.sentences)) if self.unsaid(i)), default=-np.inf)

    def unsaid(self, index: int) -> bool:
        """Whether the sentence is not one an earlier answer said."""
        return _same(self.sentences[index]) not in self.before  # a substring: a shown line may join two sentences

    def fits_as_context(self, index: int) -> bool:
        """Whether the sentence may be added around the picked ones: not garbled, and no contact line the
        question did not ask for, unless the answer quotes one for what it says (`quotes_contacts`) or the line
        is the byline of the picked sentence before it."""
        sentence = self.sentences[index]
        if is_garbled(sentence):
            return False
        return (self.quotes_contacts or index not in self.no_context
                or (sentence.startswith("—") and index - 1 in self.picked))


def _same(sentence: str) -> str:
    return " ".join(sentence.split())


def _said_elsewhere(candidate: _Candidate, used: list[_Candidate]) -> set[str]:
    """The texts of the sentences the answer's other passages have picked."""
    return {_same(other.sentences[i]) for other in used if other is not candidate for i in other.picked}


def _joined(sentences: list[str]) -> str:
    """Sentences as one excerpt; list items and headings stay on lines of their own (a heading run into
    the sentence before reads as its end: "... beskrivelse af bekymringen Dialogbaseret underretning"), and
    so does what follows a list item (run into the item, "Oplevelsen er, at:" would read as part of it)."""
    text, previous = "", ""
    for sentence in sentences:
        own_line = (sentence.startswith(LIST_ITEM_MARKERS) or is_heading(sentence) or text.endswith(":")
                    or is_heading(previous) or previous.startswith(LIST_ITEM_MARKERS))
        separator = "\n" if own_line else " "
        text = f"{text}{separator}{sentence}" if text else sentence
        previous = sentence
    return text


def excerpt_sentences(passage: str) -> list[str]:
    """The sentences of an excerpt (`Source.passage`), list items on lines of their own included."""
    return [sentence for line in passage.split("\n") for sentence in split_sentences(line)]


def sentence_scores(question: Query | str, sentences: list[str], similarities: np.ndarray | None,
                    common: frozenset[str] = frozenset(), hit: Hit | None = None,
                    weights: dict[str, float] | None = None, ranker: SentenceRanker | None = None,
                    support: np.ndarray | None = None) -> np.ndarray:
    """How well each sentence states what the question asks (`bot.qa.sentence_ranker` over
    `bot.qa.sentence_features`): its dense similarity, the question terms it shares (a term may sit
    inside a compound; `common` terms of the document's own title and publisher earn nothing),
    whether it holds the kind of thing asked for, its passage's retrieval score, whether it answered a close
    example question (`support`), and more."""
    features = sentence_features(Query.of(question), sentences, similarities, hit, common, weights, support)
    return (ranker or default_ranker()).score(features)


def _shown(query: Query, sentences: list[str]) -> np.ndarray:
    """1 for each sentence the answer a follow-up follows showed, else 0."""
    return np.array([bool(query.shown) and _same(sentence) in query.shown for sentence in sentences], dtype=np.float32)


def _unasked_contact_lines(query: Query, sentences: list[str]) -> frozenset[int]:
    """The contact lines, bylines and lists of names among the sentences, when the question asks for no person
    and no contact details ("Louise Carlsberg Christensen eller Mette Laurberg" before a quote on early help)."""
    if query.asks_for_people:
        return frozenset()
    return frozenset(i for i, sentence in enumerate(sentences) if is_contact_line(sentence))


def _words(text: str) -> int:
    return len(text.split())


def _fill(candidate: _Candidate, total: int, own_limit: int, said: set[str]) -> int:
    """Add the candidate's best remaining sentences (neighbours first) until it has `own_limit`
    words, never letting the whole answer pass MAX_WORDS; returns the new total. Only sentences that fit as
    context are added (`_Candidate.fits_as_context`): text garbled by extraction never is (it may still be quoted
    when it states what was asked: 5-fold CV of a penalty on it lost answers whose fact only garbled text states),
    nor a contact line the question did not ask for; `said`: what the answer's other passages say."""
    while _words(candidate.text) < own_limit:
        options = [i for i in candidate.new(said) if candidate.fits_as_context(i)
                   and total + _words(candidate.sentences[i]) <= MAX_WORDS]
        if not options:
            break
        adjacent = {i for p in candidate.picked for i in (p - 1, p + 1)}
        pick = max(options, key=lambda i: candidate.scores[i] + (_NEIGHBOUR_BONUS if i in adjacent else 0.0))
        candidate.picked.add(pick)
        total += _words(candidate.sentences[pick])
    return total


def _with_lists(candidate: _Candidate, total: int) -> int:
    """A picked lead-in ("Typiske temaer kan være:") brings the list items after it; returns the new total."""
    for lead in sorted(candidate.picked):
        if not candidate.sentences[lead].rstrip().endswith(":"):
            continue
        item = lead + 1
        while (item < len(candidate.sentences) and candidate.sentences[item].startswith(LIST_ITEM_MARKERS)
               and candidate.unsaid(item) and total + _words(candidate.sentences[item]) <= MAX_WORDS):
            candidate.picked.add(item)
            total += _words(candidate.sentences[item])
            item += 1
    return total


def _pick_asked_kind(query: Query, candidates: list[_Candidate], used: list[_Candidate],
                     holds: Callable[[str], bool] | None = None) -> None:
    """When the question asks for a number, a name or contact details (or what `holds` tells) and no picked
    sentence holds one, add the best sentence that does (from any relevant passage)."""
    if holds is None:
        holds = lambda sentence: any(shape.search(sentence) for shape in query.wanted_shapes)  # noqa: E731
    holding = [(c, i) for c in candidates for i, s in enumerate(c.sentences) if c.unsaid(i) and holds(s)]
    if not holding or any(i in c.picked for c, i in holding):
        return
    candidate, index = max(holding, key=lambda pair: pair[0].scores[pair[1]])
    candidate.picked.add(index)
    if candidate not in used:
        used.append(candidate)


def _pick_asked_kind_of_each(query: Query, used: list[_Candidate]) -> None:
    """In a comparison ("Herning eller Aarhus?"), each place's passage gives the thing asked for."""
    for candidate in used:
        _pick_asked_kind(query, [candidate], [candidate])


def select(query: Query, hits: tuple[Hit, ...], scorer: SentenceScorer | None = None,
           terms: SubjectTerms | None = None, ranker: SentenceRanker | None = None,
           adjacent: tuple[Hit, ...] = (), before: str = "", support: SentenceScorer | None = None) -> list[_Candidate]:
    """The passages used for the answer, each with its picked sentences, best first (`adjacent`: the
    passages next to the best hit in its document, candidates as well; `before`: the text an earlier answer
    showed, whitespace-collapsed, of which nothing is said again; `support`: each sentence's example support)."""
    weights = terms.weights(query) if terms else None
    candidates = [
        _Candidate(hit, list(hit.chunk.sentences) or split_sentences(hit.chunk.text),
                   np.zeros(0, dtype=np.float32), before=before)
        for hit in (*hits[:MAX_PASSAGES], *adjacent)
    ]
    for candidate in candidates:
        candidate.no_context = _unasked_contact_lines(query, candidate.sentences)
        similarities = scorer(candidate.hit) if scorer else None
        chunk = candidate.hit.chunk
        common = title_terms(chunk.title, chunk.publisher)
        candidate.scores = sentence_scores(query, candidate.sentences, similarities, common, candidate.hit, weights,
                                           ranker, support(candidate.hit) if support else None
                                           ) - _SHOWN_PENALTY * _shown(query, candidate.sentences)
    candidates = [c for c in candidates if any(c.unsaid(i) for i in range(len(c.sentences)))]
    candidates.sort(key=lambda c: -c.best_score)
    primary = candidates[0]
    used = [primary]
    wanted = query.entities.municipalities
    covered = chunk_places(primary.hit.chunk) & wanted
    for other in candidates[1:]:
        places = chunk_places(other.hit.chunk) & wanted
        close = other.best_score >= primary.best_score - _SECOND_SOURCE_MARGIN
        if places - covered or (close and (not wanted or places)):
            used.append(other)
            covered |= places
    for candidate in used:
        fresh = candidate.new(_said_elsewhere(candidate, used))
        if fresh:
            candidate.picked.add(max(fresh, key=lambda i: candidate.scores[i]))
    used = [candidate for candidate in used if candidate.picked]
    if len(wanted) > 1:
        _pick_asked_kind_of_each(query, used)
    else:
        _pick_asked_kind(query, candidates, used)
    counted = query.counted
    if counted is not None:  # "hvor mange kommuner?": the count of those, not just any number
        _pick_asked_kind(query, candidates, used, lambda sentence: states_count(counted, sentence))
    total = sum(_words(c.text) for c in used)
    for candidate in used:
        total = _with_lists(candidate, total)
    for candidate in used:
        candidate.quotes_contacts = bool(candidate.picked & candidate.no_context)
        total = _fill(candidate, total, TARGET_WORDS // len(used), _said_elsewhere(candidate, used))
    for candidate in used:  # room the others left goes to the best passages first
        total = _fill(candidate, total, _words(candidate.text) + TARGET_WORDS - total, _said_elsewhere(candidate, used))
    return used


def compose_answer(question: Query | str, hits: tuple[Hit, ...], scorer: SentenceScorer | None = None,
                   terms: SubjectTerms | None = None, ranker: SentenceRanker | None = None,
                   adjacent: tuple[Hit, ...] = (), before: str = "", support: SentenceScorer | None = None) -> Answer:
    """An extractive answer from the relevant hits, with its sources (`terms`: the corpus's subject terms,
    for weighing the question's words; `ranker`: the sentence ranker, by default the fitted one;
    `adjacent`: passages next to the best hit, which may give sentences too; `before`: the text an earlier
    answer showed, whitespace-collapsed, not said again; `support`: each sentence's example support,
    `Searcher.example_support`)."""
    query = Query.of(question)
    used = select(query, hits, scorer, terms, ranker, adjacent, before, support)
    sources = [Source.of(c.hit.chunk, c.text, c.hit.score) for c in used]
    return Answer(AnswerKind.ANSWER, _cited_text(sources, query.english), sources,
                  confidence=max(c.hit.dense for c in used))


def _cited_text(sources: list[Source], english: bool) -> str:
    """The sources' excerpts, one paragraph each, then the citation line (and the note for English)."""
    text = "\n\n".join(source.passage for source in sources) + "\n\n" + sources_line(sources)
    return f"{text}\n\n{ENGLISH_NOTE}" if english else text


def combine(answers: list[Answer], english: bool) -> Answer:
    """One answer from the answers to the parts of a question: every sentence once, every source cited."""
    sources: list[Source] = []
    said: set[str] = set()
    for source in (source for answer in answers for source in answer.sources):
        sentences = [s for s in excerpt_sentences(source.passage) if " ".join(s.split()) not in said]
        if sentences:
            sources.append(replace(source, passage=_joined(sentences)))
            said.update(" ".join(s.split()) for s in sentences)
    return Answer(AnswerKind.ANSWER, _cited_text(sources, english), sources,
                  confidence=min(answer.confidence for answer in answers))


def shorten(question: Query | str, answer: Answer) -> Answer:
    """The answer cut to the single best sentence of each of its first two sources, still cited."""
    sources = answer.sources[:2]
    parts = []
    for source in sources:
        sentences = split_sentences(source.passage)
        if sentences:
            parts.append(sentences[int(np.argmax(sentence_scores(question, sentences, None)))])
    text = "Kort fortalt: " + " ".join(parts) + "\n\n" + sources_line(sources)
    return Answer(AnswerKind.ANSWER, text, sources, answer.confidence)
