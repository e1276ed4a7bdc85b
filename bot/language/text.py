"""Danish text normalisation shared by lexical search, entity matching and answers.

Users often type without æ/ø/å ("hvad gor herning", "faerre", "paa"), so matching works
on a folded form in which æ/ae, ø/oe and å/aa coincide.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBER = r"\d+(?:[.,]\d+)*"  # "4,7" and "2016" stay whole
_LETTERS = r"[^\W\d_]+"
_TOKEN = re.compile(rf"{_NUMBER}|{_LETTERS}(?:-{_LETTERS})*", re.UNICODE)
# A name's token keeps an apostrophe inside it ("KL's" is one name).
NAME_TOKEN = re.compile(rf"{_NUMBER}|{_LETTERS}(?:[-'’]{_LETTERS})*", re.UNICODE)
_FOLD_TABLE = str.maketrans({"æ": "a", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})
_DIGRAPHS = re.compile(r"aa|ae|oe")
_DIGRAPH_MAP = {"aa": "a", "ae": "a", "oe": "o"}


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower-case and fold Danish letters and their ASCII spellings to one form."""
    word = unicodedata.normalize("NFC", word.lower()).translate(_FOLD_TABLE)
    # Until nothing changes, so that every spelling of a word meets in one form: "åen" -> "aen" and "aaen" -> "aen"
    # both go on to "an" (one pass left "aaen" at "aen", which no folded pattern "åen" matched).
    while (folded := _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group(0)], word)) != word:
        word = folded
    return word


def words(text: str) -> list[str]:
    """Word and number tokens, lower-cased ("4,7" and "2016" stay whole)."""
    return [token.lower() for token in _TOKEN.findall(text)]


def folded_text(text: str) -> str:
    """The whole text folded, with single spaces between tokens (for substring matching)."""
    return " ".join(fold(token) for token in words(text))
