"""A Danish sentence splitter that respects abbreviations, ordinals and amounts."""

from __future__ import annotations

import re

# Abbreviations after which a period does not end a sentence (lower-cased, no final dot).
ABBREVIATIONS = frozenset(
    """
    bl.a f.eks fx ca mio mia nr jf dvs mv osv ift iht evt inkl ekskl etc vs
    mht pga ang tlf bl inkl hhv vedr ff stk
    """.split()
)
_BOUNDARY = re.compile(r"[.!?][\"”’)]*(\s+)(?=[\"“(–-]?[A-ZÆØÅ0-9§])")
_WORD_BEFORE = re.compile(r"(\S+)$")


def _ends_sentence(left: str) -> bool:
    match = _WORD_BEFORE.search(left)
    if not match:
        return False
    word = match.group(1).rstrip(".!?\"”’)").lower()
    if word in ABBREVIATIONS:
        return False
    # "7. oktober", "9. klasse": a short ordinal number is not a sentence end.
    return not (word.isdigit() and len(word) <= 2 and left.rstrip().endswith("."))


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; whitespace inside sentences is preserved."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start(1)
        if _ends_sentence(text[:cut]):
            sentences.append(text[start:cut].strip())
            start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]
