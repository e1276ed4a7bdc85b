"""A SQL tracker store that fails loudly (loaded by the Rasa server, Python 3.10; endpoints.cluster.yml).

Rasa wraps every tracker store in `FailSafeTrackerStore`: when the database cannot be read it
logs an error and carries on with an EMPTY conversation, and what it cannot save it keeps in
process memory only. With PostgreSQL down, users would get answers without their context,
and those turns would never reach the database (or reach it out of step later). This store
makes a database failure an exception instead: Rasa stops handling the message, the input
channel logs it and replies `kind: error` (bot/rasa_server/channels.py), nothing is
half-stored, and once the database is back every conversation continues where it was.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store could not be read or written; the message is not handled."""


def _raise(_wrapper: FailSafeTrackerStore, error: Exception) -> None:
    logger.error("Tracker store unavailable, the message is not handled: %s", error)
    raise TrackerStoreUnavailable(f"tracker store unavailable: {error}") from error


class StrictSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore; a database error fails the message instead of falling back to memory."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The wrapper's error hooks raise (instead of logging and falling back). Set on the class:
        # Rasa builds the wrapper itself, and a process has exactly one tracker store.
        FailSafeTrackerStore.on_tracker_store_error = _raise  # type: ignore[method-assign]
        FailSafeTrackerStore.on_tracker_store_retrieve_error = _raise  # type: ignore[method-assign]
