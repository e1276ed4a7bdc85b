"""Reading the corpus folder: documents and their metadata from `sources.yml`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.documents.readers import HEADING_LINE, SUPPORTED_SUFFIXES, UnreadableDocument, read_text
from bot.language.text import folded_text
from bot.schema import Document, SourceInfo

SOURCES_FILE = "sources.yml"
EXAMPLES_FILE = "examples.jsonl"  # example questions (bot/index/examples.py), not a document
TITLE_MAX_CHARS = 120


@dataclass(frozen=True)
class CorpusFile:
    """A file in the corpus folder with its content hash."""

    path: Path
    sha256: str


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_document(path: Path) -> bool:
    """A file a consultant put in the folder: not `sources.yml`, the example questions, hidden or an Office
    lock file."""
    return path.is_file() and path.name not in (SOURCES_FILE, EXAMPLES_FILE) and not path.name.startswith((".", "~$"))


def list_corpus_files(corpus_dir: Path) -> list[CorpusFile]:
    """Every readable-looking document in the corpus folder, sorted by name."""
    return [
        CorpusFile(path, file_sha256(path))
        for path in sorted(corpus_dir.iterdir())
        if is_document(path) and path.suffix.lower() in SUPPORTED_SUFFIXES
    ]


def unsupported_files(corpus_dir: Path) -> dict[str, str]:
    """The other files of the corpus folder, each with why it is not read."""
    supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return {
        path.name: f"filtypen {path.suffix or '(ingen)'!r} understøttes ikke (brug {supported})"
        for path in sorted(corpus_dir.iterdir())
        if is_document(path) and path.suffix.lower() not in SUPPORTED_SUFFIXES
    }


def _year(entry: dict[str, Any]) -> int | None:
    if entry.get("year"):
        return int(entry["year"])
    date = str(entry.get("date", ""))
    return int(date[:4]) if date[:4].isdigit() else None


def load_sources(corpus_dir: Path) -> dict[str, SourceInfo]:
    """Metadata per file name from `sources.yml` (empty when the file is missing)."""
    path = corpus_dir / SOURCES_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources: dict[str, SourceInfo] = {}
    for entry in data.get("documents", []):
        sources[entry["file"]] = SourceInfo(
            file=entry["file"],
            title=str(entry.get("title", entry["file"])),
            publisher=str(entry.get("publisher", "")),
            year=_year(entry),
            url=str(entry.get("url", "")),
            questions=tuple(str(question) for question in entry.get("questions") or ()),
            topics=tuple(str(topic) for topic in entry.get("topics") or ()),
            called=tuple(str(name) for name in entry.get("called") or ()),
        )
    return sources


_cache: dict[Path, tuple[float, dict[str, SourceInfo]]] = {}


def current_sources(corpus_dir: Path) -> dict[str, SourceInfo]:
    """`load_sources`, re-read only when `sources.yml` has changed (for the running bot)."""
    path = corpus_dir / SOURCES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_sources(corpus_dir))
        _cache[path] = cached
    return cached[1]


def _called(sources: Mapping[str, SourceInfo]) -> list[tuple[str, str]]:
    """(file, name folded) for every name a document is called by (`called` in sources.yml; blank ones left out)."""
    return [(file, folded_text(name)) for file, source in sources.items() for name in source.called if name.strip()]


def documents_named(text: str, sources: Mapping[str, SourceInfo]) -> frozenset[str]:
    """The files a text refers to by what people call them: "i DS' slides", "valgfolderen", "pressemeddelelsen"
    (a name inside a compound counts; with or without æ/ø/å)."""
    folded = folded_text(text)
    return frozenset(file for file, name in _called(sources) if name in folded)


def words_naming_documents(words: Iterable[str], sources: Mapping[str, SourceInfo]) -> tuple[str, ...]:
    """The words that name a document as `documents_named` finds them ("valgfolderen" for the folder)."""
    names = [name for _, name in _called(sources)]
    return tuple(word for word in words if any(name in folded_text(word) for name in names))


def fallback_title(path: Path, text: str) -> str:
    """A title for a file without metadata: its first heading, else its first line, else its name."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    heading = next((match.group(2) for match in map(HEADING_LINE.match, lines) if match), "")
    candidate = heading or (lines[0] if lines else "")
    return candidate if len(candidate) <= TITLE_MAX_CHARS and candidate else path.stem


def fallback_source(path: Path, text: str) -> SourceInfo:
    """Metadata for a file without a `sources.yml` entry: a title only (see `fallback_title`)."""
    return SourceInfo(file=path.name, title=fallback_title(path, text))


def load_document(path: Path, sources: dict[str, SourceInfo]) -> Document:
    """Read one corpus file; raises `UnreadableDocument` with the reason on failure."""
    text = read_text(path)
    source = sources.get(path.name) or fallback_source(path, text)
    return Document(source=source, text=text)


__all__ = [
    "CorpusFile",
    "UnreadableDocument",
    "file_sha256",
    "list_corpus_files",
    "load_document",
    "current_sources",
    "load_sources",
    "unsupported_files",
]
