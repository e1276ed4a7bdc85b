"""The consultant's to-do list from the tracker store: where the bot falls short.

Three lists, each grouped by normalised message text and counted, most frequent first:
- questions the bot declined (a bot message of kind `no_answer`, paired with the user
  message it answered);
- answers that got 👎 (the `feedback` slot set by `action_record_feedback`);
- user messages whose intent confidence was low (the NLU was unsure).
Each group keeps the turns before its latest message (`Group.before`), so a follow-up such as
"hvor meget sparede de?" is shown with the question it followed.
User text in the store is already masked by the input channels.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from bot.language.text import words
from bot.ops.tracker_db import StoredEvent

DECLINED, DISLIKED, UNSURE = "afvist", "tommel_ned", "lav_sikkerhed"
TITLES = {
    DECLINED: "Spørgsmål botten ikke kunne svare på",
    DISLIKED: "Svar der fik 👎",
    UNSURE: "Beskeder hvor botten var usikker på meningen (lav intent-sikkerhed)",
}
EVENT_TYPES = ("user", "bot", "slot")
FALLBACK_INTENT = "nlu_fallback"
UNKNOWN_QUESTION = "(ukendt spørgsmål)"
BEFORE_TURNS = 4  # turns of the conversation kept before a reported message
USER, BOT = "Bruger", "Bot"  # who said a turn, as the report shows it


@dataclass
class Group:
    """Messages with the same normalised text in one list."""

    text: str
    count: int = 0
    last_seen: float = 0.0
    detail: str = ""
    before: tuple[str, ...] = ()  # the turns before the latest message, "Bruger: ..." / "Bot: ..."


@dataclass
class Report:
    """The three lists, keyed by category and normalised text."""

    groups: dict[str, dict[str, Group]] = field(default_factory=lambda: {category: {} for category in TITLES})

    def add(self, category: str, text: str, timestamp: float, detail: str = "", before: tuple[str, ...] = ()) -> None:
        """Count one message; the group shows the latest wording, detail and turns before it."""
        key = " ".join(words(text)) or text.strip()
        group = self.groups[category].setdefault(key, Group(text.strip()))
        group.count += 1
        if timestamp >= group.last_seen:
            group.text, group.last_seen, group.detail, group.before = text.strip(), timestamp, detail, before

    def ranked(self, category: str) -> list[Group]:
        """One list's groups, most frequent (then most recent) first."""
        return sorted(self.groups[category].values(), key=lambda g: (-g.count, -g.last_seen, g.text))


def parse_since(text: str) -> float:
    """A date ('2026-11-01') or date and time ('2026-11-01T08:00') as Unix time (local time)."""
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise ValueError(f"ugyldig dato {text!r}: brug fx 2026-11-01") from None


def intent_confidence(parse_data: dict[str, Any]) -> tuple[str, float] | None:
    """The recognised intent and its confidence (behind `nlu_fallback`, the best real intent);
    None when the message was not classified."""
    intent = parse_data.get("intent") or {}
    if not intent.get("name"):
        return None
    if intent.get("name") == FALLBACK_INTENT:
        ranking = [i for i in parse_data.get("intent_ranking") or [] if i.get("name") != FALLBACK_INTENT]
        intent = max(ranking, key=lambda i: i.get("confidence") or 0.0, default={})
    return str(intent.get("name") or "?"), float(intent.get("confidence") or 0.0)


@dataclass
class _Conversation:
    """What the scan remembers of the conversation it is reading."""

    sender_id: str = ""
    question: str = ""
    question_time: float = 0.0
    declined: bool = False
    last_reply: str = ""
    reply_before_question: str = ""
    turns: list[str] = field(default_factory=list)  # the conversation so far, "Bruger: ..." / "Bot: ..."
    before_question: tuple[str, ...] = ()  # the turns before the latest user message

    def said(self, who: str, text: str) -> None:
        """Remember one turn (only the last few are kept)."""
        if text.strip():
            self.turns = [*self.turns[-(BEFORE_TURNS - 1):], f"{who}: {' '.join(text.split())}"]


def build_report(events: Iterable[StoredEvent], min_confidence: float) -> Report:
    """Scan events (grouped by conversation, in stored order) into the three lists."""
    report = Report()
    state = _Conversation()
    for stored in events:
        if stored.sender_id != state.sender_id:
            state = _Conversation(sender_id=stored.sender_id)
        data = stored.data
        if stored.type_name == "user":
            state.question, state.question_time, state.declined = data.get("text") or "", stored.timestamp, False
            state.reply_before_question = state.last_reply
            state.before_question = tuple(state.turns)
            state.said(USER, state.question)
            classified = intent_confidence(data.get("parse_data") or {})
            if classified and classified[1] < min_confidence:
                report.add(UNSURE, state.question, stored.timestamp, f"{classified[0]} ({classified[1]:.2f})",
                           state.before_question)
        elif stored.type_name == "bot":
            state.last_reply = data.get("text") or ""
            state.said(BOT, state.last_reply)
            custom = (data.get("data") or {}).get("custom") or {}
            if custom.get("kind") == "no_answer" and state.question and not state.declined:
                state.declined = True
                report.add(DECLINED, state.question, state.question_time, before=state.before_question)
        elif stored.type_name == "slot" and data.get("name") == "feedback":
            verdict = data.get("value") or {}
            if isinstance(verdict, dict) and verdict.get("value") == "down":
                report.add(DISLIKED, verdict.get("question") or UNKNOWN_QUESTION, stored.timestamp,
                           state.reply_before_question, state.before_question)
    return report


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _cell(text: str, limit: int = 300) -> str:
    """Text for one Markdown table cell: one line, no column breaks, not too long."""
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_markdown(report: Report, since: float | None = None) -> str:
    """The report as Markdown: one section with a table per list."""
    period = f" siden {_when(since)}" if since is not None else ""
    lines = [f"# Konsulentens huskeliste{period}", ""]
    for category, title in TITLES.items():
        groups = report.ranked(category)
        total = sum(group.count for group in groups)
        lines += [f"## {title}", "", f"Beskeder: {total}, forskellige: {len(groups)}.", ""]
        if not groups:
            continue
        lines += ["| Antal | Besked | Senest | Detaljer | Samtalen før |", "|---:|---|---|---|---|"]
        lines += [f"| {g.count} | {_cell(g.text)} | {_when(g.last_seen)} | {_cell(g.detail)} | "
                  f"{' / '.join(_cell(turn, 160) for turn in g.before)} |" for g in groups]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(report: Report) -> str:
    """The report as CSV, one row per group: kategori, antal, besked, senest, detaljer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kategori", "antal", "besked", "senest", "detaljer"])
    for category in TITLES:
        for group in report.ranked(category):
            writer.writerow([category, group.count, group.text, _when(group.last_seen), " ".join(group.detail.split())])
    return out.getvalue()
