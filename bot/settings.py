"""All configuration of the `bot` package, read once from environment variables.

Every knob lives here; other modules receive a `Settings` value instead of reading the
environment themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_EVAL_FILE = PROJECT_ROOT / "tests" / "eval" / "dev.jsonl"  # the team's dev question set (copied from shared/eval)


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build with `Settings.from_env()` or `get_settings()`."""

    corpus_dir: Path
    index_dir: Path
    model_cache_dir: Path
    tracker_db: Path
    top_k: int = 5
    tracker_db_url: str = ""  # SQLAlchemy URL of Rasa's tracker store; default: the SQLite file
    retention: str = "30d"  # conversations are purged this long after their last message
    report_min_confidence: float = 0.5  # user messages below this intent confidence are reported
    dev_eval_file: Path = DEV_EVAL_FILE
    query_threads: int = 1  # ONNX Runtime and FAISS threads per query in the action server
    # NLU alone (no danger words found) must be this sure before a message gets the emergency advice.
    acute_min_confidence: float = 0.8

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the `BOT_*` environment variables, falling back to project defaults."""
        # The Rasa server's `TRACKER_DB` (endpoints.yml) unless the bot's own variable is set.
        tracker_db = _path("BOT_TRACKER_DB", _path("TRACKER_DB", PROJECT_ROOT / "tracker.db"))
        return cls(
            corpus_dir=_path("BOT_CORPUS_DIR", PROJECT_ROOT / "corpus"),
            index_dir=_path("BOT_INDEX_DIR", PROJECT_ROOT / "index"),
            model_cache_dir=_path("BOT_MODEL_CACHE", PROJECT_ROOT / ".cache" / "models"),
            tracker_db=tracker_db,
            top_k=int(os.environ.get("BOT_TOP_K", "5")),
            tracker_db_url=os.environ.get("TRACKER_DB_URL", f"sqlite:///{tracker_db}"),
            retention=os.environ.get("BOT_RETENTION", "30d"),
            report_min_confidence=float(os.environ.get("BOT_REPORT_MIN_CONFIDENCE", "0.5")),
            dev_eval_file=_path("BOT_DEV_EVAL", DEV_EVAL_FILE),
            query_threads=int(os.environ.get("BOT_QUERY_THREADS", "1")),
            acute_min_confidence=float(os.environ.get("BOT_ACUTE_MIN_CONFIDENCE", "0.8")),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()
