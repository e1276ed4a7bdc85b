"""Helpers for tests that read Rasa's tracker store (SQLite file or PostgreSQL) and run `python -m bot` on it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def run_cli(tracker_db: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` as an operator runs it, on the given tracker store file."""
    env = {key: value for key, value in os.environ.items() if key not in ("BOT_TRACKER_DB", "TRACKER_DB_URL")}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "TRACKER_DB": str(tracker_db)}, timeout=120)


def connect(tracker_db: Path) -> closing[sqlite3.Connection]:
    """A connection to the tracker store file that commits and closes at the end of a `with`."""
    return closing(sqlite3.connect(tracker_db, isolation_level=None))


def event_counts(tracker_db: Path, *senders: str) -> dict[str, int]:
    """How many events each sender has in the file."""
    with connect(tracker_db) as db:
        return {sender: db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
                for sender in senders}


class TrackerStore:
    """A tracker store under test, SQLite file or PostgreSQL database, read and changed with plain SQL.

    `files` lists the database files that hold the events (to check deleted text is gone).
    """

    def __init__(self, url: str, files: Callable[[], list[Path]]) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from bot.ops.tracker_db import with_driver

        self.url = url
        self.engine = create_engine(with_driver(make_url(url)), pool_pre_ping=True)  # survives a server restart
        self._files = files

    @classmethod
    def sqlite(cls, tracker_db: Path) -> "TrackerStore":
        return cls(f"sqlite:///{tracker_db}", lambda: [tracker_db])

    @property
    def kind(self) -> str:
        return self.engine.dialect.name

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """Run one statement (named parameters, `:name`) and commit; its rows, if any."""
        from sqlalchemy import text

        with self.engine.begin() as connection:
            result = connection.execute(text(sql), params or {})
            return [tuple(row) for row in result] if result.returns_rows else []

    def event_counts(self, *senders: str) -> dict[str, int]:
        """How many events each sender has."""
        return {sender: self.execute("SELECT COUNT(*) FROM events WHERE sender_id = :s", {"s": sender})[0][0]
                for sender in senders}

    def run_cli(self, *args: str) -> subprocess.CompletedProcess:
        """`python -m bot ARGS` on this store (TRACKER_DB for SQLite, TRACKER_DB_URL otherwise)."""
        if self.kind == "sqlite":
            return run_cli(Path(self.engine.url.database or ""), *args)
        env = {key: value for key, value in os.environ.items() if key not in ("BOT_TRACKER_DB", "TRACKER_DB")}
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                              env={**env, "TRACKER_DB_URL": self.url}, timeout=120)

    def stored_bytes(self) -> bytes:
        """The raw content of the files that hold the events (PostgreSQL: after a checkpoint)."""
        if self.kind == "postgresql":
            self.execute("CHECKPOINT")
        return b"".join(path.read_bytes() for path in self._files() if path.is_file())


def postgres_event_files(store: TrackerStore, data_dir: Path) -> list[Path]:
    """The files of the `events` table, its TOAST table and its indexes in a PostgreSQL data folder."""
    rows = store.execute(
        "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.relname = 'events' "
        "OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE relname = 'events') "
        "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'events'::regclass)")
    files = []
    for (relative,) in rows:
        base = data_dir / relative
        files += [base, *sorted(base.parent.glob(base.name + ".*"))]  # 1 GB segments
    return files
