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
# A figure's source line ("Kilde: Analyse af ..., Rambøll, marts 2012") ends at its year, even
# when the extracted text runs on into the next heading or sentence without a full stop.
_SOURCE_LINE_START = "Kilde:"
_SOURCE_LINE = re.compile(rf"\b{_SOURCE_LINE_START} [^.!?]{{0,200}}?\b(?:19|20)\d\d\b\.?(\s+)(?=[A-ZÆØÅ])")
# Contact details and bylines: a phone number, an e-mail address, "Kontakt ...", or a quote's
# attribution ("— Johnnie James Fischer, afdelingsleder ...").
_CONTACT = re.compile(r"@\w|\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b|^(?:Kontakt|Tlf|Telefon|Mail|E-mail)\b|^— ?[A-ZÆØÅ]")
_NAME_LINE_MAX_WORDS = 12
_HEADING_MAX_WORDS = 12
LIST_ITEM_MARKERS = ("- ", "• ")  # how an extracted list item starts
# Seams of text extracted across columns ("... kommuner. og prøve nye ting af.", "skal stå til til
# benchmarking"): a sentence running on in lower case after a full stop, or a doubled word. (A capitalised
# word inside a sentence is no sign: flattened tables and headings do it too.)
_LOWER_AFTER_STOP = re.compile(r"(\S+)[.!?]\s+[a-zæøå]{2,}")
_DOUBLED_WORD = re.compile(r"\b([a-zæøå]{2,})\s+\1\b")


def _ends_sentence(left: str) -> bool:
    match = _WORD_BEFORE.search(left)
    if not match:
        return False
    word = match.group(1).rstrip(".!?\"”’)").lower()
    if word in ABBREVIATIONS:
        return False
    # "7. oktober", "9. klasse": a short ordinal number is not a sentence end.
    return not (word.isdigit() and len(word) <= 2 and left.rstrip().endswith("."))


def is_heading(line: str) -> bool:
    """A heading, title or name line: short, and not ending as a sentence or lead-in does."""
    return len(line.split()) <= _HEADING_MAX_WORDS and not line.rstrip().endswith((".", "!", "?", ":"))


def with_lead_ins(sentences: list[str]) -> list[str]:
    """The sentences with a short label line ending in a colon joined to the sentence it introduces
    ("Investeringsmodel i Herning:" + "Der er investeret 2 mio. kr. om året i 4 år."): the label says what
    the sentence is about. A lead-in to list items stays apart (each item keeps a line of its own)."""
    joined: list[str] = []
    for sentence in sentences:
        previous = joined[-1] if joined else ""
        if (previous.endswith(":") and len(previous.split()) <= _HEADING_MAX_WORDS
                and not sentence.startswith(LIST_ITEM_MARKERS)):
            joined[-1] = f"{previous} {sentence}"
        else:
            joined.append(sentence)
    return joined


def is_source_line(sentence: str) -> bool:
    """A figure's source line ("Kilde: Analyse af ..., Rambøll, marts 2012")."""
    return sentence.startswith(_SOURCE_LINE_START)


def is_contact_line(sentence: str) -> bool:
    """Contact details, a byline or a list of names ("Louise Carlsberg Christensen eller Mette Laurberg"):
    no statement of its own."""
    if _CONTACT.search(sentence.strip()):
        return True
    words = sentence.split()
    capitalised = sum(word[:1].isupper() for word in words)
    return len(words) <= _NAME_LINE_MAX_WORDS and capitalised >= 2 and capitalised * 3 >= len(words) * 2 \
        and not sentence.rstrip().endswith((".", "?", ":"))


def _stop_runs_on(word_before: str) -> bool:
    """A full stop after this word ends a sentence (not an abbreviation, ordinal or amount)."""
    word = word_before.lower().rstrip(".")
    return word not in ABBREVIATIONS and word != "bla" and "." not in word and not word[-1:].isdigit()


def is_garbled(sentence: str) -> bool:
    """Text extracted across columns: no sentence a reader could follow."""
    return bool(_DOUBLED_WORD.search(sentence)) or any(map(_stop_runs_on, _LOWER_AFTER_STOP.findall(sentence)))


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; whitespace inside sentences is preserved."""
    sentences: list[str] = []
    start = 0
    cuts = [(m.start(1), m.end(), True) for m in _SOURCE_LINE.finditer(text)]
    cuts += [(m.start(1), m.end(), False) for m in _BOUNDARY.finditer(text)]
    for cut, end, source_line in sorted(cuts):
        if cut >= start and (source_line or _ends_sentence(text[:cut])):
            sentences.append(text[start:cut].strip())
            start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]
