"""Removing extraction noise from corpus text while keeping numbers exactly as written."""

from __future__ import annotations

import re
import unicodedata

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_LINE = re.compile(rf"^\s*[{SUPERSCRIPTS}]+\s*(\S.*)$")
_FOOTNOTE_MARK = re.compile(rf"[{SUPERSCRIPTS}]+")
_URL_LINE = re.compile(r"^\s*<?https?://\S+>?\s*$", re.MULTILINE)
TOC_LINE = re.compile(r"^.*(?:\.{3,}\s*\d+.*){3,}$", re.MULTILINE)
_EMPHASIS = re.compile(r"\*{1,2}([^*]+?)\*{1,2}")
_PUNCTUATION_ONLY = re.compile(r"^[^\w\n]+$", re.MULTILINE)
_TRANSCRIPT_MARKER = "Transkript:"
_LEADING_PAGE_NUMBER = re.compile(r"^(\d{1,3})(?:\s+|$)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SECTION_BREAK = re.compile(r"\n{3,}")


def strip_related_titles(text: str) -> str:
    """Drop a scraped web page's title list before a "Transkript:" line, if present."""
    marker = text.find(_TRANSCRIPT_MARKER)
    if marker == -1:
        return text
    return text[marker + len(_TRANSCRIPT_MARKER):]


def has_transcript(text: str) -> bool:
    """Whether the text is a scraped page whose document follows "Transkript:"."""
    return _TRANSCRIPT_MARKER in text


def split_page_number(paragraph: str) -> tuple[int | None, str]:
    """Split a PDF page line such as "16 Tema 1: ..." into (16, "Tema 1: ...")."""
    match = _LEADING_PAGE_NUMBER.match(paragraph)
    if not match:
        return None, paragraph
    return int(match.group(1)), paragraph[match.end():]


def move_footnotes(text: str) -> str:
    """Footnote lines ("⁶ I alt har ...") moved to the end of their section, markers dropped.

    Footnotes often hold facts, but an extraction puts them wherever the page had them (often
    before the heading they belong under); a footnote that is only a link is dropped.
    """
    sections = []
    for section in _SECTION_BREAK.split(text):
        body, notes = [], []
        for line in section.split("\n"):
            match = _FOOTNOTE_LINE.match(line)
            if match is None:
                body.append(line)
            elif not _URL_LINE.fullmatch(match.group(1)):
                notes.append(match.group(1).strip())
        kept = _SECTION_BREAK.sub("\n\n", "\n".join(body)) if notes else "\n".join(body)
        sections.append("\n\n".join([kept.rstrip(), *notes]) if notes else kept)
    return "\n\n\n".join(sections)


def clean_text(text: str) -> str:
    """Normalise Unicode and whitespace, move footnotes, remove bare URLs, TOCs and markup."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = move_footnotes(text)
    text = _URL_LINE.sub("", text)
    text = TOC_LINE.sub("", text)
    text = _FOOTNOTE_MARK.sub("", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _PUNCTUATION_ONLY.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()
