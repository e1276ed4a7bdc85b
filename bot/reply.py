"""The bot's reply to a message that reaches the answer action.

Shared by the answer action (`actions/answer_question.py`) and `python -m bot ask`, so a
consultant checking a document sees exactly what users get: the acute-danger net, the
follow-up rewriting, then the engine's cited answer (or its decline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.followup import is_followup, rewrite_followup
from bot.guidance import GUIDE_BUTTON, GUIDE_OFFER, GUIDE_START_PAYLOAD
from bot.safety import is_acute_danger
from bot.schema import Answer
from bot.settings import PROJECT_ROOT
from bot.suggestions import as_buttons, document_questions, suggest

if TYPE_CHECKING:
    from bot.engine import Engine

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
EMERGENCY_RESPONSE = "utter_emergency"


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


def reply_to(engine: Engine, message: str, intent: str | None = None, previous: str | None = None) -> Reply:
    """Answer `message` (NLU's `intent`, the `previous` question of the conversation, if any).

    Guidance ends by offering the guided flow; an answer or a decline offers related questions.
    """
    question = message
    if previous and (intent == "followup_municipality" or is_followup(message)):
        question = rewrite_followup(previous, message)
    answer = engine.answer(question, guidance=intent == "notification_help", strict=intent == "out_of_scope")
    if answer.kind == "guidance":
        answer.text = f"{answer.text}\n\n{GUIDE_OFFER}"
        buttons = [{"title": GUIDE_BUTTON, "payload": GUIDE_START_PAYLOAD}]
    elif answer.kind in ("answer", "no_answer"):
        cited = [str(source["file"]) for source in answer.sources]
        buttons = as_buttons(suggest(document_questions(engine.settings.corpus_dir), cited, question))
    else:
        buttons = []
    return Reply(question, answer, is_acute_danger(message), buttons)


def domain_response(name: str, domain_file: Path = DOMAIN_FILE) -> dict[str, Any]:
    """The first variant of a `domain.yml` response as a message: `text` and `custom`."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    variant = domain["responses"][name][0]
    return {"text": variant.get("text", ""), "custom": variant.get("custom", {})}


def as_messages(reply: Reply) -> list[dict[str, Any]]:
    """The reply as the REST channel delivers it: messages with `text` and `custom`."""
    messages = [domain_response(EMERGENCY_RESPONSE)] if reply.emergency else []
    answer = {"text": reply.answer.text, "custom": reply.answer.payload()}
    return [*messages, {**answer, "buttons": reply.buttons} if reply.buttons else answer]
