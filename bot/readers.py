"""Turning a corpus file into plain text, by format."""

from __future__ import annotations

from pathlib import Path


class UnreadableDocument(Exception):
    """A corpus file that cannot be turned into text; the message says why."""


def _read_plain(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"not valid UTF-8 text ({error.reason} at byte {error.start})") from error


READERS = {".txt": _read_plain, ".md": _read_plain}
SUPPORTED_SUFFIXES = frozenset(READERS)


def read_text(path: Path) -> str:
    """The text of a corpus file; raises `UnreadableDocument` when it has none."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(f"unsupported file type {path.suffix!r}")
    try:
        text = reader(path)
    except OSError as error:
        raise UnreadableDocument(f"cannot open file ({error.strerror})") from error
    if not text.strip():
        raise UnreadableDocument("no text in file")
    return text
