"""The bot's reply to a message that reaches the answer action.

Shared by the answer action (`actions/answer_question.py`) and `python -m bot ask`, so a
consultant checking a document sees exactly what users get: the acute-danger net, the
follow-up rewriting, then the engine's cited answer (or its decline).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.followup import is_followup, rewrite_followup
from bot.safety import is_acute_danger
from bot.schema import Answer
from bot.settings import PROJECT_ROOT

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


def reply_to(engine: Engine, message: str, intent: str | None = None, previous: str | None = None) -> Reply:
    """Answer `message` (NLU's `intent`, the `previous` question of the conversation, if any)."""
    question = message
    if previous and (intent == "followup_municipality" or is_followup(message)):
        question = rewrite_followup(previous, message)
    answer = engine.answer(question, guidance=intent == "notification_help", strict=intent == "out_of_scope")
    return Reply(question, answer, is_acute_danger(message))


def domain_response(name: str, domain_file: Path = DOMAIN_FILE) -> dict[str, Any]:
    """The first variant of a `domain.yml` response as a message: `text` and `custom`."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    variant = domain["responses"][name][0]
    return {"text": variant.get("text", ""), "custom": variant.get("custom", {})}


def as_messages(reply: Reply) -> list[dict[str, Any]]:
    """The reply as the REST channel delivers it: messages with `text` and `custom`."""
    messages = [domain_response(EMERGENCY_RESPONSE)] if reply.emergency else []
    return [*messages, {"text": reply.answer.text, "custom": reply.answer.payload()}]
