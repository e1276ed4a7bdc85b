"""Try a question: the reply exactly as users get it, the top passages with their scores and
the signals of the answer decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.dialogue.followup import Context
from bot.dialogue.reply import as_messages, reply_to
from bot.language.query import Query
from bot.qa.engine import Engine
from bot.qa.relevance import DecisionSignals, RelevancePolicy, decision_signals
from bot.qa.search import EmptyQuery
from bot.schema import DeclineReason, Hit

# Why the decision declined, as a consultant reads it.
REASONS = {
    DeclineReason.NO_PASSAGES: "ingen passager fundet",
    DeclineReason.PLACE_OR_YEAR: "ingen passage taler om den kommune, organisation eller det år, der spørges om",
    DeclineReason.LEGAL: "ingen passage nævner den paragraf eller frist, der spørges om",
    DeclineReason.NO_SUBJECT: "spørgsmålet har ingen emneord",
    DeclineReason.NOT_CLOSE: "ingen passage ligger tæt nok på spørgsmålet (for lav lighed eller for få emneord)",
    DeclineReason.UNKNOWN_NAME: "spørgsmålet nævner et navn, dokumenterne ikke bruger",
    DeclineReason.QUOTE_MISSING: "ingen passage nævner det, spørgsmålet citerer",
    DeclineReason.MUNICIPALITIES_MISSING: "ingen passage nævner de kommuner, der spørges om",
    DeclineReason.AMOUNT_MISSING: "ingen passage nævner det beløb, der spørges om",
    DeclineReason.COUNT_MISSING: "ingen passage nævner det antal, der spørges om",
    DeclineReason.SECTION_MISSING: "afsnittet står kun i en indholdsfortegnelse; dets tekst er ikke i dokumenterne",
    DeclineReason.EMPTY: "beskeden har ingen ord",
}


@dataclass(frozen=True)
class Tryout:
    """One tried question and everything the page shows about it."""

    question: str
    answered_question: str  # after follow-up rewriting (the same for a first question)
    messages: list[dict[str, Any]]
    hits: list[Hit]
    signals: DecisionSignals | None
    policy: RelevancePolicy

    @property
    def decision(self) -> str:
        """The decision in one Danish sentence."""
        if self.signals is None:
            return "Spørgsmålet har ingen ord at søge efter."
        reason = self.signals.verdict.reason
        if reason is None:
            return f"Besvaret: {len(self.signals.verdict.hits)} passage(r) består kontrollerne."
        return f"Afvist: {REASONS.get(reason, reason.value)}."

    @property
    def checks(self) -> list[tuple[str, bool]]:
        """The whole-question checks over the passages that passed, with their outcome."""
        if self.signals is None:
            return []
        s = self.signals
        return [("Navne i spørgsmålet findes i dokumenterne", s.names_known),
                ("Citerede navne står i en passage", s.names_quoted),
                ("Spurgte kommuner er nævnt", s.municipalities_named),
                ("Et spurgt beløb er nævnt", s.amount_stated)]


def try_question(engine: Engine, question: str, previous: str | None = None) -> Tryout:
    """Reply to `question` as the answer action does (no NLU intent), after `previous` when given,
    and explain the decision."""
    earlier = reply_to(engine, previous) if previous else None
    context = Context.after(earlier.question, earlier.answer) if earlier else None
    reply = reply_to(engine, question, None, context)
    query = Query.parse(reply.question)
    searcher = engine.searcher()
    policy = engine.decision_policy(query)
    try:
        hits = searcher.search(query, engine.settings.top_k)
    except EmptyQuery:
        return Tryout(question, reply.question, as_messages(reply), [], None, policy)
    index = searcher.index
    signals = decision_signals(query, hits, index.document_years, policy, index.subject_terms)
    return Tryout(question, reply.question, as_messages(reply), hits, signals, policy)
