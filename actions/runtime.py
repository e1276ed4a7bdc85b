"""The one `Engine` of the action server, built on first use (or set by tests with `use_engine`).

`actions/server.py` builds it before serving, so a missing or broken index or model stops the
action server at once with a message naming the fix, instead of failing users later; importing
the actions loads no model and no index, so unit tests can hand them an engine over a small
fixture index.

Questions are answered one at a time, each on one thread (`BOT_QUERY_THREADS`): on a
busy machine OpenMP's extra threads (FAISS) spin waiting for a core and make a question
about ten times slower (docs/benchmarks.md, load section).
"""

from __future__ import annotations

import logging
import threading

from bot.index.store import IndexUnavailable
from bot.qa.engine import Engine
from bot.settings import get_settings

logger = logging.getLogger(__name__)
_engine: Engine | None = None
_lock = threading.Lock()


class EngineUnavailable(SystemExit):
    """The engine cannot be built (no index, or one built with another model)."""


def _limit_threads(count: int) -> None:
    import faiss

    faiss.omp_set_num_threads(count)


def use_engine(engine: Engine | None) -> None:
    """Answer with `engine` from now on (None: build the real one again on next use)."""
    global _engine
    _engine = engine


def engine() -> Engine:
    """The action server's engine, built from the settings on first use."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                settings = get_settings()
                _limit_threads(settings.query_threads)
                try:
                    _engine = Engine(settings)
                except (IndexUnavailable, RuntimeError) as error:
                    raise EngineUnavailable(f"Action server cannot start: {error}") from error
                logger.info("Engine ready: %s chunks from %s", len(_engine.index.chunks), _engine.index.path)
    return _engine
