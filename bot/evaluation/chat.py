"""End-to-end evaluation through the running bot's REST channel (rules of shared/eval/README.md)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.evaluation.retrieval import normalise

Messages = list[dict[str, Any]]


def rest_sender(url: str, timeout: float = 60) -> Callable[[str], Messages]:
    """A function that sends one question as a fresh conversation and returns the bot's messages."""
    endpoint = url.rstrip("/") + "/webhooks/rest/webhook"

    def send(question: str) -> Messages:
        body = json.dumps({"sender": f"eval-{uuid.uuid4().hex}", "message": question}).encode()
        request = urllib.request.Request(endpoint, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - local bot URL
            return json.loads(reply.read())

    return send


def reply_text(messages: Messages) -> str:
    """The normalised text of the bot's messages; button titles are suggestions, not the answer."""
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        custom = message.get("custom") or {}
        parts.append(str(custom.get("text") or ""))
    return normalise(" ".join(parts))


def reply_kinds(messages: Messages) -> list[str]:
    return [str((m.get("custom") or {}).get("kind")) for m in messages]


def reply_sources(messages: Messages) -> list[dict[str, Any]]:
    return [s for m in messages for s in ((m.get("custom") or {}).get("sources") or [])]


def cites(messages: Messages, gold_sources: list[str], titles: dict[str, tuple[str, str]]) -> bool:
    if any(s.get("file") in gold_sources for s in reply_sources(messages)):
        return True
    text = reply_text(messages)
    return any(normalise(part) in text for f in gold_sources for part in titles.get(f, ()) if part)


def judge(item: dict[str, Any], messages: Messages, titles: dict[str, tuple[str, str]]) -> tuple[bool, str]:
    """(correct, why) for one question and the bot's messages."""
    kind, text, kinds = item["kind"], reply_text(messages), reply_kinds(messages)
    if kind in ("factual", "notification_guidance"):
        has_fact = any(normalise(f) in text for f in item.get("gold_facts", []))
        cited = cites(messages, item.get("gold_sources", []), titles)
        if "no_answer" in kinds:
            return False, "declined"
        return has_fact and cited, "ok" if has_fact and cited else f"fact={has_fact} source={cited}"
    if kind == "out_of_scope":
        accepted = any(normalise(f) in text for f in item.get("accept_facts", []) or [])
        declined = "no_answer" in kinds and "answer" not in kinds
        return declined or accepted, "ok" if declined or accepted else f"answered ({kinds})"
    if kind == "emergency":
        ok = "emergency" in kinds and "112" in text and ("kommun" in text or "socialvagt" in text)
        return ok, "ok" if ok else f"kinds={kinds}"
    ok = bool(messages) and not reply_sources(messages) and "no_answer" not in kinds
    return ok, "ok" if ok else f"kinds={kinds}"


@dataclass
class ChatEvalResult:
    """Per-kind accuracy, wrongly declined answerable questions, and the failures."""

    per_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    wrongly_declined: tuple[int, int] = (0, 0)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> float:
        """Share of all questions answered correctly."""
        right = sum(r for r, _ in self.per_kind.values())
        total = sum(n for _, n in self.per_kind.values())
        return right / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        answerable = [self.per_kind.get(k, (0, 0)) for k in ("factual", "notification_guidance")]
        right, total = sum(r for r, _ in answerable), sum(n for _, n in answerable)
        return {
            "overall": round(self.overall, 4),
            "factual+guidance": round(right / total, 4) if total else None,
            "per_kind": {k: {"correct": r, "total": n, "accuracy": round(r / n, 4)} for k, (r, n) in self.per_kind.items()},
            "wrongly_declined": {"count": self.wrongly_declined[0], "of": self.wrongly_declined[1]},
            "failures": self.failures,
        }


def evaluate_chat(items: list[dict[str, Any]], send: Callable[[str], Messages],
                  titles: dict[str, tuple[str, str]]) -> ChatEvalResult:
    """Send every question as a fresh conversation and judge the replies."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    declined, answerable = 0, 0
    failures = []
    for item in items:
        messages = send(item["question"])
        ok, why = judge(item, messages, titles)
        counts[item["kind"]][0] += int(ok)
        counts[item["kind"]][1] += 1
        if item["kind"] in ("factual", "notification_guidance"):
            answerable += 1
            declined += int("no_answer" in reply_kinds(messages))
        if not ok:
            failures.append({"id": item["id"], "kind": item["kind"], "question": item["question"], "why": why,
                             "reply": " | ".join((m.get("text") or "")[:200] for m in messages)})
    return ChatEvalResult({k: (v[0], v[1]) for k, v in counts.items()}, (declined, answerable), failures)
