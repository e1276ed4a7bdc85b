"""Building or updating the index from the corpus folder, incrementally and atomically."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
from tqdm import tqdm

from bot.documents.chunking import chunk_document
from bot.documents.corpus import EXAMPLES_FILE, SOURCES_FILE, list_corpus_files, load_document, load_sources, unsupported_files
from bot.documents.duplicates import Duplicate, find_duplicates
from bot.documents.readers import UnreadableDocument
from bot.index.examples import embed_examples, examples_sha256, load_examples
from bot.index.store import SET_ASIDE, IndexUnavailable, current_build, load_chunks, load_index, load_manifest, write_build
from bot.language.analysis import ANALYSER_VERSION
from bot.schema import Chunk, SourceInfo

# Bump when reading, cleaning or chunking changes so that every file is re-chunked.
CHUNKER_VERSION = 7
# A progress bar is shown when a run embeds at least this many texts (or stderr is a terminal).
PROGRESS_MIN_TEXTS = 2000
ENCODE_STEP = 256  # texts embedded per call, i.e. per progress-bar update
# Told how far a run is: stage ("read", "embed", "write"), items done, items in the stage.
ProgressCallback = Callable[[str, int, int], None]


class PassageEncoder(Protocol):
    """What ingest needs from the embedding model."""

    model_id: str

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


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


@dataclass
class _Previous:
    """What the current build holds, for reuse by an incremental ingest."""

    keys: dict[str, str] = field(default_factory=dict)
    encoded: dict[str, list[EncodedChunk]] = field(default_factory=dict)  # per file
    set_aside: dict[str, list[Chunk]] = field(default_factory=dict)  # per file: copies left out
    duplicates: dict[str, Duplicate] = field(default_factory=dict)
    terms_current: bool = False  # its lexical index has the current analyser's terms
    examples_key: str = ""  # the hash of the example questions it embedded


def _previous(index_dir: Path, model_id: str) -> _Previous:
    """Keys, encoded chunks and set-aside chunks per file of the current build, if it used the
    same model."""
    try:
        index = load_index(index_dir)
        set_aside = load_chunks(index.path, SET_ASIDE)
    except (IndexUnavailable, OSError, ValueError):
        return _Previous()
    if index.manifest.get("model_id") != model_id:
        return _Previous()
    previous = _Previous(index.manifest.get("file_keys", {}), duplicates=_duplicates_of(index.manifest),
                         terms_current=index.manifest.get("analyser_version") == ANALYSER_VERSION,
                         examples_key=index.manifest.get("examples_sha256", ""))
    for row, chunk in enumerate(index.chunks):
        encoded = EncodedChunk(chunk, index.vectors[row], index.sentence_vectors[index.sentence_rows(row)])
        previous.encoded.setdefault(chunk.file, []).append(encoded)
    for chunk in set_aside:
        previous.set_aside.setdefault(chunk.file, []).append(chunk)
    return previous


def _duplicates_of(manifest: dict[str, object]) -> dict[str, Duplicate]:
    recorded = manifest.get("duplicates") or {}
    return {file: Duplicate.from_dict(file, data) for file, data in recorded.items()} if isinstance(recorded, dict) else {}


def duplicate_warnings(index_dir: Path) -> dict[str, str]:
    """File name → a warning (Danish) for each document of the current index whose passages
    another document already holds (the same document in another format)."""
    build = current_build(index_dir)
    if build is None:
        return {}
    return {file: duplicate.warning() for file, duplicate in sorted(_duplicates_of(load_manifest(build)).items())}


def _warn(report: IngestReport, name: str, note: str) -> None:
    report.warnings[name] = f"{report.warnings[name]}; {note}" if name in report.warnings else note


def _encode(texts: list[str], encoder: PassageEncoder, progress: bool | None,
            on_progress: ProgressCallback | None = None) -> np.ndarray:
    """Embed texts a step at a time, with a progress bar on stderr when asked (None: on long runs)
    and `on_progress("embed", done, total)` after each step."""
    show = progress if progress is not None else len(texts) >= PROGRESS_MIN_TEXTS or sys.stderr.isatty()
    parts = []
    with tqdm(total=len(texts), desc="Indlejrer", unit="tekster", file=sys.stderr, disable=not show) as bar:
        for start in range(0, len(texts), ENCODE_STEP):
            parts.append(encoder.encode_passages(texts[start:start + ENCODE_STEP]))
            bar.update(len(parts[-1]))
            if on_progress:
                on_progress("embed", min(start + ENCODE_STEP, len(texts)), len(texts))
    return np.concatenate(parts)


def encode_chunks(chunks: list[Chunk], encoder: PassageEncoder, progress: bool | None = None,
                  on_progress: ProgressCallback | None = None) -> list[EncodedChunk]:
    """Embed each chunk (with its title) and each of its sentences.

    All texts are embedded shortest first, so each step of `ENCODE_STEP` texts holds texts
    of similar length (the encoder batches within a step), then put back in order.
    """
    if not chunks:
        return []
    passages = [c.embedding_text for c in chunks]
    texts = passages + [s for c in chunks for s in c.sentences]
    order = np.argsort([len(text) for text in texts], kind="stable")
    sorted_vectors = _encode([texts[i] for i in order], encoder, progress, on_progress)
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
           progress: bool | None = None, on_progress: ProgressCallback | None = None) -> IngestReport:
    """Index every readable file of `corpus_dir` into `index_dir`, re-embedding only changes.

    Unreadable and unsupported files are reported in `IngestReport.failed` and left out;
    files without metadata in `sources.yml` get a title from their text and a warning. The
    new index replaces the old one only once it is completely written. `progress` shows a
    progress bar while embedding (None: only on long runs or when stderr is a terminal);
    `on_progress(stage, done, total)` is told how far the run is ("read", "embed", "write").
    """
    started = time.perf_counter()
    report = IngestReport(failed=unsupported_files(corpus_dir))
    previous = _Previous() if force else _previous(index_dir, encoder.model_id)
    old_keys, old_chunks, terms_current = previous.keys, previous.encoded, previous.terms_current
    sources = load_sources(corpus_dir)
    files = list_corpus_files(corpus_dir)
    keys: dict[str, str] = {}
    hashes: dict[str, str] = {}
    kept: dict[str, list[EncodedChunk]] = {}
    aside: dict[str, list[Chunk]] = {}  # chunks of unchanged files left out of the current build
    fresh: dict[str, list[Chunk]] = {}
    for position, corpus_file in enumerate(files, start=1):
        name = corpus_file.path.name
        if on_progress:
            on_progress("read", position, len(files))
        key = _file_key(corpus_file.sha256, sources.get(name))
        if old_keys.get(name) == key and (name in old_chunks or name in previous.set_aside):
            kept[name] = old_chunks.get(name, [])
            aside[name] = previous.set_aside.get(name, [])
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
            title = ([e.chunk for e in kept[name]] + aside[name] if name in kept else fresh[name])[0].title
            report.warnings[name] = f"ingen post i {SOURCES_FILE}; titlen er sat til »{title}«"
    # A file that became unreadable leaves the index too (it is also listed as failed).
    report.removed = sorted(set(old_keys) - set(keys))
    examples_key = examples_sha256(corpus_dir)

    # A new analyser or new example questions only rebuild the build: the vectors of unchanged files are kept.
    unchanged = not (force or report.added or report.changed or report.removed)
    if unchanged and old_keys and terms_current and previous.examples_key == examples_key:
        for name, duplicate in previous.duplicates.items():
            _warn(report, name, duplicate.warning())
        report.chunks = sum(len(kept[name]) for name in kept)
        report.build = str(current_build(index_dir))
        report.seconds = round(time.perf_counter() - started, 2)
        return report
    # Every file's passages in order; those another document already holds are set aside.
    by_file = {name: fresh[name] if name in fresh else
               sorted([e.chunk for e in kept[name]] + aside[name], key=lambda c: c.position) for name in sorted(keys)}
    duplicates = find_duplicates(by_file)
    left_out = {chunk_id for duplicate in duplicates.values() for chunk_id in duplicate.left_out}
    for name, duplicate in duplicates.items():
        _warn(report, name, duplicate.warning())
    reusable = {e.chunk.chunk_id: e for name in kept for e in kept[name]}
    skip = left_out | set(reusable)
    new_chunks = [c for name in sorted(keys) for c in by_file[name] if c.chunk_id not in skip]
    encoded = {e.chunk.chunk_id: e for e in encode_chunks(new_chunks, encoder, progress, on_progress)}
    encoded.update(reusable)
    rows = [encoded[c.chunk_id] for name in sorted(keys) for c in by_file[name] if c.chunk_id not in left_out]
    set_aside = [c for name in sorted(keys) for c in by_file[name] if c.chunk_id in left_out]
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
        "duplicates": {name: duplicate.to_dict() for name, duplicate in sorted(duplicates.items())},
        "examples_sha256": examples_key,
    }
    written = load_examples(corpus_dir)
    examples = embed_examples(written, chunks, encoder.encode_queries)
    manifest["example_count"] = len(examples)
    if len(examples) < len(written):
        report.warnings[EXAMPLES_FILE] = (f"{len(written) - len(examples)} eksempelspørgsmål sprunget over: deres uddrag "
                                          "står ikke i nogen passage af dokumentet")
    if on_progress:
        on_progress("write", 0, 1)
    build = write_build(index_dir, chunks, vectors, sentence_vectors, manifest, set_aside, examples)
    if on_progress:
        on_progress("write", 1, 1)
    report.chunks = len(chunks)
    report.embedded = len(new_chunks)
    report.build = str(build)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
