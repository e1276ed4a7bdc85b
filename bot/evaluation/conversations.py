"""Whole conversations through the running bot, judged turn by turn (rules of tests/eval/README.md's
source, the shared eval README): later turns depend on what came before, so every turn of a
conversation is sent with one sender id, in order."""

from __future__ import annotations

import json
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.evaluation.chat import Messages, cites, reply_kinds, reply_sources, reply_text
from bot.evaluation.retrieval import normalise

Conversation = dict[str, Any]
# A decline when the bot gives no kind (the shared scorers' fallback).
_DECLINE_WORDS = ("ikke svare på", "kan jeg desværre ikke", "don't cover", "cannot answer")


def rest_conversation(url: str, timeout: float = 60) -> Callable[[str, str], Messages]:
    """A function sending one message of a conversation (sender id, text) to the REST channel."""
    endpoint = url.rstrip("/") + "/webhooks/rest/webhook"

    def send(sender: str, text: str) -> Messages:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(endpoint, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - local bot URL
            return json.loads(reply.read())

    return send


def turn_right(turn: dict[str, Any], messages: Messages) -> bool:
    """Whether the bot's messages are right for the turn's kind."""
    text, kinds = reply_text(messages), reply_kinds(messages)
    declined = "no_answer" in kinds or (not any(k != "None" for k in kinds) and any(w in text for w in _DECLINE_WORDS))
    facts = [normalise(f) for f in turn.get("facts") or []]
    kind = turn["kind"]
    if kind in ("factual", "guidance"):
        right = any(f in text for f in facts) and not declined
        return right and (not turn.get("sources") or cites(messages, turn["sources"], {}))
    if kind == "source":
        blob = text + " " + normalise(json.dumps(reply_sources(messages), ensure_ascii=False))
        return any(f in blob for f in facts)
    if kind == "decline":
        return declined
    if kind == "smalltalk":
        return bool(text.strip()) and not declined and not reply_sources(messages)
    if kind == "emergency":
        return "112" in text
    raise ValueError(f"unknown turn kind {kind!r}")


@dataclass
class ConversationResult:
    """Turns right, follow-up turns (all but the first) right, conversations wholly right, failures."""

    turns: list[int] = field(default_factory=lambda: [0, 0])
    followups: list[int] = field(default_factory=lambda: [0, 0])
    conversations: list[int] = field(default_factory=lambda: [0, 0])
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Accuracies and counts."""
        def share(pair: list[int]) -> float:
            return round(pair[0] / pair[1], 4) if pair[1] else 0.0
        return {"turn_accuracy": share(self.turns), "followup_accuracy": share(self.followups),
                "conversations_all_right": f"{self.conversations[0]}/{self.conversations[1]}",
                "turns": f"{self.turns[0]}/{self.turns[1]}", "failures": self.failures}


def evaluate_conversations(conversations: list[Conversation], send: Callable[[str, str], Messages]) -> ConversationResult:
    """Send each conversation's turns in order under one fresh sender id and judge every turn."""
    result = ConversationResult()
    for conversation in conversations:
        sender = f"eval-{uuid.uuid4().hex[:12]}-{conversation['id']}"
        all_right = True
        for number, turn in enumerate(conversation["turns"]):
            messages = send(sender, turn["user"])
            right = turn_right(turn, messages)
            result.turns[0] += right
            result.turns[1] += 1
            if number:
                result.followups[0] += right
                result.followups[1] += 1
            if not right:
                all_right = False
                result.failures.append({"id": conversation["id"], "turn": number, "user": turn["user"],
                                        "want": turn["kind"], "reply": reply_text(messages)[:240]})
        result.conversations[0] += all_right
        result.conversations[1] += 1
    return result
