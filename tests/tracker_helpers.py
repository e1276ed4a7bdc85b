"""Helpers for tests that read Rasa's SQLite tracker store and run `python -m bot` on it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

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
