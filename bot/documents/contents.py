"""A document's table of contents: the sections it lists whose text the corpus does not hold.

A report's contents page names every section ("Unge sårbare mødre ... 22"), but the text the bot has may
stop early (a scraped transcript of the first pages). A question about such a section finds only passages
on related subjects; the decision declines it instead (`bot.qa.relevance`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.documents.cleaning import TOC_LINE, clean_text, strip_related_titles
from bot.documents.corpus import list_corpus_files
from bot.documents.readers import UnreadableDocument, read_text

# "Unge sårbare mødre... 22": a title, dot leaders, a page number.
_ENTRY = re.compile(r"([^.]+?)\s*\.{3,}\s*\d+")
# The contents page's own heading, run into its first entry ("Indhold Forord...3").
_CONTENTS_HEADING = re.compile(r"^(?:indhold(?:sfortegnelse)?|contents)\s+", re.IGNORECASE)


def _collapsed(text: str) -> str:
    return " ".join(text.lower().split())


def listed_sections(text: str) -> list[str]:
    """The section titles of the text's contents lines, in order."""
    titles = []
    for line in TOC_LINE.findall(text):
        titles += [_CONTENTS_HEADING.sub("", title.strip()) for title in _ENTRY.findall(line)]
    return [title for title in titles if title]


def missing_sections(text: str) -> tuple[str, ...]:
    """The sections the text's contents list whose title its body never states."""
    body = _collapsed(clean_text(strip_related_titles(text)))
    return tuple(dict.fromkeys(title for title in listed_sections(text) if _collapsed(title) not in body))


def file_missing_sections(path: Path) -> tuple[str, ...]:
    """`missing_sections` of a corpus file (none when it cannot be read)."""
    try:
        return missing_sections(read_text(path))
    except UnreadableDocument:
        return ()


def corpus_missing_sections(corpus_dir: Path, files: Iterable[str]) -> tuple[str, ...]:
    """`missing_sections` of the named corpus files."""
    wanted = set(files)
    return tuple(title for corpus_file in list_corpus_files(corpus_dir) if corpus_file.path.name in wanted
                 for title in file_missing_sections(corpus_file.path))
