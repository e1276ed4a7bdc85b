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
    dense_weight: float = 0.6

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the `BOT_*` environment variables, falling back to project defaults."""
        return cls(
            corpus_dir=_path("BOT_CORPUS_DIR", PROJECT_ROOT / "corpus"),
            index_dir=_path("BOT_INDEX_DIR", PROJECT_ROOT / "index"),
            model_cache_dir=_path("BOT_MODEL_CACHE", PROJECT_ROOT / ".cache" / "models"),
            tracker_db=_path("BOT_TRACKER_DB", PROJECT_ROOT / "tracker.db"),
            top_k=int(os.environ.get("BOT_TOP_K", "5")),
            dense_weight=float(os.environ.get("BOT_DENSE_WEIGHT", "0.6")),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()
