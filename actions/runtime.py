"""The one `Engine` of the action server, created when the actions are loaded.

Loading at start-up (not on the first question) means a missing or broken index or
model stops the action server at once with a message naming the fix, instead of
failing users later.

Questions are answered one at a time, each on one thread (`BOT_QUERY_THREADS`): on a
busy machine OpenMP's extra threads (torch and FAISS share them) spin waiting for a
core and make a question about ten times slower (docs/benchmarks.md, load section).
"""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.index_store import IndexUnavailable
from bot.settings import get_settings

logger = logging.getLogger(__name__)


def _limit_threads(count: int) -> None:
    import faiss
    import torch

    torch.set_num_threads(count)
    faiss.omp_set_num_threads(count)


_limit_threads(get_settings().query_threads)
try:
    ENGINE = Engine(get_settings())
except (IndexUnavailable, RuntimeError) as error:
    raise SystemExit(f"Action server cannot start: {error}") from error
logger.info("Engine ready: %s chunks from %s", len(ENGINE.index.chunks), ENGINE.index.path)
