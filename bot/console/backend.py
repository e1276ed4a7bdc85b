"""What the console's pages work with: the bot's settings, one embedding model shared by the
answer engine and ingest (loaded on first use), the background ingest and Rasa training."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from bot.console.config import ConsoleConfig
from bot.console.ingest_job import IngestJob
from bot.console.training import RasaServer, TrainingJob
from bot.qa.engine import Engine
from bot.settings import Settings


@dataclass
class Backend:
    """Settings plus lazily built heavy parts; one per console process."""

    settings: Settings
    config: ConsoleConfig
    _embedder: Any = None
    _engine: Engine | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    ingest: IngestJob = field(init=False)
    training: TrainingJob = field(init=False)

    def __post_init__(self) -> None:
        self.ingest = IngestJob(self.settings.corpus_dir, self.settings.index_dir, self.embedder)
        self.training = TrainingJob(self.config.project_dir, RasaServer(self.config.rasa_url, self.config.rasa_token))

    def embedder(self) -> Any:
        """The embedding model (ONNX), loaded once."""
        with self._lock:
            if self._embedder is None:
                from bot.embedding.embedder import load_embedder  # heavy: ONNX Runtime and the model

                self._embedder = load_embedder(self.settings.model_cache_dir, query_threads=self.settings.query_threads)
            return self._embedder

    def engine(self) -> Engine:
        """The answer engine over the current index (it follows new builds by itself)."""
        embedder = self.embedder()
        with self._lock:
            if self._engine is None:
                self._engine = Engine(self.settings, encoder=embedder)
            return self._engine
