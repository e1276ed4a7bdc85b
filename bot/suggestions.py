"""Questions to offer as buttons: related ones after an answer, examples after a decline.

The questions live with the documents' metadata (`questions:` in `corpus/sources.yml`), so a
consultant who adds a document adds the questions it answers in the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import zip_longest
from pathlib import Path

from bot.corpus import SOURCES_FILE, load_sources
from bot.lexical import analyse
from bot.schema import SourceInfo

MAX_SUGGESTIONS = 3
_SAME_QUESTION_OVERLAP = 0.6
_cache: dict[Path, tuple[float, dict[str, SourceInfo]]] = {}


def document_questions(corpus_dir: Path) -> dict[str, SourceInfo]:
    """The documents' metadata with their questions (re-read when `sources.yml` changes)."""
    path = corpus_dir / SOURCES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_sources(corpus_dir))
        _cache[path] = cached
    return cached[1]


def _same_question(question: str, other: str) -> bool:
    """Whether two questions ask much the same (share most of their terms)."""
    mine, theirs = set(analyse(question)), set(analyse(other))
    if not mine or not theirs:
        return False
    return len(mine & theirs) / len(mine | theirs) >= _SAME_QUESTION_OVERLAP


def suggest(sources: Mapping[str, SourceInfo], files: Iterable[str], asked: str,
            limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to `limit` questions: the given documents' first (taking turns), then one from each other
    document; never one that asks what was just asked."""
    fresh = {name: [q for q in info.questions if not _same_question(q, asked)] for name, info in sources.items()}
    preferred = [name for name in dict.fromkeys(files) if name in fresh]
    related = [q for turn in zip_longest(*(fresh[name] for name in preferred)) for q in turn if q]
    others = [fresh[name][0] for name in fresh if name not in preferred and fresh[name]]
    return (related + others)[:limit]


def as_buttons(questions: list[str]) -> list[dict[str, str]]:
    """Rasa buttons that send the question itself."""
    return [{"title": question, "payload": question} for question in questions]
