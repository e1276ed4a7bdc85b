"""A keyword safety net for messages about a child in acute danger.

NLU (the `acute_concern` intent) catches most such messages; this net catches the rest
wherever a message reaches the answer action, in Danish and English, with or without
æ/ø/å. It errs on the side of showing the emergency advice.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.language.text import folded_text

# Folded (æ→a, ø→o, å→a, aa→a, ae→a, oe→o) word-prefix patterns; each is a danger sign alone.
_DANGER = [
    r"kvalertag", r"kvaler", r"kvalt", r"mark(?:er)? pa halsen", r"bla mark", r"slar (?:ham|hende|barnet|dem|mig)",
    r"slaet", r"slog (?:ham|hende|barnet)", r"tasker", r"tasket", r"sparker (?:ham|hende|barnet)", r"vold mod",
    r"voldtag", r"seksuelt? (?:misbrug|overgreb|kranket)", r"kranket seksuelt", r"overgreb", r"incest",
    r"selvmord", r"tage sit (?:eget )?liv", r"vil do\b", r"vil ikke leve", r"skade sig selv", r"cutter",
    r"tor ikke (?:ga )?hjem", r"bange for at (?:ga|komme) hjem", r"truet med", r"truer med", r"kniv",
    r"i akut fare", r"er i fare", r"i fare (?:nu|lige nu)", r"alene hjemme .*(?:dag|dogn|nat)", r"forladt",
    r"strangl", r"chok(?:ed|ing)", r"\bhits? (?:him|her|the child)", r"\bbeat(?:s|en|ing)?\b", r"\babus",
    r"suicid", r"kill (?:him|her|them)sel", r"self[- ]harm", r"in danger", r"unsafe", r"afraid to go home",
    r"ror(?:er|te)? ved (?:hende|ham|hendes|hans|barnet|dem)\b", r"brandsar", r"brandmark", r"cigaretmark",
    r"touch(?:es|ed|ing)? (?:her|him) ", r"burn(?:s|ed)? on",
]
# Signs that are dangerous together: an intoxicated parent about to drive with the child.
_INTOXICATED = r"\b(?:fuld|beruset|pavirket|drunk|intoxicated|har drukket|sprut|alkohol)\b"
_DRIVING = r"\b(?:kor|kore|korer|bil|bilen|drive|driving|car)\b"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (re.compile("|".join(_DANGER)), re.compile(_INTOXICATED), re.compile(_DRIVING))


def is_acute_danger(text: str) -> bool:
    """True when the message describes a child who may be in danger right now."""
    folded = folded_text(text)
    danger, intoxicated, driving = _patterns()
    return bool(danger.search(folded) or (intoxicated.search(folded) and driving.search(folded)))
