"""How a source is cited in the text of an answer: the one formatter for every reply."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.schema import Source

_SPACES = re.compile(r"\s+")


def _clean(text: object) -> str:
    return _SPACES.sub(" ", str(text or "")).strip()


def citation(source: Source) -> str:
    """"Publisher: »Title« (year). url"; parts that are unknown are left out (no stray colon)."""
    title = _clean(source.title) or source.file
    publisher = _clean(source.publisher)
    year = f" ({source.year})" if source.year else ""
    url = f" {source.url}" if source.url else ""
    named = f"{publisher}: »{title}«" if publisher else f"»{title}«"
    return f"{named}{year}.{url}".strip()


def sources_line(sources: Iterable[Source]) -> str:
    """"Kilde: ..." (or "Kilder: ...") naming each distinct document once."""
    cited = list(dict.fromkeys(citation(source) for source in sources))
    return ("Kilde: " if len(cited) == 1 else "Kilder: ") + " · ".join(cited)


def with_excerpts(sources: Iterable[Source]) -> str:
    """One line per source with its citation and the cited excerpt."""
    return "\n".join(f"- {citation(source)}\n  Uddrag: »{source.passage}«" for source in sources)
