"""Editing `corpus/sources.yml` from the console, keeping its comments, order and quoting.

Only the fields the console's form has are written; other keys of an entry (`slug`, `kind`,
`month`, ...) stay as they are. The file is replaced atomically.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.documents.corpus import SOURCES_FILE
from bot.schema import DocumentReference

_lock = threading.Lock()


@dataclass(frozen=True)
class Metadata(DocumentReference):
    """What the console's form says about one document: its reference, topics, what people call it and example
    questions."""

    topics: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    called: tuple[str, ...] = ()


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quotes survive
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _load(path: Path) -> Any:
    data = _yaml().load(path.read_text(encoding="utf-8")) if path.exists() else None
    if data is None:
        data = CommentedMap()
    if data.get("documents") is None:
        data["documents"] = CommentedSeq()
    return data


def _dump(path: Path, data: Any) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        _yaml().dump(data, handle)
    os.replace(temporary, path)


def _flow(items: tuple[str, ...]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _set(entry: CommentedMap, key: str, value: Any) -> None:
    """Set a key, or drop it when the form left it empty."""
    if value in (None, "", ()):
        entry.pop(key, None)
    elif key == "questions":
        entry[key] = CommentedSeq(value)
    elif key in ("topics", "called"):
        entry[key] = _flow(value)
    else:
        entry[key] = value


def save_metadata(corpus_dir: Path, metadata: Metadata) -> None:
    """Add the document's entry to `sources.yml`, or update the form's fields of an existing one."""
    path = corpus_dir / SOURCES_FILE
    with _lock:
        data = _load(path)
        entry = next((e for e in data["documents"] if e.get("file") == metadata.file), None)
        if entry is None:
            entry = CommentedMap(file=metadata.file)
            data["documents"].append(entry)
        for key in ("title", "publisher", "year", "url", "topics", "called", "questions"):
            _set(entry, key, getattr(metadata, key))
        _dump(path, data)


def remove_metadata(corpus_dir: Path, file: str) -> bool:
    """Remove the document's entry from `sources.yml`; whether there was one."""
    path = corpus_dir / SOURCES_FILE
    with _lock:
        if not path.exists():
            return False
        data = _load(path)
        documents = data["documents"]
        for position, entry in enumerate(documents):
            if entry.get("file") == file:
                del documents[position]
                _dump(path, data)
                return True
    return False
