"""A question in two parts ("Hvad har Herning investeret, og hvad har de fået igen?") split in two.

The second part often leans on the first ("..., and when?"): the engine reads it in the first
part's context (`Query.in_context`).
"""

from __future__ import annotations

import re

# ", og hvad ...", " og hvor mange ...", ", and when?": a conjunction followed by a new question word.
_SECOND_QUESTION = re.compile(
    r",?\s+(?:og|and)\s+(?=(?:hvad|hvor|hvem|hvornår|hvordan|hvorfor|hvilke|hvilken|hvilket|blev|"
    r"when|how|what|who|which|where|why|did|was|is|does)\b)",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 2


def split_question(text: str) -> tuple[str, str] | None:
    """The two parts of a question that asks two things, or None (one part, or more than two)."""
    pieces = _SECOND_QUESTION.split(text.strip())
    if len(pieces) != 2:
        return None
    first, second = (piece.strip(" ,;–-") for piece in pieces)
    if len(first.split()) < _MIN_PART_WORDS or not second:
        return None
    return first.rstrip("?") + "?", second if second.endswith("?") else f"{second}?"
