"""The one `Engine` of the action server, created when the actions are loaded.

Loading at start-up (not on the first question) means a missing or broken index or
model stops the action server at once with a message naming the fix, instead of
failing users later.
"""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.index_store import IndexUnavailable
from bot.settings import get_settings

logger = logging.getLogger(__name__)

try:
    ENGINE = Engine(get_settings())
except (IndexUnavailable, RuntimeError) as error:
    raise SystemExit(f"Action server cannot start: {error}") from error
logger.info("Engine ready: %s chunks from %s", len(ENGINE.index.chunks), ENGINE.index.path)
