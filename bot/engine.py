"""The question-answering engine: model + index + search + decision + composition."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from bot.answering import compose_answer
from bot.guidance import NOTIFICATION_CHECKLIST
from bot.index_store import LoadedIndex, current_build, load_index
from bot.relevance import GUIDANCE_POLICY, LEGAL_REASON, STRICT_POLICY, judge
from bot.schema import Answer, Hit
from bot.search import EmptyQuery, Searcher
from bot.settings import Settings

logger = logging.getLogger(__name__)

NO_ANSWER_TEXT = (
    "Det kan jeg desværre ikke svare på ud fra mine dokumenter, og jeg vil ikke gætte. "
    "Jeg kan svare på spørgsmål om tidlig forebyggende indsats for børn og unge: fx "
    "Herning-modellen, kommuners erfaringer (Aarhus, Aabenraa, Odense, København), "
    "VIVEs undersøgelse af 18 kommuner, KLs socialpolitiske udspil og satspuljen fra 2016, "
    "og om hvordan man skriver en underretning."
)
NO_LEGAL_ANSWER_TEXT = (
    "Mine dokumenter siger ikke noget om den regel eller frist, så det vil jeg ikke svare på. "
    "Spørg kommunens børne- og familieafdeling, eller læs lovteksten på retsinformation.dk. "
    "Jeg kan fortælle, hvad dokumenterne siger om fx dialogbaseret underretning og sparring."
)
EMPTY_TEXT = "Jeg fik ikke noget spørgsmål. Skriv gerne, hvad du vil vide."


class Engine:
    """Loads the embedding model and the index once and answers questions.

    A rebuilt index (a new `current` build) is picked up on the next question without a
    restart; a question in flight keeps using the index it started with.
    """

    def __init__(self, settings: Settings) -> None:
        from bot.embedding import load_embedder  # heavy: torch + sentence-transformers

        self.settings = settings
        self.embedder = load_embedder(settings.model_cache_dir)
        self._lock = threading.Lock()
        self._searcher = self._load(settings.index_dir)

    def _load(self, index_dir: Path) -> Searcher:
        index = load_index(index_dir)
        if index.manifest.get("model_id") != self.embedder.model_id:
            raise RuntimeError(
                f"index in {index.path} was built with {index.manifest.get('model_id')!r}, "
                f"not {self.embedder.model_id!r}: rebuild it with `python -m bot ingest --force`"
            )
        return Searcher(index, self.embedder)

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

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        """Ranked hits for the question."""
        return self.searcher().search(question, k or self.settings.top_k)

    def answer(self, question: str, guidance: bool = False, strict: bool = False) -> Answer:
        """The bot's answer: cited extract, or a plain decline.

        With `guidance` (a worried professional asking about a notification), an answer
        becomes `kind: guidance` and ends with the checklist of what to describe. With
        `strict` (NLU takes the message for out of scope) a passage must share most of the
        question's subject words to answer it.
        """
        searcher = self.searcher()
        try:
            query = searcher.encode(question)
        except EmptyQuery:
            return Answer("clarify", EMPTY_TEXT)
        hits = searcher.search_vector(question, query, self.settings.top_k)
        index = searcher.index
        policy = STRICT_POLICY if strict else GUIDANCE_POLICY if guidance else None
        verdict = judge(question, hits, index.document_years, policy, index.subject_terms)
        if not verdict.answerable:
            logger.info("Declined %r: %s", question, verdict.reason)
            if verdict.reason == LEGAL_REASON:
                return Answer("no_answer", NO_LEGAL_ANSWER_TEXT)
            if guidance:
                return Answer("guidance", NOTIFICATION_CHECKLIST)
            return Answer("no_answer", NO_ANSWER_TEXT, confidence=hits[0].dense if hits else 0.0)
        answer = compose_answer(question, verdict.hits, lambda hit: searcher.sentence_similarities(hit.row, query))
        if guidance:
            answer.kind = "guidance"
            answer.text = f"{answer.text}\n\n{NOTIFICATION_CHECKLIST}"
        return answer
