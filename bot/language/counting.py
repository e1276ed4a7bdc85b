"""What a "hvor mange X?" question counts, and whether a text states that count.

"Hvor mange kommuner kunne søge?" is answered by "i omegnen af 25 kommuner", not by any number ("96 mio.
kr."): a number (in digits or in words) with the counted word within the next three words. Words are
compared folded (æ/ae, ø/oe, å/aa alike) and by their first letters, so inflections, compounds
("myndighedsrådgivere") and typos late in the word ("familjer") still meet.
"""

from __future__ import annotations

import re

from bot.language.text import fold, words

_COUNTED = re.compile(r"\bhvor mange (?:flere |ekstra )?([a-zæøå]{3,})", re.IGNORECASE)
# A question word before "hvor mange" asks for something else ("Hvad skal de måles på i stedet for, hvor mange
# timers støtte de leverer?").
_ASKED_BEFORE = re.compile(r"\b(hvad|hvordan|hvorfor|hvem|hvilke[nt]?|hvornår|what|how|why|who|which|when)\b",
                           re.IGNORECASE)
# Words after "hvor mange" that name no counted thing: people in general, money and shares (amounts, asked for as
# such) and verbs.
_NOT_COUNTED = frozenset("folk penge kroner millioner milliarder procent gange af er var har havde kan skal der".split())
_PLURAL_ENDINGS = ("erne", "ene", "er", "e", "r")
# Numbers in words ("en" and "et" are articles far more often than numbers: "en stor del af landets kommuner").
NUMBER_WORDS = frozenset(fold(word) for word in (
    "to tre fire fem seks syv otte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten tyve "
    "tredive fyrre halvtreds tres halvfjerds firs halvfems hundrede tusind dobbelt halvdelen").split())
# How far after the number the counted word may come ("25 kommuner", "to faste netværksmøder").
_WORDS_AFTER = 3
# The counted word is matched by its first letters: all but its last two, and at least five.
_PREFIX_MIN, _PREFIX_DROP = 5, 2


def counted_word(text: str) -> str | None:
    """What the question counts ("hvor mange kommuner?" -> "kommun"), folded and without plural ending; None
    when it counts nothing named (or money)."""
    match = _COUNTED.search(text)
    if not match or match.group(1).lower() in _NOT_COUNTED or _ASKED_BEFORE.search(text, 0, match.start()):
        return None
    word = fold(match.group(1))
    return next((word[:-len(end)] for end in _PLURAL_ENDINGS if word.endswith(end) and len(word) - len(end) >= 3),
                word)


def states_count(counted: str, text: str) -> bool:
    """Whether the text has a number with the counted word (`counted_word`) within the next three words."""
    key = counted[:max(_PREFIX_MIN, len(counted) - _PREFIX_DROP)]
    tokens = [fold(token) for token in words(text)]
    return any((token[:1].isdigit() or token in NUMBER_WORDS)
               and any(key in after for after in tokens[i + 1:i + 1 + _WORDS_AFTER])
               for i, token in enumerate(tokens))
