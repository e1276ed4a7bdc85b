"""The on-disk index: versioned build folders and an atomically swapped `current` link.

Layout under the index folder:

    current -> builds/<build id>        (a relative symlink, replaced atomically)
    builds/<build id>/manifest.json     model id, files and their hashes, counts, build time
    builds/<build id>/chunks.jsonl      one `Chunk` a line, row order = vector ids
    builds/<build id>/vectors.npy       the passage embeddings (reused by incremental ingest)
    builds/<build id>/sentences.npy     one embedding per sentence of every chunk, in order
    builds/<build id>/dense.faiss       the FAISS index
    builds/<build id>/bm25/             the BM25 index
    builds/<build id>/set_aside.jsonl   chunks left out as copies of another document's (not indexed)
    builds/<build id>/examples.jsonl    example questions and the rows they point to (bot/index/examples.py)
    builds/<build id>/examples.npy      their query embeddings

Readers open `current`; a writer prepares a new build folder completely and then swaps
the link, so an interrupted build never damages the index in use.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from bot.index.bm25 import LexicalIndex
from bot.index.examples import ExampleBank
from bot.index.vectors import build_vector_index, index_type_of, load_vector_index, save_vector_index
from bot.language.analysis import ANALYSER_VERSION, content_sentences, content_text
from bot.language.entities import Gazetteer, corpus_gazetteer, find_entities, use_gazetteer
from bot.language.subject_terms import SubjectTerms
from bot.schema import Chunk

CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
SET_ASIDE = "set_aside.jsonl"
EXAMPLES = "examples.jsonl"
EXAMPLE_VECTORS = "examples.npy"
KEEP_BUILDS = 2
FORMAT_VERSION = 1


class IndexUnavailable(Exception):
    """The index is missing or unusable; the message names the fix."""


@dataclass
class LoadedIndex:
    """Everything search needs, loaded from one build folder."""

    path: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    dense: Any
    lexical: LexicalIndex
    examples: ExampleBank = field(default_factory=ExampleBank.empty)
    sentence_start: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        counts = np.array([len(chunk.sentences) for chunk in self.chunks], dtype=np.int64)
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts

    @cached_property
    def document_years(self) -> dict[str, frozenset[int]]:
        """The years each file's text mentions (for checking a year asked about)."""
        years: dict[str, set[int]] = {}
        for chunk in self.chunks:
            years.setdefault(chunk.file, set()).update(find_entities(chunk.text).years)
        return {file: frozenset(found) for file, found in years.items()}

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """The places and organisations known: Denmark's municipalities and regions, the built-in
        organisations, and what the documents name ("Egebæk Kommune", their publishers)."""
        return corpus_gazetteer(self.chunks)

    @cached_property
    def publishers(self) -> frozenset[str]:
        """The organisations that publish the documents, as questions name them ("KL", "VIVE")."""
        return frozenset().union(*(find_entities(p).organisations for p in {chunk.publisher for chunk in self.chunks}))

    @cached_property
    def content_mask(self) -> np.ndarray:
        """For each row of `sentence_vectors`: whether the sentence says something of its own
        (`bot.language.analysis.content_sentences`), computed once per index."""
        masks = [content_sentences(chunk) for chunk in self.chunks]
        return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)

    @cached_property
    def subject_terms(self) -> SubjectTerms:
        """Term statistics of the passages (for weighing a question's subject words)."""
        return SubjectTerms.from_texts([chunk.text for chunk in self.chunks])

    @cached_property
    def _row_at(self) -> dict[tuple[str, int], int]:
        return {(chunk.file, chunk.position): row for row, chunk in enumerate(self.chunks)}

    def adjacent_rows(self, row: int) -> list[int]:
        """The rows of the passages just before and after chunk `row` in its document."""
        chunk = self.chunks[row]
        around = (self._row_at.get((chunk.file, chunk.position + step)) for step in (-1, 1))
        return [r for r in around if r is not None]

    def next_row(self, row: int) -> int | None:
        """The row of the passage just after chunk `row` in its document (None at its end)."""
        chunk = self.chunks[row]
        return self._row_at.get((chunk.file, chunk.position + 1))

    def sentence_rows(self, row: int) -> slice:
        """The rows of `sentence_vectors` that belong to chunk `row`."""
        start = int(self.sentence_start[row])
        return slice(start, start + len(self.chunks[row].sentences))


def current_build(index_dir: Path) -> Path | None:
    """The build folder `current` points at, or None when there is no index."""
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def write_build(
    index_dir: Path,
    chunks: list[Chunk],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    manifest: dict[str, Any],
    set_aside: list[Chunk] | None = None,
    examples: ExampleBank | None = None,
) -> Path:
    """Write a complete new build and make it current; returns its folder. `set_aside` are chunks
    kept with the build but not indexed (copies of another document's passages); `examples` the
    embedded example questions."""
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000}"
    staging = builds / f".{build_id}.tmp"
    staging.mkdir()
    try:
        _write_chunks(staging / "chunks.jsonl", chunks)
        if set_aside:
            _write_chunks(staging / SET_ASIDE, set_aside)
        if examples is not None and len(examples):
            (staging / EXAMPLES).write_text("\n".join(examples.to_lines()) + "\n", encoding="utf-8")
            np.save(staging / EXAMPLE_VECTORS, examples.vectors)
        np.save(staging / "vectors.npy", vectors.astype(np.float32))
        np.save(staging / "sentences.npy", sentence_vectors.astype(np.float32))
        dense = build_vector_index(vectors)
        save_vector_index(dense, staging / "dense.faiss")
        (staging / "bm25").mkdir()
        LexicalIndex.build([content_text(chunk) for chunk in chunks]).save(staging / "bm25")
        manifest = {**manifest, "format": FORMAT_VERSION, "analyser_version": ANALYSER_VERSION, "chunk_count": len(chunks),
                    "faiss_index": index_type_of(dense), "dimension": int(vectors.shape[1])}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = builds / build_id
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current(index_dir, final)
    _prune_builds(index_dir, final)
    return final


def _write_chunks(path: Path, chunks: list[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")


def _point_current(index_dir: Path, build: Path) -> None:
    temporary = index_dir / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(build.relative_to(index_dir))
    os.replace(temporary, index_dir / CURRENT)


def _prune_builds(index_dir: Path, keep: Path) -> None:
    builds = sorted((p for p in (index_dir / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    finished = [p for p in builds if not p.name.startswith(".")]
    for old in finished[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def load_manifest(build: Path) -> dict[str, Any]:
    """The manifest of a build folder."""
    return json.loads((build / MANIFEST).read_text(encoding="utf-8"))


def load_chunks(build: Path, name: str = "chunks.jsonl") -> list[Chunk]:
    """The chunks of a build folder, in row order (`name=SET_ASIDE`: those set aside)."""
    if name == SET_ASIDE and not (build / name).exists():
        return []
    with (build / name).open(encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]


def load_index(index_dir: Path) -> LoadedIndex:
    """Load the current build; raises `IndexUnavailable` saying how to fix a missing or broken index."""
    build = current_build(index_dir)
    if build is None:
        raise IndexUnavailable(f"no index in {index_dir}: build it with `make ingest` (python -m bot ingest)")
    try:
        manifest = load_manifest(build)
        chunks = load_chunks(build)
        vectors = np.load(build / "vectors.npy")
        sentence_vectors = np.load(build / "sentences.npy")
        dense = load_vector_index(build / "dense.faiss")
        lexical = LexicalIndex.load(build / "bm25")
        examples = (ExampleBank.from_lines((build / EXAMPLES).read_text(encoding="utf-8").splitlines(),
                                           np.load(build / EXAMPLE_VECTORS))
                    if (build / EXAMPLES).exists() else ExampleBank.empty(vectors.shape[1]))
    except Exception as error:  # any unreadable part means the same fix
        raise IndexUnavailable(
            f"index in {build} is unreadable ({type(error).__name__}: {error}); "
            "rebuild it with `make ingest` (python -m bot ingest --force)"
        ) from error
    consistent = len(chunks) == vectors.shape[0] == dense.ntotal == lexical.size == manifest.get("chunk_count")
    examples_fit = all(row < len(chunks) for rows in examples.rows for row in rows)
    if not consistent or sentence_vectors.shape[0] != sum(len(c.sentences) for c in chunks) or not examples_fit:
        raise IndexUnavailable(f"index in {build} is inconsistent; rebuild it with `python -m bot ingest --force`")
    index = LoadedIndex(build, manifest, chunks, vectors, sentence_vectors, dense, lexical, examples)
    use_gazetteer(index.gazetteer)  # questions parsed from now on know the documents' places
    return index
