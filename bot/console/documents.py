"""The documents page's rows: corpus files with their metadata, passages in the current index,
and warnings (no metadata, no text, duplicate content); plus saving and removing a file."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.contents import file_missing_sections
from bot.documents.corpus import SOURCES_FILE, CorpusFile, list_corpus_files, load_sources, unsupported_files
from bot.documents.readers import SUPPORTED_SUFFIXES, UnreadableDocument, read_text
from bot.index.ingest import duplicate_warnings
from bot.index.store import current_build, load_chunks, load_manifest
from bot.language.text import words
from bot.schema import Chunk

_SAFE_NAME = re.compile(r"[^0-9A-Za-zÆØÅæøåÄÖÜäöüé._-]+")
FORMATS = {".pdf": "PDF", ".docx": "Word", ".html": "HTML", ".htm": "HTML", ".md": "Markdown", ".txt": "Tekst"}


class UploadRefused(ValueError):
    """An uploaded file the console does not store; the message says why (Danish)."""


@dataclass(frozen=True)
class IndexSummary:
    """What the current index build holds, as far as the documents page needs it."""

    build: str = ""
    built_at: str = ""
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256 indexed
    chunks: list[Chunk] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # file name -> warning: a copy of another document


@dataclass(frozen=True)
class DocumentRow:
    """One corpus file on the documents page."""

    file: str
    title: str
    publisher: str
    year: int | None
    url: str
    format: str
    size: int
    passages: int
    indexed: str  # "ja", "ændret" (changed since the last ingest) or "nej"
    last_ingest: str
    has_metadata: bool
    warnings: tuple[str, ...]


def read_index_summary(index_dir: Path) -> IndexSummary:
    """The current build's manifest and passages (empty when there is no index yet)."""
    build = current_build(index_dir)
    if build is None:
        return IndexSummary()
    manifest = load_manifest(build)
    return IndexSummary(build.name, str(manifest.get("built_at", "")), dict(manifest.get("files", {})), load_chunks(build),
                        duplicate_warnings(index_dir))


_unreadable_cache: dict[tuple[str, str], str] = {}


def _why_unreadable(corpus_file: CorpusFile) -> str:
    """Why a file has no passages ("" when it reads fine), cached by content."""
    key = (corpus_file.path.name, corpus_file.sha256)
    if key not in _unreadable_cache:
        try:
            _unreadable_cache[key] = "" if read_text(corpus_file.path).strip() else "filen indeholder ingen tekst"
        except UnreadableDocument as error:
            _unreadable_cache[key] = str(error)
    return _unreadable_cache[key]


_sections_cache: dict[tuple[str, str], tuple[str, ...]] = {}
MAX_SECTIONS_NAMED = 3  # a warning names this many of a document's missing sections


def _missing_sections(corpus_file: CorpusFile) -> tuple[str, ...]:
    """The sections the file's contents page lists without their text, cached by content."""
    key = (corpus_file.path.name, corpus_file.sha256)
    if key not in _sections_cache:
        _sections_cache[key] = file_missing_sections(corpus_file.path)
    return _sections_cache[key]


def _sections_warning(sections: tuple[str, ...]) -> list[str]:
    """The warning that the bot declines questions about sections it has only the titles of."""
    if not sections:
        return []
    named = ", ".join(f"«{title}»" for title in sections[:MAX_SECTIONS_NAMED])
    more = f" og {len(sections) - MAX_SECTIONS_NAMED} flere" if len(sections) > MAX_SECTIONS_NAMED else ""
    return [f"indholdsfortegnelsen nævner {len(sections)} afsnit, hvis tekst ikke er i filen ({named}{more}): "
            "botten afviser spørgsmål om dem, indtil teksten bliver tilføjet"]


def _shared_passages(chunks: list[Chunk]) -> dict[str, dict[str, int]]:
    """For each file, the other files holding identical passages (same words), with how many."""
    owners: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        owners[" ".join(words(chunk.text))].add(chunk.file)
    shared: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for files in owners.values():
        for file in files:
            for other in files - {file}:
                shared[file][other] += 1
    return shared


def _warnings(corpus_file: CorpusFile, has_metadata: bool, passages: int, same_bytes: list[str],
              shared: dict[str, int], duplicate: str) -> tuple[str, ...]:
    notes = [] if has_metadata else [f"ingen metadata i {SOURCES_FILE}: titlen tages fra teksten"]
    if passages == 0 and not duplicate:
        reason = _why_unreadable(corpus_file)
        notes.append(reason if reason else "ikke i indekset endnu: opdater indekset")
    notes += _sections_warning(_missing_sections(corpus_file))
    notes += [duplicate] if duplicate else []
    notes += [f"samme filindhold som {other}" for other in same_bytes if other not in duplicate]
    if not duplicate:
        notes += [f"{count} passager findes også i {other}" for other, count in sorted(shared.items())
                  if other not in same_bytes]
    return tuple(notes)


def document_rows(corpus_dir: Path, index: IndexSummary) -> list[DocumentRow]:
    """Every corpus file with its metadata, passages, index state and warnings."""
    files = list_corpus_files(corpus_dir)
    sources = load_sources(corpus_dir)
    passages: dict[str, int] = defaultdict(int)
    titles: dict[str, str] = {}
    for chunk in index.chunks:
        passages[chunk.file] += 1
        titles.setdefault(chunk.file, chunk.title)
    by_hash: dict[str, list[str]] = defaultdict(list)
    for corpus_file in files:
        by_hash[corpus_file.sha256].append(corpus_file.path.name)
    shared = _shared_passages(index.chunks)
    rows = []
    for corpus_file in files:
        name = corpus_file.path.name
        source = sources.get(name)
        indexed_hash = index.files.get(name)
        indexed = "nej" if indexed_hash is None else "ja" if indexed_hash == corpus_file.sha256 else "ændret"
        same_bytes = [other for other in by_hash[corpus_file.sha256] if other != name]
        rows.append(DocumentRow(
            file=name, title=source.title if source else titles.get(name, name),
            publisher=source.publisher if source else "", year=source.year if source else None,
            url=source.url if source else "", format=FORMATS.get(corpus_file.path.suffix.lower(), "?"),
            size=corpus_file.path.stat().st_size, passages=passages.get(name, 0), indexed=indexed,
            last_ingest=index.built_at if indexed != "nej" else "", has_metadata=source is not None,
            warnings=_warnings(corpus_file, source is not None, passages.get(name, 0), same_bytes, shared.get(name, {}),
                               index.duplicates.get(name, ""))))
    return rows


def unsupported(corpus_dir: Path) -> dict[str, str]:
    """Files in the corpus folder that are not read, with why."""
    return unsupported_files(corpus_dir)


def safe_file_name(name: str) -> str:
    """The name an uploaded file is stored under: no folders, only plain characters; raises `UploadRefused`."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    suffix = suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UploadRefused(f"filtypen {suffix or '(ingen)'} understøttes ikke: brug {allowed}")
    stem = _SAFE_NAME.sub("_", stem).strip("._-")[:100]
    if not stem:
        raise UploadRefused("filnavnet er tomt")
    return stem + suffix


def store_upload(corpus_dir: Path, name: str, content: bytes) -> Path:
    """Write an uploaded file into the corpus folder (never over an existing one); its path."""
    target = corpus_dir / safe_file_name(name)
    if target.name == SOURCES_FILE or target.exists():
        raise UploadRefused(f"der findes allerede et dokument med navnet {target.name}")
    if not content:
        raise UploadRefused("filen er tom")
    temporary = corpus_dir / f".{target.name}.upload"
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return target


def corpus_path(corpus_dir: Path, file: str) -> Path:
    """The path of an existing corpus document by its name; raises `FileNotFoundError` otherwise."""
    names = {corpus_file.path.name: corpus_file.path for corpus_file in list_corpus_files(corpus_dir)}
    if file not in names:
        raise FileNotFoundError(file)
    return names[file]
