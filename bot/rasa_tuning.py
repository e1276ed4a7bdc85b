"""Two per-message costs of the Rasa 3.6 server removed (loaded by the Rasa server, Python 3.10).

Measured with the load benchmark (docs/benchmarks.md, load section); `install()` is called
by the input channels in `bot/channels.py` when Rasa sets them up:

- Rasa validates every action server response with `jsonschema.validate`, which checks
  the schema itself against the 2020-12 meta-schema each time: ~20 ms of CPU per custom
  action on this machine, against ~0.3 ms for the same validation with a validator built
  once. The replacement validates against the same schema, with the same validator
  class and the same error.
- The SQLite tracker store commits every message with several `fsync`s (rollback
  journal, `synchronous=FULL`) while Rasa's event loop waits. Write-ahead logging with
  `synchronous=NORMAL` writes a commit without waiting for the disk: a killed server
  loses nothing that was committed, and the file is never corrupted; only a power cut
  can lose the last commits. Other databases (PostgreSQL) are left alone.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, Text

_installed = False


def install() -> None:
    """Apply both changes once per process."""
    global _installed
    if _installed:
        return
    _validate_action_responses_with_one_validator()
    _use_write_ahead_log_for_sqlite()
    _installed = True


def _validate_action_responses_with_one_validator() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        return original(self, result)  # Rasa's own message and exception for an invalid response

    RemoteAction._validate_action_result = validate_action_result


def _use_write_ahead_log_for_sqlite() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def on_connect(connection: Any, _record: Any) -> None:
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    event.listen(Engine, "connect", on_connect)
