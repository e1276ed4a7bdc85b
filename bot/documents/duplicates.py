"""Passages another document already holds: the same document in two formats (memo.pdf and memo.docx).

A document is a copy of another when nearly all of its word sequences (4 words, folded:
æ/ae alike, any case) occur in the other and the other's in it (an excerpt of a document, or a
document quoting a page of another, is no copy); then each of its passages that the other holds
nearly word for word, and with the same numbers and names, is left out of the index, so an
answer never shows a passage twice. Two documents naming different places (two municipalities'
reports from one template) are no copies, nor is a passage with other amounts.
Passages of its own (a cover page, an extra section) stay. Of two copies the one in the
cleaner format is kept (Markdown, text, Word, web page, PDF), then the first by name.
Candidates are found by the documents' smallest word-sequence hashes (a bottom-k sketch),
so a large corpus is not compared pair by pair.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np

from bot.language.entities import builtin_gazetteer, find_entities
from bot.language.text import folded_text
from bot.schema import Chunk

SHINGLE_WORDS = 4
SKETCH_SIZE = 32  # smallest shingle hashes kept per document
SKETCH_SHARED = 8  # sketch hashes two documents must share before they are compared in full
DOCUMENT_SHARE = 0.8  # share of each document's shingles the other must hold: the same document
PASSAGE_SHARE = 0.8  # share of a passage's shingles the other document must hold: left out
FORMAT_ORDER = (".md", ".txt", ".docx", ".html", ".htm", ".pdf")
_FACT_TOKEN = re.compile(r"\d[\d.,]*\d|\d|\b[A-ZÆØÅ][^\W\d_]*")  # numbers and capitalised words


@dataclass(frozen=True)
class Duplicate:
    """A document whose passages another document already holds."""

    file: str
    of: str  # the document kept
    left_out: tuple[str, ...]  # chunk ids not indexed
    passages: int  # the document's passages

    def warning(self) -> str:
        """What the consultant reads (Danish)."""
        return (f"samme indhold som {self.of}: {len(self.left_out)} af {self.passages} passager "
                "vises kun én gang (fra den anden fil)")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (for the index manifest)."""
        return {"of": self.of, "left_out": list(self.left_out), "passages": self.passages}

    @classmethod
    def from_dict(cls, file: str, data: Mapping[str, object]) -> "Duplicate":
        """Inverse of `to_dict`."""
        left_out = data.get("left_out", ())
        return cls(file, str(data["of"]), tuple(str(i) for i in left_out) if isinstance(left_out, list) else (),
                   int(str(data.get("passages", 0))))


def shingles(text: str) -> np.ndarray:
    """Sorted unique hashes of the text's word sequences (the whole text when it is shorter)."""
    tokens = folded_text(text).split()
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    count = max(1, len(tokens) - SHINGLE_WORDS + 1)
    hashes = [zlib.crc32(" ".join(tokens[i:i + SHINGLE_WORDS]).encode()) for i in range(count)]
    return np.unique(np.array(hashes, dtype=np.uint32))


def _facts(text: str) -> set[str]:
    """The numbers and capitalised words of a text, folded."""
    return {folded_text(token) for token in _FACT_TOKEN.findall(text)}


def _places(text: str) -> frozenset[str]:
    """The municipalities and regions a document names, those it calls "<Name> Kommune" included."""
    found = find_entities(text, builtin_gazetteer().extended([text]))
    return found.municipalities | found.regions


def _held(part: np.ndarray, whole: np.ndarray) -> float:
    """Share of `part`'s hashes that `whole` holds (both sorted and unique)."""
    if not len(part):
        return 0.0
    return len(np.intersect1d(part, whole, assume_unique=True)) / len(part)


def _preference(file: str) -> tuple[int, str]:
    suffix = PurePath(file).suffix.lower()
    return (FORMAT_ORDER.index(suffix) if suffix in FORMAT_ORDER else len(FORMAT_ORDER), file)


def find_duplicates(chunks_by_file: Mapping[str, Sequence[Chunk]]) -> dict[str, Duplicate]:
    """The documents (file name → `Duplicate`) with passages another document already holds."""
    kept: dict[str, np.ndarray] = {}
    sketches: dict[int, list[str]] = {}
    found: dict[str, Duplicate] = {}
    texts = {file: "\n".join(chunk.text for chunk in chunks) for file, chunks in chunks_by_file.items()}
    for file in sorted(chunks_by_file, key=_preference):
        chunks = chunks_by_file[file]
        whole = shingles(texts[file])
        sketch = whole[:SKETCH_SIZE]
        shared = Counter(other for value in sketch.tolist() for other in sketches.get(value, ()))
        needed = min(SKETCH_SHARED, max(1, len(sketch) // 2))
        candidates = [other for other, count in shared.most_common() if count >= needed]
        original = max(candidates, key=lambda other: _held(whole, kept[other]), default=None)
        if (original is not None and min(_held(whole, kept[original]), _held(kept[original], whole)) >= DOCUMENT_SHARE
                and _places(texts[file]) == _places(texts[original])):
            words = set(folded_text(texts[original]).split())
            left_out = tuple(chunk.chunk_id for chunk in chunks
                             if _held(shingles(chunk.text), kept[original]) >= PASSAGE_SHARE
                             and _facts(chunk.text) <= words)
            if left_out:
                found[file] = Duplicate(file, original, left_out, len(chunks))
                continue
        kept[file] = whole
        for value in sketch.tolist():
            sketches.setdefault(value, []).append(file)
    return found
