"""Access to Rasa's SQL tracker store: the `events` table, in SQLite or PostgreSQL.

Rasa (`SQLTrackerStore`) keeps every conversation as rows of one table; a conversation is
all rows with the same `sender_id`. Only SQLAlchemy Core and plain SQL are used here, so
the same code runs on the default SQLite file and on a production PostgreSQL server
(`postgresql://...` URLs use the psycopg 3 driver of this environment).

Deleted rows must not linger where they can be read back: SQLite overwrites them
(`secure_delete`); PostgreSQL only marks them dead, so `reclaim` rewrites the table after a
purge (`VACUUM FULL`, which also rebuilds its indexes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url

# The columns of Rasa 3.6's `SQLTrackerStore.SQLEvent` (rasa/core/tracker_store.py).
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class TrackerStoreUnavailable(Exception):
    """The tracker store cannot be read: no such file, or no `events` table."""


@dataclass(frozen=True)
class StoredEvent:
    """One row of the `events` table, with its JSON `data` decoded."""

    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any]


def _secure_delete(dbapi_connection: Any, _record: Any) -> None:
    """SQLite overwrites deleted rows with zeros, so purged text does not linger in the file."""
    dbapi_connection.execute("PRAGMA secure_delete = ON")


def with_driver(parsed: URL) -> URL:
    """A PostgreSQL URL without a driver gets psycopg 3 (SQLAlchemy's default, psycopg2, is not installed here)."""
    return parsed.set(drivername="postgresql+psycopg") if parsed.drivername == "postgresql" else parsed


def open_store(url: str) -> Engine:
    """An engine on an existing tracker store; raises `TrackerStoreUnavailable` otherwise.

    A missing SQLite file is reported instead of silently created.
    """
    parsed = with_driver(make_url(url))
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and not (parsed.database and Path(parsed.database).is_file()):
        raise TrackerStoreUnavailable(f"ingen samtaledatabase: {parsed.database} findes ikke")
    engine = create_engine(parsed, pool_pre_ping=not sqlite)
    if sqlite:
        event.listen(engine, "connect", _secure_delete)
    if not inspect(engine).has_table(EVENTS.name):
        engine.dispose()
        raise TrackerStoreUnavailable(f"ingen tabel '{EVENTS.name}' i {parsed.render_as_string(hide_password=True)}")
    return engine


def iter_events(engine: Engine, types: tuple[str, ...], since: float | None = None) -> Iterator[StoredEvent]:
    """The events of the given types, conversation by conversation, each in stored order."""
    query = select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data).where(
        EVENTS.c.type_name.in_(types))
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since)
    query = query.order_by(EVENTS.c.sender_id, EVENTS.c.id)
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=1000).execute(query):
            yield StoredEvent(row.sender_id, row.type_name, row.timestamp or 0.0, json.loads(row.data or "{}"))


def reclaim(engine: Engine) -> None:
    """After deleting events: make sure the deleted rows are gone from the database files.

    SQLite already overwrote them (`secure_delete`). PostgreSQL keeps dead rows in the table's
    pages until they are vacuumed, so the table and its indexes are rewritten (`VACUUM FULL`:
    it locks the table for the moment it takes, well under a second for a small store).
    Copies in the write-ahead log and in backups age out on their own schedule
    (docs/deployment.md).
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM FULL {EVENTS.name}"))
