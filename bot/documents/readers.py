"""Turning a corpus file into text that keeps its structure, by format.

Every reader returns the same light mark-up, which `bot.documents.chunking` follows:

- paragraphs are separated by a blank line;
- headings are Markdown heading lines (`# ` level 1, `## ` level 2, ...);
- a paged format (PDF) ends every page with a form feed (`\\f`), so chunks keep their page.

Formats: `.txt`, `.md` (as written), `.pdf` (pypdf), `.docx` (python-docx: heading
styles become headings, tables one line a row) and `.html`/`.htm` (trafilatura: the main
text without menus and footers, h1–h6 as headings). A file that cannot be read raises
`UnreadableDocument` with a short reason in Danish (the consultant reads it).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Callable

from bot.documents.pdf_text import page_paragraphs

PAGE_BREAK = "\f"
HEADING_LINE = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")  # groups: the marks, the heading
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # old .doc files and password-protected Office files


class UnreadableDocument(Exception):
    """A corpus file that cannot be turned into text; the message says why."""


def _why(error: BaseException) -> str:
    """A library error in a few words, for the reason shown to the consultant."""
    detail = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _read_plain(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"ikke gyldig UTF-8-tekst ({error.reason} ved byte {error.start})") from error


def _read_markdown(path: Path) -> str:
    """Markdown as written, links and images reduced to their text."""
    return _MARKDOWN_LINK.sub(r"\1", _read_plain(path))


def _read_pdf(path: Path) -> str:
    """The text layer of a PDF, page by page; encrypted PDFs only without a password."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are noise to a consultant
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("PDF-filen er beskyttet med adgangskode")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as error:  # pypdf signals broken files with many exception types
        raise UnreadableDocument(f"ikke en gyldig PDF-fil ({_why(error)})") from error
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("PDF-filen har ingen tekst (er den skannet som billeder?)")
    return "".join(page + PAGE_BREAK for page in page_paragraphs(pages))


def _heading_level(style: Any) -> int:
    """The heading level of a Word paragraph style (or the style it is based on), else 0."""
    while style is not None:
        name = style.name or ""
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1))
        style = style.base_style
    return 0


def _docx_block(item: Any) -> str:
    """A Word paragraph (a heading marked up by level) or a table (one line a row)."""
    from docx.table import Table

    if isinstance(item, Table):
        rows = (" | ".join(dict.fromkeys(cell.text.strip() for cell in row.cells)) for row in item.rows)
        return "\n".join(row for row in rows if row.strip(" |"))
    text = item.text.strip()
    level = _heading_level(item.style) if text else 0
    return f"{'#' * level} {text}" if level else text


def _read_docx(path: Path) -> str:
    """A Word document's paragraphs and tables in reading order."""
    import docx

    with path.open("rb") as handle:
        if handle.read(4) == _OLE_SIGNATURE:
            raise UnreadableDocument("ikke en .docx-fil (gammelt .doc-format eller beskyttet med adgangskode)")
    try:
        blocks = [_docx_block(item) for item in docx.Document(str(path)).iter_inner_content()]
    except Exception as error:  # a broken zip or XML part: python-docx has no common error type
        raise UnreadableDocument(f"ikke en gyldig Word-fil ({_why(error)})") from error
    return "\n\n".join(block for block in blocks if block)


def _read_html(path: Path) -> str:
    """The main text of a web page (no menus, footers or scripts), headings marked up."""
    import trafilatura

    text = trafilatura.extract(path.read_bytes(), output_format="markdown", include_formatting=True,
                               include_tables=True, include_links=False, include_images=False,
                               include_comments=False, deduplicate=False)
    if not text:
        raise UnreadableDocument("ingen brødtekst fundet på websiden")
    return text


READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
SUPPORTED_SUFFIXES = frozenset(READERS)


def read_text(path: Path) -> str:
    """The text of a corpus file; raises `UnreadableDocument` when it has none."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(
            f"filtypen {path.suffix or '(ingen)'!r} understøttes ikke (brug {', '.join(sorted(READERS))})")
    try:
        text = reader(path)
    except OSError as error:
        raise UnreadableDocument(f"filen kan ikke åbnes ({error.strerror or _why(error)})") from error
    if not text.strip():
        raise UnreadableDocument("filen indeholder ingen tekst")
    return text
