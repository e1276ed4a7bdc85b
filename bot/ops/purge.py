"""Deleting conversations from the tracker store: after the retention period, or on request.

A conversation is every event of one `sender_id`; it is older than a cut-off when its LAST
event is, so a conversation still in use is never cut in half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Engine, delete, func, select

from bot.ops.tracker_db import EVENTS, reclaim

_AGE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'12h', '30d' or '2w' as a time span; raises ValueError on anything else."""
    match = _AGE.match(text.lower())
    if not match:
        raise ValueError(f"ugyldig alder {text!r}: brug fx 12h, 30d eller 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def older_than(cutoff: float) -> ColumnElement[bool]:
    """Events of the conversations whose last event is before `cutoff` (Unix time)."""
    old_senders = (select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
                   .having(func.max(EVENTS.c.timestamp) < cutoff))
    return EVENTS.c.sender_id.in_(old_senders)


def of_sender(sender_id: str) -> ColumnElement[bool]:
    """Every event of one conversation."""
    return EVENTS.c.sender_id == sender_id


@dataclass(frozen=True)
class PurgeResult:
    """What was (or, in a dry run, would be) deleted."""

    conversations: int
    events: int


def purge(engine: Engine, selection: ColumnElement[bool], dry_run: bool = False) -> PurgeResult:
    """Delete the selected events in one transaction (nothing in a dry run) and count them;
    then make the deleted rows unreadable in the database files (`reclaim`)."""
    with engine.begin() as connection:
        if dry_run:
            senders = connection.execute(select(EVENTS.c.sender_id).where(selection)).scalars().all()
        else:
            senders = connection.execute(delete(EVENTS).where(selection).returning(EVENTS.c.sender_id)).scalars().all()
    if senders and not dry_run:
        reclaim(engine)
    return PurgeResult(conversations=len(set(senders)), events=len(senders))
