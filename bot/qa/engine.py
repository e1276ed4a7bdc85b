"""The question-answering engine: model + index + search + decision + composition.

It answers questions and nothing else: what a reply adds around an answer (guidance, the
guided flow, follow-ups, suggested questions) lives in `bot.dialogue`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from bot.documents.contents import corpus_missing_sections
from bot.documents.corpus import current_sources, documents_named, words_naming_documents
from bot.index.store import LoadedIndex, current_build, load_index
from bot.language.entities import chunk_places
from bot.language.query import Query
from bot.language.question_parts import split_question
from bot.language.sentences import is_heading
from bot.qa.compose import MAX_PASSAGES, SentenceScorer, combine, compose_answer, excerpt_sentences
from bot.qa.declines import (
    DECLINE_START,
    EMPTY_TEXT,
    HEDGE_TEXT,
    NO_LEGAL_ANSWER_TEXT,
    NOTHING_MORE_TEXT,
    SECTION_MISSING_START,
    decline_text,
)
from bot.qa.relevance import RelevancePolicy, decide, quotable
from bot.qa.search import EmptyQuery, QueryEncoder, Searcher
from bot.qa.sentence_ranker import SentenceRanker
from bot.schema import Answer, AnswerKind, DeclineReason, Hit
from bot.settings import Settings

logger = logging.getLogger(__name__)
MORE_CANDIDATES = 30  # passages searched for the next part of the same documents
# A heading or a short lead-in ("Kommunal leder", "Oplevelsen er, at:") recurs in passages not yet shown: only
# sentences of this many words tell which passages an earlier excerpt came from.
MIN_SHOWN_WORDS = 5
# How far below the best hit its adjacent passages are scored (5-fold CV over 0.05-0.2 with the passages
# next to the best hit, or to the best two: 0.1 next to the best, answerable 259 vs 258 of 327, follow-up
# turns 69 vs 65 of 94, no fold worse).
ADJACENT_SCORE_GAP = 0.1


def adjacent_hits(index: LoadedIndex, hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """The passages just before and after the best hit in its document, scored a little below it: a
    chunk boundary often falls between a subject and its figures or dates ("hvor mange frivillige?")."""
    if not hits:
        return ()
    best, taken = hits[0], {hit.row for hit in hits}
    return tuple(Hit(index.chunks[row], best.score - ADJACENT_SCORE_GAP, best.dense, best.lexical, best.rank, row)
                 for row in index.adjacent_rows(best.row) if row not in taken)


def _shown(hit: Hit, said: Collection[str]) -> bool:
    """Whether an excerpt shown before came from this passage (one of its sentences is in it)."""
    text = " ".join(hit.chunk.text.split())
    return any(sentence in text for sentence in said)


class Engine:
    """Loads the embedding model and the index once and answers questions.

    A rebuilt index (a new `current` build) is picked up on the next question without a
    restart; a question in flight keeps using the index it started with. `encoder` defaults to
    the real embedding model from `settings.model_cache_dir`.
    """

    def __init__(self, settings: Settings, encoder: QueryEncoder | None = None,
                 ranker: SentenceRanker | None = None) -> None:
        if encoder is None:
            from bot.embedding.embedder import load_embedder  # heavy: ONNX Runtime and the model

            encoder = load_embedder(settings.model_cache_dir, query_threads=settings.query_threads)
        self.settings = settings
        self.embedder = encoder
        self.ranker = ranker  # None: the fitted sentence ranker
        self._lock = threading.Lock()
        self._searcher = self._load(settings.index_dir)
        self._sections: tuple[Path | None, tuple[str, ...]] = (None, ())

    def _load(self, index_dir: Path) -> Searcher:
        index = load_index(index_dir)
        model_id = getattr(self.embedder, "model_id", None)
        if index.manifest.get("model_id") != model_id:
            raise RuntimeError(
                f"index in {index.path} was built with {index.manifest.get('model_id')!r}, "
                f"not {model_id!r}: rebuild it with `python -m bot ingest --force`"
            )
        return Searcher(index, self.embedder,
                        named=lambda text: documents_named(text, current_sources(self.settings.corpus_dir)))

    @property
    def index(self) -> LoadedIndex:
        """The newest complete index (reloaded when `current` moved)."""
        return self.searcher().index

    def searcher(self) -> Searcher:
        """The searcher over the newest complete index (reloaded when `current` moved)."""
        build = current_build(self.settings.index_dir)
        if build is not None and build != self._searcher.index.path:
            with self._lock:
                if build != self._searcher.index.path:
                    try:
                        self._searcher = self._load(self.settings.index_dir)
                        logger.info("Loaded new index build %s", build)
                    except Exception:  # keep serving the old index
                        logger.exception("New index build %s could not be loaded", build)
        return self._searcher

    def search(self, question: Query | str, k: int | None = None) -> list[Hit]:
        """Ranked hits for the question."""
        return self.searcher().search(question, k or self.settings.top_k)

    def answer(self, question: Query | str, policy: RelevancePolicy | None = None) -> Answer:
        """The cited extract that answers the question, or a plain decline (with its `reason`).

        `policy` sets the thresholds of the answer decision (default: `RelevancePolicy()`). A question
        in two parts ("Hvad investerede Herning, og hvad fik de igen?") gets both parts answered when
        each can be; otherwise it is answered as one question.
        """
        query = Query.of(question)
        parts = None if query.leans_on_context else split_question(query.text)
        if parts is not None:
            first = Query.parse(parts[0])
            answers = [self._answer(first, policy), self._answer(Query.in_context(Query.parse(parts[1]), first), policy)]
            if all(answer.kind is AnswerKind.ANSWER and not answer.text.startswith(HEDGE_TEXT) for answer in answers):
                return combine(answers, query.english)
        return self._answer(query, policy)

    def missing_sections(self) -> tuple[str, ...]:
        """The sections the indexed documents' contents pages list without their text (read once per index build)."""
        index = self.index
        if self._sections[0] != index.path:
            files = {chunk.file for chunk in index.chunks}
            self._sections = (index.path, corpus_missing_sections(self.settings.corpus_dir, files))
        return self._sections[1]

    def decision_policy(self, query: Query, policy: RelevancePolicy | None = None) -> RelevancePolicy:
        """`policy` (default: `RelevancePolicy()`) for this question: the words with which it names a document
        ("i DS' slides") are sources, not subject words; sections listed without their text are known."""
        words = words_naming_documents(query.words, current_sources(self.settings.corpus_dir))
        return replace(policy or RelevancePolicy(), source_words=words, missing_sections=self.missing_sections())

    def _answer(self, query: Query, policy: RelevancePolicy | None) -> Answer:
        """`answer` for a question in one part."""
        policy = self.decision_policy(query, policy)
        searcher = self.searcher()
        try:
            vector = searcher.encode(query)
        except EmptyQuery:
            return Answer(AnswerKind.CLARIFY, EMPTY_TEXT, reason=DeclineReason.EMPTY)
        hits = searcher.search_vector(query, vector, self.settings.top_k)
        index = searcher.index
        verdict = decide(query, hits, index.document_years, policy, index.subject_terms)
        scorer = lambda hit: searcher.sentence_similarities(hit.row, vector)  # noqa: E731
        support = searcher.example_support(query, vector)
        if verdict.reason is DeclineReason.NOT_CLOSE:
            hedged = self._hedged(query, hits, policy, scorer, support)
            if hedged is not None:
                return hedged
        if verdict.reason is not None:
            logger.info("Declined %r: %s", query.text, verdict.reason.value)
            if verdict.reason is DeclineReason.LEGAL:
                return Answer(AnswerKind.NO_ANSWER, NO_LEGAL_ANSWER_TEXT, reason=verdict.reason)
            start = SECTION_MISSING_START if verdict.reason is DeclineReason.SECTION_MISSING else DECLINE_START
            return Answer(AnswerKind.NO_ANSWER, decline_text(current_sources(self.settings.corpus_dir), start),
                          confidence=hits[0].dense if hits else 0.0, reason=verdict.reason)
        pool = quotable(query, hits, verdict, index.document_years, policy, index.subject_terms)
        return compose_answer(query, pool, scorer, index.subject_terms, self.ranker,
                              adjacent_hits(index, verdict.hits), support=support)

    def _hedged(self, query: Query, hits: list[Hit], policy: RelevancePolicy, scorer: SentenceScorer,
                support: SentenceScorer) -> Answer | None:
        """An openly hedged answer from the nearest passage that passes every check but closeness, when its
        dense match reaches `policy.hedge_dense` (the question is in the documents' domain, the match weak)."""
        index = self.index
        policy = policy.for_query(query)
        nearest = decide(query, hits, index.document_years, policy.relaxed(), index.subject_terms)
        if nearest.reason is not None or nearest.hits[0].dense < policy.hedge_dense:
            return None
        answer = compose_answer(query, nearest.hits[:1], scorer, index.subject_terms, self.ranker, support=support)
        return replace(answer, text=f"{HEDGE_TEXT}\n\n{answer.text}", confidence=answer.confidence / 2)

    def elaborate(self, question: Query | str, files: Collection[str], seen: Collection[str]) -> Answer:
        """More from the documents an earlier answer cited ("kan du uddybe?"): the sentences of `files` most relevant
        to the question that the `seen` excerpts did not say, from the passages they were quoted from, the passages
        after those, and the other passages of `files` (those about the municipalities the question names, if it
        names any); or a plain "nothing more"."""
        query = Query.of(question)
        searcher = self.searcher()
        index = searcher.index
        vector = searcher.encode(query)
        before = "\n".join(" ".join(passage.split()) for passage in seen)
        said = {" ".join(sentence.split()) for passage in seen for sentence in excerpt_sentences(passage)
                if not is_heading(sentence) and len(sentence.split()) >= MIN_SHOWN_WORDS}
        places = query.entities.municipalities  # "og Aarhus?" then "kan du uddybe?": more about Aarhus, or nothing

        def more_in(hit: Hit) -> bool:
            return _says_more(hit, before) and (not places or bool(chunk_places(hit.chunk) & places))

        hits = [hit for hit in searcher.search_vector(query, vector, MORE_CANDIDATES)
                if hit.chunk.file in files and more_in(hit)]
        if not hits:
            return Answer(AnswerKind.NO_ANSWER, NOTHING_MORE_TEXT, reason=DeclineReason.NOTHING_MORE)
        taken = {hit.row for hit in hits[:MAX_PASSAGES]}
        following = {index.next_row(hit.row) for hit in hits if _shown(hit, said)} - taken - {None}
        after = tuple(hit for hit in (Hit(index.chunks[row], hits[0].score - ADJACENT_SCORE_GAP, hits[0].dense, 0.0, 0, row)
                                      for row in sorted(following)) if more_in(hit))
        return compose_answer(query, tuple(hits), lambda hit: searcher.sentence_similarities(hit.row, vector),
                              index.subject_terms, self.ranker, after, before)


def _says_more(hit: Hit, before: str) -> bool:
    """Whether the passage has a sentence of some length that is not in the text shown `before`."""
    return any(" ".join(sentence.split()) not in before and len(sentence.split()) >= MIN_SHOWN_WORDS
               and not is_heading(sentence) for sentence in hit.chunk.sentences)
