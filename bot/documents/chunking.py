"""Cutting a cleaned document into passages that follow its structure.

Blank-line runs of two or more mark sections (slides, pages of a folder); single blank
lines mark paragraphs. Markdown heading lines (`#`, `##`, ... as every reader in
`bot.documents.readers` writes them) are headings: a chunk keeps the level 1–3 heading it stands
under. A form feed ends a page (PDF): each chunk keeps the page it starts on, and a new
page starts a new section. Small sections are merged up to a target size, long paragraphs
are cut at sentence boundaries. A scraped PDF transcript (one line a page, page number
glued to the front) is treated as a stream of sentences that keeps each passage's page
number, with one sentence of overlap between passages.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from bot.documents.cleaning import clean_text, has_transcript, split_page_number, strip_related_titles
from bot.documents.readers import HEADING_LINE, PAGE_BREAK
from bot.language.sentences import is_heading, split_sentences, with_lead_ins
from bot.schema import Chunk, Document

# Passages of ~170 words hold the answer to a question in the top passage more often than
# ~120-word ones (measured on the dev and extra eval sets: docs/benchmarks.md).
TARGET_WORDS = 170
MIN_WORDS = 100
MAX_WORDS = 200
_SECTION_BREAK = re.compile(r"\n{3,}")
_PARAGRAPH_BREAK = re.compile(r"\n{2}")
METADATA_HEADING_LEVELS = 3  # headings down to this level become chunk metadata


@dataclass
class _Unit:
    """A paragraph or sentence waiting to be packed into a chunk."""

    text: str
    section: int
    page: int | None = None
    overlap: bool = False
    carry: bool = False  # may open the next chunk again (one sentence of overlap)
    level: int = 0  # heading level of a marked-up heading; 0 for text
    heading: str = ""  # the marked-up heading (level 1-3) this unit stands under

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def is_heading(self) -> bool:
        if self.level:
            return True
        return is_heading(self.text)


def _sentence_units(text: str, section: int, page: int | None, heading: str = "", carry: bool = False) -> list[_Unit]:
    """Split an over-long paragraph into sentence units."""
    return [_Unit(sentence, section, page, carry=carry, heading=heading) for sentence in split_sentences(text)]


def _blocks(paragraph: str) -> list[tuple[str, int]]:
    """A paragraph's non-empty lines as (text, heading level) blocks: heading lines stand alone."""
    blocks: list[tuple[str, int]] = []
    body: list[str] = []
    for line in paragraph.split("\n"):
        match = HEADING_LINE.match(line)
        if match and body:
            blocks.append(("\n".join(body), 0))
            body = []
        if match:
            blocks.append((match.group(2), len(match.group(1))))
        elif line:
            body.append(line)
    if body:
        blocks.append(("\n".join(body), 0))
    return blocks


def _pages(raw: str) -> list[tuple[int | None, str]]:
    """The cleaned text of each page (numbered from 1), or of the whole unpaged document."""
    if PAGE_BREAK not in raw:
        return [(None, clean_text(raw))]
    return [(number, clean_text(page)) for number, page in enumerate(raw.split(PAGE_BREAK), start=1)]


def _structured_units(pages: list[tuple[int | None, str]]) -> list[_Unit]:
    """Units of a document whose structure is given by blank lines and heading lines."""
    units: list[_Unit] = []
    section_no = -1
    heading = ""
    for page, text in pages:
        for section in _SECTION_BREAK.split(text):
            section_no += 1
            for paragraph in _PARAGRAPH_BREAK.split(section):
                for block, level in _blocks(paragraph):
                    if level and level <= METADATA_HEADING_LEVELS:
                        heading = block
                    if len(block.split()) > MAX_WORDS // 2:
                        units.extend(_sentence_units(block, section_no, page, heading))
                    else:
                        units.append(_Unit(block, section_no, page, level=level, heading=heading))
    return units


def _transcript_units(text: str) -> list[_Unit]:
    """Units of a PDF transcript: sentences across pages, each with its page number."""
    pages: list[tuple[int | None, str]] = []
    for line in text.split("\n"):
        page, body = split_page_number(line.strip())
        if not body:
            continue
        if pages and body[:1].islower():
            pages[-1] = (pages[-1][0], f"{pages[-1][1]} {body}")
        else:
            pages.append((page, body))
    units: list[_Unit] = []
    for page, body in pages:
        units.extend(_sentence_units(body, 0, page, carry=page is not None))
    return units


def _pack(units: list[_Unit], split_pages: bool = False) -> list[list[_Unit]]:
    """Greedily pack units into groups of about TARGET_WORDS, never past MAX_WORDS.

    A marked-up heading (level 1-3), and with `split_pages` a new page, opens a new group unless
    the current one is tiny, so passages (and the page and heading they cite) follow the document.
    """
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    words = 0

    def flush(last: bool = False) -> None:
        nonlocal current, words
        if not current:
            return
        carry: list[_Unit] = []
        if not last and len(current) > 1 and current[-1].is_heading:
            carry = [current.pop()]
        groups.append(current)
        current, words = carry, sum(u.words for u in carry)

    for unit in units:
        new_section = bool(current) and unit.section != current[-1].section
        new_page = split_pages and bool(current) and unit.page != current[-1].page
        opens = (0 < unit.level <= METADATA_HEADING_LEVELS or new_page) and words >= MIN_WORDS // 2
        if (new_section and words >= MIN_WORDS) or opens or words + unit.words > MAX_WORDS or words >= TARGET_WORDS:
            last = current[-1] if current else None
            flush()
            if last is not None and not new_section and last.carry and not current:
                current, words = [replace(last, overlap=True)], last.words
        current.append(unit)
        words += unit.words
    flush(last=True)
    groups = [group for group in groups if not all(u.overlap for u in group)]
    if len(groups) > 1 and sum(u.words for u in groups[-1]) < MIN_WORDS // 3:
        groups[-2].extend(groups.pop())
    return groups


def _chunk_id(file: str, position: int, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{file}#{position}-{digest}"


def chunk_document(document: Document) -> list[Chunk]:
    """Cut one document into chunks carrying its metadata and their position."""
    raw = document.text
    transcript = has_transcript(raw)
    if transcript:
        units = _transcript_units(clean_text(strip_related_titles(raw)))
    else:
        units = _structured_units(_pages(raw))
    source = document.source
    chunks: list[Chunk] = []
    for position, group in enumerate(_pack(units, split_pages=not transcript)):
        body = "\n".join(u.text for u in group)
        # The heading the passage's text stands under (after any headings it starts with).
        first_text = next((u for u in group if not u.level), group[0])
        heading = first_text.heading or (group[0].text if group[0].is_heading and len(group) > 1 else "")
        page = next((u.page for u in group if u.page is not None), None)
        chunks.append(
            Chunk(
                chunk_id=_chunk_id(source.file, position, body),
                file=source.file,
                title=source.title,
                publisher=source.publisher,
                year=source.year,
                url=source.url,
                position=position,
                text=body,
                heading=heading,
                page=page,
                sentences=tuple(with_lead_ins([s for line in body.split("\n") for s in split_sentences(line)])),
            )
        )
    return chunks
