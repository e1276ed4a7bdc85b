"""Whether a message speaks of a worry about a child: the subject the notification guidance is for."""

from __future__ import annotations

import re

# A child or young person, the family, or the worry itself (Danish with or without æ/ø/å, and English).
# Whole word forms, so that "børnehave" or "trives" (plants thrive too) is no worry.
_WORRY = re.compile(
    r"\b(barn(et|ets|s)?|b(ø|oe|o)rn(ene|enes|s)?|spædbarn\w*|elev\w*|dreng\w*|pige\w*|baby\w*|teenage\w*"
    r"|unge?(n|ns)?|s(ø|o)n(nen)?|datter\w*|d(ø|o)tre\w*|famili\w*|for(æ|ae|a)ldre\w*|mor(en)?|far(en)?"
    r"|child\w*|kids?|pupils?|students?|boys?|girls?|sons?|daughters?|teens?|parents?|family|families"
    r"|underr?et\w*|bekymr\w*|mistriv\w*|omsorgssvigt\w*|vold\w*|misbrug\w*|worr\w*|concern\w*|notif\w*"
    r"|report\w*|neglect\w*|abuse\w*)\b",
    re.IGNORECASE,
)


def speaks_of_a_worry(text: str) -> bool:
    """Whether the text speaks of a child, a family or a worry ("min elev virker trist", "how do I
    report a concern?"), not only of something else a worried professional's intent was given to
    ("Hvilke planter trives på en altan?")."""
    return bool(_WORRY.search(text))
