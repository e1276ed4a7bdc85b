"""Rebuilding paragraphs from the lines a PDF's text layer gives, page by page.

A PDF has lines, not paragraphs: wrapped lines are joined (a word hyphenated at a line end
is mended), a line much shorter than the page's full lines ends its paragraph (that is
also how a heading stands alone), and a bullet or a heading-like line after a sentence
starts a new one. Running headers and
footers (the same line on most pages, page numbers aside) and bare page numbers at the
top or bottom of a page are dropped. Runs of spaces inside a line become one.
"""

from __future__ import annotations

import re
from collections import Counter

SHORT_LINE = 0.7  # a line shorter than this share of the page's full lines ends a paragraph
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a header or footer
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:side\s+)?\d{1,4}(?:\s*(?:/|af)\s*\d{1,4})?$", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[•▪◦●■–*-]|\d{1,2}[.)])\s")
_HYPHENATED = re.compile(r"[a-zæøå]-$")
_KEEP_HYPHEN_BEFORE = frozenset({"og", "eller", "samt", "til", "som"})
_SENTENCE_END = (".", "!", "?", ":")
_PUNCTUATION = (".", ",", ";", ":", "!", "?")
_HEADING_MAX_WORDS = 12


def _lines(page: str) -> list[str]:
    """The page's lines, each with single spaces between words (a PDF's text layer often spaces
    words with two or more: "Notat:  Tidlig  indsats")."""
    return [" ".join(line.split()) for line in page.splitlines()]


def _has_letters(line: str) -> bool:
    return any(char.isalpha() for char in line)


def _line_key(line: str) -> str:
    """A line with its numbers blanked, so "Årsrapport 2024 · side 3" repeats across pages."""
    return _DIGITS.sub("#", line.lower())


def _edges(lines: list[str]) -> set[int]:
    """Positions of the first and last EDGE_LINES non-empty lines: where headers and footers sit."""
    content = [i for i, line in enumerate(lines) if line]
    return set(content[:EDGE_LINES] + content[-EDGE_LINES:])


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of page-edge lines that recur on more than half of the pages (of three or more)."""
    if len(pages) < 3:
        return set()
    counts = Counter(key for lines in pages
                     for key in {_line_key(lines[i]) for i in _edges(lines) if _has_letters(lines[i])})
    return {key for key, count in counts.items() if count > len(pages) / 2}


def _without_page_furniture(lines: list[str], running: set[str]) -> list[str]:
    edges = _edges(lines)
    return [line for i, line in enumerate(lines)
            if not (i in edges and (_line_key(line) in running or _PAGE_NUMBER.match(line)))]


def _join(lines: list[str]) -> str:
    """Wrapped lines as one paragraph, mending words hyphenated at a line end."""
    text = lines[0]
    for line in lines[1:]:
        first_word = line.split(maxsplit=1)[0]
        if _HYPHENATED.search(text) and first_word[:1].islower() and first_word not in _KEEP_HYPHEN_BEFORE:
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def _looks_like_heading(line: str, short: float) -> bool:
    """A short line of a few words without closing punctuation."""
    return len(line) < short and len(line.split()) <= _HEADING_MAX_WORDS and not line.endswith(_PUNCTUATION)


def _paragraphs(lines: list[str]) -> list[str]:
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return []
    full = lengths[int(0.8 * (len(lengths) - 1))]
    paragraphs: list[str] = []
    current: list[str] = []
    short = SHORT_LINE * full
    for line in lines:
        ends_previous = bool(current) and not line[:1].islower() and (
            _BULLET.match(line) or len(current[-1]) < short
            or (current[-1].endswith(_SENTENCE_END) and _looks_like_heading(line, short)))
        if current and (not line or ends_previous):
            paragraphs.append(_join(current))
            current = []
        if line:
            current.append(line)
    if current:
        paragraphs.append(_join(current))
    return paragraphs


def page_paragraphs(pages: list[str]) -> list[str]:
    """Each page's text as paragraphs separated by blank lines."""
    split = [_lines(page) for page in pages]
    running = _running_lines(split)
    return ["\n\n".join(_paragraphs(_without_page_furniture(lines, running))) for lines in split]
