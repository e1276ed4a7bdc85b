"""What the bot missed: the consultants' report (`bot.ops.report`) for a date range, the
numbers per day behind its charts, and its CSV download."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable

from bot.ops.report import DECLINED, DISLIKED, EVENT_TYPES, TITLES, UNSURE, Report, build_report
from bot.ops.tracker_db import StoredEvent, TrackerStoreUnavailable, iter_events, open_store
from bot.settings import Settings

CATEGORIES = (DECLINED, DISLIKED, UNSURE)


@dataclass
class Day:
    """One day's counts for the charts."""

    day: str
    messages: int = 0
    declined: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0

    @property
    def declined_percent(self) -> float:
        """Declined questions as a share of the day's messages, in percent."""
        return round(100 * self.declined / self.messages, 1) if self.messages else 0.0


@dataclass
class Missed:
    """The report and the daily counts for one date range."""

    report: Report
    days: list[Day] = field(default_factory=list)
    error: str = ""  # why the tracker store could not be read


def parse_day(text: str | None) -> date | None:
    """A date from a filter field ('2026-11-01'); None when empty; ValueError when not a date."""
    return date.fromisoformat(text.strip()) if text and text.strip() else None


def daily_counts(events: Iterable[StoredEvent]) -> list[Day]:
    """Messages, declined questions and 👍/👎 per day (local time), oldest day first."""
    days: dict[str, Day] = {}
    declined_turn: dict[str, bool] = defaultdict(bool)  # per conversation: the last question is counted declined
    for stored in events:
        day = days.setdefault(datetime.fromtimestamp(stored.timestamp).date().isoformat(),
                              Day(datetime.fromtimestamp(stored.timestamp).date().isoformat()))
        if stored.type_name == "user":
            day.messages += 1
            declined_turn[stored.sender_id] = False
        elif stored.type_name == "bot":
            kind = ((stored.data.get("data") or {}).get("custom") or {}).get("kind")
            if kind == "no_answer" and not declined_turn[stored.sender_id]:
                declined_turn[stored.sender_id] = True
                day.declined += 1
        elif stored.type_name == "slot" and stored.data.get("name") == "feedback":
            value = (stored.data.get("value") or {})
            verdict = value.get("value") if isinstance(value, dict) else None
            day.thumbs_up += verdict == "up"
            day.thumbs_down += verdict == "down"
    return [days[key] for key in sorted(days)]


def _bounds(since: date | None, until: date | None) -> tuple[float | None, float | None]:
    start = datetime.combine(since, time.min).timestamp() if since else None
    end = datetime.combine(until + timedelta(days=1), time.min).timestamp() if until else None
    return start, end


def load_missed(settings: Settings, since: date | None, until: date | None, min_confidence: float | None = None) -> Missed:
    """The report and daily counts of the conversations between `since` and `until` (whole days)."""
    try:
        engine = open_store(settings.tracker_db_url)
    except TrackerStoreUnavailable as error:
        return Missed(Report(), [], str(error))
    start, end = _bounds(since, until)
    try:
        events = [e for e in iter_events(engine, EVENT_TYPES, start) if end is None or e.timestamp < end]
    finally:
        engine.dispose()
    threshold = settings.report_min_confidence if min_confidence is None else min_confidence
    return Missed(build_report(events, threshold), daily_counts(events))


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (user text may start with "=")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Report) -> str:
    """The report as CSV with the turns before each message: kategori, antal, besked, senest,
    detaljer, samtalen_foer (turns joined by " / ")."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kategori", "antal", "besked", "senest", "detaljer", "samtalen_foer"])
    for category in TITLES:
        for group in report.ranked(category):
            writer.writerow([category, group.count, _cell(group.text),
                             datetime.fromtimestamp(group.last_seen).strftime("%Y-%m-%d %H:%M"),
                             _cell(" ".join(group.detail.split())), _cell(" / ".join(group.before))])
    return out.getvalue()
