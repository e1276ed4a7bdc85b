"""Building or updating the index from the corpus folder, incrementally and atomically."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from bot.documents.chunking import chunk_document
from bot.documents.corpus import SOURCES_FILE, list_corpus_files, load_document, load_sources, unsupported_files
from bot.documents.readers import UnreadableDocument
from bot.index.store import IndexUnavailable, current_build, load_index, write_build
from bot.language.analysis import ANALYSER_VERSION
from bot.schema import Chunk, SourceInfo

# Bump when reading, cleaning or chunking changes so that every file is re-chunked.
CHUNKER_VERSION = 6
# A progress bar is shown when a run embeds at least this many texts (or stderr is a terminal).
PROGRESS_MIN_TEXTS = 2000
ENCODE_STEP = 256  # texts embedded per call, i.e. per progress-bar update


class PassageEncoder(Protocol):
    """What ingest needs from the embedding model."""

    model_id: str

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _count_line(label: str, names: list[str]) -> str:
    """"Label: 2 (a.pdf, b.docx)"."""
    return f"{label}: {len(names)}" + (f" ({', '.join(names)})" if names else "")


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
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

    def summary(self) -> str:
        """The summary a consultant reads (Danish), ending with a one-line count."""
        lines = [_count_line("Tilføjet", self.added), _count_line("Ændret", self.changed),
                 _count_line("Fjernet", self.removed), f"Uændret: {len(self.unchanged)}"]
        for label, notes in (("Sprunget over", self.failed), ("Advarsler", self.warnings)):
            lines.append(f"{label}: {len(notes)}")
            lines.extend(f"  - {name}: {note}" for name, note in notes.items())
        lines.append(f"Passager i indekset: {self.chunks} ({self.embedded} nye indlejret) · tid: {self.seconds} s")
        lines.append(f"added {len(self.added)}, changed {len(self.changed)}, removed {len(self.removed)}, "
                     f"unchanged {len(self.unchanged)}, failed {len(self.failed)}; "
                     f"{self.chunks} chunks ({self.embedded} embedded) in {self.seconds} s")
        return "\n".join(lines)


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


def _previous(index_dir: Path, model_id: str) -> tuple[dict[str, str], dict[str, list[EncodedChunk]], bool]:
    """Keys and encoded chunks per file of the current build, if it used the same model, and
    whether its lexical index has the current analyser's terms."""
    try:
        index = load_index(index_dir)
    except IndexUnavailable:
        return {}, {}, False
    if index.manifest.get("model_id") != model_id:
        return {}, {}, False
    by_file: dict[str, list[EncodedChunk]] = {}
    for row, chunk in enumerate(index.chunks):
        encoded = EncodedChunk(chunk, index.vectors[row], index.sentence_vectors[index.sentence_rows(row)])
        by_file.setdefault(chunk.file, []).append(encoded)
    return index.manifest.get("file_keys", {}), by_file, index.manifest.get("analyser_version") == ANALYSER_VERSION


def _encode(texts: list[str], encoder: PassageEncoder, progress: bool | None) -> np.ndarray:
    """Embed texts a step at a time, with a progress bar on stderr when asked (None: on long runs)."""
    show = progress if progress is not None else len(texts) >= PROGRESS_MIN_TEXTS or sys.stderr.isatty()
    parts = []
    with tqdm(total=len(texts), desc="Indlejrer", unit="tekster", file=sys.stderr, disable=not show) as bar:
        for start in range(0, len(texts), ENCODE_STEP):
            parts.append(encoder.encode_passages(texts[start:start + ENCODE_STEP]))
            bar.update(len(parts[-1]))
    return np.concatenate(parts)


def encode_chunks(chunks: list[Chunk], encoder: PassageEncoder, progress: bool | None = None) -> list[EncodedChunk]:
    """Embed each chunk (with its title) and each of its sentences.

    All texts are embedded shortest first, so each step of `ENCODE_STEP` texts holds texts
    of similar length (the encoder batches within a step), then put back in order.
    """
    if not chunks:
        return []
    passages = [c.embedding_text for c in chunks]
    texts = passages + [s for c in chunks for s in c.sentences]
    order = np.argsort([len(text) for text in texts], kind="stable")
    sorted_vectors = _encode([texts[i] for i in order], encoder, progress)
    all_vectors = np.empty_like(sorted_vectors)
    all_vectors[order] = sorted_vectors
    vectors, sentence_vectors = all_vectors[:len(passages)], all_vectors[len(passages):]
    encoded, start = [], 0
    for chunk, vector in zip(chunks, vectors):
        end = start + len(chunk.sentences)
        encoded.append(EncodedChunk(chunk, vector, sentence_vectors[start:end]))
        start = end
    return encoded


def _chunks_of(path: Path, sources: dict[str, SourceInfo]) -> list[Chunk]:
    """A file's chunks; raises `UnreadableDocument` when it has none."""
    chunks = chunk_document(load_document(path, sources))
    if not chunks:
        raise UnreadableDocument("ingen tekst tilbage efter rensning")
    return chunks


def ingest(corpus_dir: Path, index_dir: Path, encoder: PassageEncoder, force: bool = False,
           progress: bool | None = None) -> IngestReport:
    """Index every readable file of `corpus_dir` into `index_dir`, re-embedding only changes.

    Unreadable and unsupported files are reported in `IngestReport.failed` and left out;
    files without metadata in `sources.yml` get a title from their text and a warning. The
    new index replaces the old one only once it is completely written. `progress` shows a
    progress bar while embedding (None: only on long runs or when stderr is a terminal).
    """
    started = time.perf_counter()
    report = IngestReport(failed=unsupported_files(corpus_dir))
    old_keys, old_chunks, terms_current = ({}, {}, False) if force else _previous(index_dir, encoder.model_id)
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
                fresh[name] = _chunks_of(corpus_file.path, sources)
            except UnreadableDocument as error:
                report.failed[name] = str(error)
                continue
            (report.changed if name in old_keys else report.added).append(name)
        keys[name] = key
        hashes[name] = corpus_file.sha256
        if name not in sources:
            title = (kept[name][0].chunk if name in kept else fresh[name][0]).title
            report.warnings[name] = f"ingen post i {SOURCES_FILE}; titlen er sat til »{title}«"
    # A file that became unreadable leaves the index too (it is also listed as failed).
    report.removed = sorted(set(old_keys) - set(keys))

    # A new analyser only rebuilds the lexical index: the vectors of unchanged files are kept.
    if not (force or report.added or report.changed or report.removed) and old_keys and terms_current:
        report.chunks = sum(len(old_chunks[name]) for name in kept)
        report.build = str(current_build(index_dir))
        report.seconds = round(time.perf_counter() - started, 2)
        return report
    new_chunks = [chunk for name in sorted(fresh) for chunk in fresh[name]]
    encoded = {e.chunk.chunk_id: e for e in encode_chunks(new_chunks, encoder, progress)}
    rows: list[EncodedChunk] = []
    for name in sorted(keys):
        rows.extend(kept[name] if name in kept else [encoded[c.chunk_id] for c in fresh[name]])
    if not rows:
        raise UnreadableDocument(f"ingen læsbare dokumenter i {corpus_dir}")
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
