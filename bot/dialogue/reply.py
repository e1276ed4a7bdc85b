"""The bot's reply to a message that reaches the answer action.

Shared by the answer action (`actions/answer_question.py`) and `python -m bot ask`, so a
consultant checking a document sees exactly what users get: the acute-danger net, the
follow-up rewriting, then the engine's cited answer (or its decline).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from bot.dialogue.followup import Context, in_context
from bot.dialogue.guidance import GUIDE_BUTTON, GUIDE_OFFER, GUIDE_START_PAYLOAD, as_guidance
from bot.dialogue.responses import EMERGENCY_RESPONSE, domain_response
from bot.dialogue.safety import is_acute_danger
from bot.dialogue.suggestions import as_buttons, suggest
from bot.documents.corpus import current_sources, documents_named
from bot.language.framing import asks_a_view
from bot.language.query import Query
from bot.qa.engine import Engine
from bot.qa.relevance import GUIDANCE_POLICY, STRICT_POLICY, RelevancePolicy
from bot.schema import Answer, AnswerKind

NOTIFICATION_INTENT = "notification_help"  # a worried professional asking how to notify
OUT_OF_SCOPE_INTENT = "out_of_scope"
FOLLOWUP_INTENT = "followup_municipality"
ACUTE_INTENT = "acute_concern"  # a child in acute danger (`action_acute_concern`)


@dataclass(frozen=True)
class Reply:
    """What the answer action says to one message."""

    question: str  # the question answered: the message, or a follow-up rewritten
    answer: Answer
    emergency: bool  # the acute-danger net fired: the emergency response comes first
    buttons: list[dict[str, str]] = field(default_factory=list)

    @property
    def offers_guide(self) -> bool:
        """Whether the reply offers the guided notification flow (a "ja" then starts it)."""
        return any(button["payload"] == GUIDE_START_PAYLOAD for button in self.buttons)


def policy_for(intent: str | None, message: str = "") -> RelevancePolicy | None:
    """The decision's policy for a message NLU gave `intent` (None: the default policy). A worried
    professional's child is no subject, unless the message asks for someone's view ("Hvad mener Børns
    Vilkår om underretninger?": then the name must be one the documents use); a message NLU takes for out
    of scope is answered only by a passage sharing most of its subject."""
    if intent == NOTIFICATION_INTENT and asks_a_view(message):
        return None
    return {NOTIFICATION_INTENT: GUIDANCE_POLICY, OUT_OF_SCOPE_INTENT: STRICT_POLICY}.get(intent or "")


def _out_of_scope_unfounded(message: Query, query: Query, vocabulary: Collection[str]) -> bool:
    """NLU took an elliptical follow-up ("which years do they cover?") for out of scope, reading it without
    the answer it follows: that verdict does not stand, unless the message brings a word the documents
    never use ("hvad siger de om ældreplejen?"). English words are never the documents' words."""
    return query.leans_on_context and (message.english or all(term in vocabulary for term in message.terms))


def _answer(engine: Engine, query: Query, intent: str | None) -> Answer:
    """The engine's answer, with the decision's policy and the framing that NLU's intent asks for."""
    answer = engine.answer(query, policy_for(intent, query.text))
    return as_guidance(answer, engine, query.text) if intent == NOTIFICATION_INTENT else answer


def reply_to(engine: Engine, message: str, intent: str | None = None, context: Context | None = None) -> Reply:
    """Answer `message` (NLU's `intent`; `context`: the previous question and answer, if any).

    A follow-up is read in the context of the previous answer (`bot.dialogue.followup`). Guidance
    ends by offering the guided flow; an answer or a decline offers related questions.
    """
    own = Query.parse(message)
    vocabulary = engine.index.subject_terms.document_frequency
    if context is not None:
        context = context.turned_to(documents_named(message, current_sources(engine.settings.corpus_dir)))
    query = in_context(own, context, vocabulary, names_another=intent == FOLLOWUP_INTENT)
    if intent == OUT_OF_SCOPE_INTENT and _out_of_scope_unfounded(own, query, vocabulary):
        intent = None
    answer = _answer(engine, query, intent)
    if answer.kind is AnswerKind.GUIDANCE:
        answer = replace(answer, text=f"{answer.text}\n\n{GUIDE_OFFER}")
        buttons = [{"title": GUIDE_BUTTON, "payload": GUIDE_START_PAYLOAD}]
    elif answer.kind in (AnswerKind.ANSWER, AnswerKind.NO_ANSWER):
        cited = [source.file for source in answer.sources]
        buttons = as_buttons(suggest(current_sources(engine.settings.corpus_dir), cited, query))
    else:
        buttons = []
    return Reply(query.text, answer, is_acute_danger(message), buttons)


def as_messages(reply: Reply) -> list[dict[str, Any]]:
    """The reply as the REST channel delivers it: messages with `text` and `custom`."""
    messages = [domain_response(EMERGENCY_RESPONSE)] if reply.emergency else []
    return [*messages, reply.answer.message(reply.buttons)]
