"""Building or updating the index from the corpus folder, incrementally and atomically."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.chunking import chunk_document
from bot.corpus import list_corpus_files, load_document, load_sources
from bot.index_store import IndexUnavailable, current_build, load_index, write_build
from bot.readers import UnreadableDocument
from bot.schema import Chunk

# Bump when cleaning or chunking changes so that every file is re-chunked.
CHUNKER_VERSION = 2


class PassageEncoder(Protocol):
    """What ingest needs from the embedding model."""

    model_id: str

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    build: str = ""

    @property
    def ok(self) -> bool:
        """True when every file could be read."""
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return asdict(self)


def _file_key(sha256: str, metadata: object) -> str:
    """A file's identity for reuse: its bytes, its metadata and the chunker version."""
    text = json.dumps([sha256, repr(metadata), CHUNKER_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class EncodedChunk:
    """A chunk with its passage vector and one vector per sentence."""

    chunk: Chunk
    vector: np.ndarray
    sentence_vectors: np.ndarray


def _previous(index_dir: Path, model_id: str) -> tuple[dict[str, str], dict[str, list[EncodedChunk]]]:
    """Keys and encoded chunks per file of the current build, if it used the same model."""
    try:
        index = load_index(index_dir)
    except IndexUnavailable:
        return {}, {}
    if index.manifest.get("model_id") != model_id:
        return {}, {}
    by_file: dict[str, list[EncodedChunk]] = {}
    for row, chunk in enumerate(index.chunks):
        encoded = EncodedChunk(chunk, index.vectors[row], index.sentence_vectors[index.sentence_rows(row)])
        by_file.setdefault(chunk.file, []).append(encoded)
    return index.manifest.get("file_keys", {}), by_file


def encode_chunks(chunks: list[Chunk], encoder: PassageEncoder) -> list[EncodedChunk]:
    """Embed each chunk (with its title) and each of its sentences."""
    if not chunks:
        return []
    vectors = encoder.encode_passages([c.embedding_text for c in chunks])
    sentence_vectors = encoder.encode_passages([s for c in chunks for s in c.sentences])
    encoded, start = [], 0
    for chunk, vector in zip(chunks, vectors):
        end = start + len(chunk.sentences)
        encoded.append(EncodedChunk(chunk, vector, sentence_vectors[start:end]))
        start = end
    return encoded


def ingest(corpus_dir: Path, index_dir: Path, encoder: PassageEncoder, force: bool = False) -> IngestReport:
    """Index every readable file of `corpus_dir` into `index_dir`, re-embedding only changes.

    Unreadable files are reported in `IngestReport.failed` and left out; the new index
    replaces the old one only once it is completely written.
    """
    started = time.perf_counter()
    report = IngestReport()
    old_keys, old_chunks = ({}, {}) if force else _previous(index_dir, encoder.model_id)
    sources = load_sources(corpus_dir)
    files = list_corpus_files(corpus_dir)
    keys: dict[str, str] = {}
    hashes: dict[str, str] = {}
    kept: dict[str, list[EncodedChunk]] = {}
    fresh: dict[str, list[Chunk]] = {}
    for corpus_file in files:
        name = corpus_file.path.name
        key = _file_key(corpus_file.sha256, sources.get(name))
        if old_keys.get(name) == key and name in old_chunks:
            kept[name] = old_chunks[name]
            report.unchanged.append(name)
        else:
            try:
                fresh[name] = chunk_document(load_document(corpus_file.path, sources))
            except UnreadableDocument as error:
                report.failed[name] = str(error)
                continue
            (report.changed if name in old_keys else report.added).append(name)
        keys[name] = key
        hashes[name] = corpus_file.sha256
    report.removed = sorted(set(old_keys) - set(keys) - set(report.failed))

    if not (force or report.added or report.changed or report.removed) and old_keys:
        report.chunks = sum(len(old_chunks[name]) for name in kept)
        report.build = str(current_build(index_dir))
        report.seconds = round(time.perf_counter() - started, 2)
        return report
    new_chunks = [chunk for name in sorted(fresh) for chunk in fresh[name]]
    encoded = {e.chunk.chunk_id: e for e in encode_chunks(new_chunks, encoder)}
    rows: list[EncodedChunk] = []
    for name in sorted(keys):
        rows.extend(kept[name] if name in kept else [encoded[c.chunk_id] for c in fresh[name]])
    if not rows:
        raise UnreadableDocument(f"no readable documents in {corpus_dir}")
    chunks = [row.chunk for row in rows]
    vectors = np.stack([row.vector for row in rows]).astype(np.float32)
    sentence_vectors = np.concatenate([row.sentence_vectors for row in rows]).astype(np.float32)
    manifest = {
        "model_id": encoder.model_id,
        "chunker_version": CHUNKER_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": hashes,
        "file_keys": keys,
    }
    build = write_build(index_dir, chunks, vectors, sentence_vectors, manifest)
    report.chunks = len(chunks)
    report.embedded = len(new_chunks)
    report.build = str(build)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
