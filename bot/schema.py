"""The values that flow through the pipeline: documents, chunks, hits, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceInfo:
    """Metadata about one corpus file, from `corpus/sources.yml`."""

    file: str
    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""
    # Example questions the document answers (offered as buttons after an answer from it);
    # not part of the metadata an ingest compares, so editing them re-embeds nothing.
    questions: tuple[str, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Document:
    """A corpus file's cleaned text with its metadata."""

    source: SourceInfo
    text: str


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: the unit that is indexed, retrieved and cited."""

    chunk_id: str
    file: str
    title: str
    publisher: str
    year: int | None
    url: str
    position: int
    text: str
    heading: str = ""
    page: int | None = None
    sentences: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        """Inverse of `to_dict`."""
        return cls(**{**data, "sentences": tuple(data.get("sentences", ()))})

    @property
    def embedding_text(self) -> str:
        """What the dense model sees: the document title gives the passage its context."""
        return f"{self.title}. {self.text}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused relevance score and component scores."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    rank: int = 0
    row: int = -1

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-ready dict (as printed by `python -m bot search --json`)."""
        return {
            "file": self.chunk.file,
            "title": self.chunk.title,
            "publisher": self.chunk.publisher,
            "year": self.chunk.year,
            "url": self.chunk.url,
            "chunk_id": self.chunk.chunk_id,
            "passage": self.chunk.text,
            "score": round(self.score, 4),
            "dense": round(self.dense, 4),
            "lexical": round(self.lexical, 4),
        }


@dataclass
class Answer:
    """What the bot says to a question: text plus the answer contract's payload."""

    kind: str
    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0

    def payload(self) -> dict[str, Any]:
        """The `custom` payload of the answer contract (see DESIGN.md)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "sources": self.sources,
            "confidence": round(self.confidence, 4),
        }
