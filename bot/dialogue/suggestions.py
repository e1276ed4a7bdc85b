"""Questions to offer as buttons: related ones after an answer, examples after a decline.

The questions live with the documents' metadata (`questions:` in `corpus/sources.yml`), so a
consultant who adds a document adds the questions it answers in the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import zip_longest

from bot.language.analysis import analyse
from bot.language.query import Query
from bot.schema import SourceInfo

MAX_SUGGESTIONS = 3
_SAME_QUESTION_OVERLAP = 0.6


def _same_question(question: Query, other: str) -> bool:
    """Whether two questions ask much the same (share most of their terms)."""
    mine, theirs = set(question.terms), set(analyse(other))
    if not mine or not theirs:
        return False
    return len(mine & theirs) / len(mine | theirs) >= _SAME_QUESTION_OVERLAP


def suggest(sources: Mapping[str, SourceInfo], files: Iterable[str], asked: Query | str,
            limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to `limit` questions: the given documents' first (taking turns), then one from each other
    document; never one that asks what was just asked."""
    query = Query.of(asked)
    fresh = {name: [q for q in info.questions if not _same_question(query, q)] for name, info in sources.items()}
    preferred = [name for name in dict.fromkeys(files) if name in fresh]
    related = [q for turn in zip_longest(*(fresh[name] for name in preferred)) for q in turn if q]
    others = [fresh[name][0] for name in fresh if name not in preferred and fresh[name]]
    return (related + others)[:limit]


def as_buttons(questions: list[str]) -> list[dict[str, str]]:
    """Rasa buttons that send the question itself."""
    return [{"title": question, "payload": question} for question in questions]
