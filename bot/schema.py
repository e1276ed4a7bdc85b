"""The values that flow through the pipeline: documents, chunks, hits, and the answer contract.

Standard library only: the Rasa server (Python 3.10) builds its notices from `Answer` too."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class DocumentReference:
    """What names a corpus document in a citation: its file and metadata."""

    file: str
    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""


@dataclass(frozen=True)
class SourceInfo(DocumentReference):
    """Metadata about one corpus file, from `corpus/sources.yml`."""

    # Example questions the document answers (offered as buttons after an answer from it);
    # not part of the metadata an ingest compares, so editing them re-embeds nothing.
    questions: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # What the document is about, in a few words (the decline text names them); not compared either.
    topics: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # What people call the document ("slides", "valgfolder"): a question naming it prefers its passages. Not compared.
    called: tuple[str, ...] = field(default=(), repr=False, compare=False)


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


class AnswerKind(str, Enum):
    """What a bot message is (`custom.kind` of the answer contract)."""

    ANSWER = "answer"  # a cited extract from the documents
    NO_ANSWER = "no_answer"  # declined: the documents do not cover the question
    SMALLTALK = "smalltalk"
    GUIDANCE = "guidance"  # guidance for a professional worried about a child
    EMERGENCY = "emergency"  # a child in acute danger: act now, 112
    CLARIFY = "clarify"  # the bot asks back
    ERROR = "error"  # something failed or the input was unusable; said plainly
    NOTICE = "notice"  # e.g. personal data was removed from the message


class DeclineReason(str, Enum):
    """Why the answer decision declined a question (logged, and shown to consultants)."""

    NO_PASSAGES = "no passages"
    PLACE_OR_YEAR = "no passage speaks of the municipality, organisation or year asked about"
    LEGAL = "no passage states the rule of law asked about"
    NO_SUBJECT = "the message has no subject words"
    NOT_CLOSE = "no passage is close enough to the question"
    UNKNOWN_NAME = "the question names something the documents do not"
    QUOTE_MISSING = "no passage names what the question quotes"
    MUNICIPALITIES_MISSING = "no passage names the municipalities asked about"
    AMOUNT_MISSING = "no passage states the amount asked about"
    COUNT_MISSING = "no passage states the count asked about"
    SECTION_MISSING = "the documents list the section asked about, but not its text"
    EMPTY = "the message has no words"
    NOTHING_MORE = "the documents of the earlier answer hold nothing more on it"


@dataclass(frozen=True)
class Source(DocumentReference):
    """One cited document of an answer (`custom.sources[i]` of the answer contract)."""

    passage: str = ""  # the cited excerpt
    score: float = 0.0

    @classmethod
    def of(cls, chunk: Chunk, passage: str, score: float) -> "Source":
        """The source entry for an excerpt of `chunk`."""
        return cls(chunk.file, chunk.title, chunk.publisher, chunk.year, chunk.url, passage, round(score, 4))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Source":
        """Inverse of `to_dict` (unknown keys ignored, missing ones defaulted)."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class Answer:
    """What the bot says: text plus the answer contract's payload.

    `reason` says why the decision declined (None when it did not); it is not sent."""

    kind: AnswerKind
    text: str
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    reason: DeclineReason | None = None

    def payload(self) -> dict[str, Any]:
        """The `custom` payload of the answer contract (see docs/architecture.md)."""
        return {
            "kind": self.kind.value,
            "text": self.text,
            "sources": [source.to_dict() for source in self.sources],
            "confidence": round(self.confidence, 4),
        }

    def message(self, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """The answer as one channel message: `text`, `custom` and (when any) `buttons`."""
        message: dict[str, Any] = {"text": self.text, "custom": self.payload()}
        return {**message, "buttons": buttons} if buttons else message

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "Answer":
        """An answer from its `custom` payload (as kept in the `last_answer` slot)."""
        return cls(AnswerKind(payload.get("kind", AnswerKind.ANSWER.value)), str(payload.get("text", "")),
                   [Source.from_dict(s) for s in payload.get("sources") or []], float(payload.get("confidence", 0.0)))
