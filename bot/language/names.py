"""Proper names in a Danish question: the capitalised words inside a sentence.

Danish capitalises names only ("Hvad siger Børns Vilkår om tidlig indsats?"), so a capitalised
word that does not start a sentence names an organisation, a person, a project or a place.
"""

from __future__ import annotations

from bot.language.text import NAME_TOKEN

# After these (or at the start) a word starts a sentence or a quotation and is capitalised anyway.
_OPENERS = tuple(".?!:;»«\"'“”‘’(–-")


def names(text: str) -> list[str]:
    """Runs of capitalised words that do not start a sentence, e.g. ["Børns Vilkår", "FOA"]."""
    runs: list[list[str]] = []
    previous_end = -1
    for match in NAME_TOKEN.finditer(text):
        token = match.group(0)
        before = text[: match.start()].rstrip()
        starts_sentence = not before or before.endswith(_OPENERS)
        if len(token) > 1 and token[0].isupper() and not starts_sentence:
            if runs and previous_end >= 0 and not text[previous_end: match.start()].strip():
                runs[-1].append(token)
            else:
                runs.append([token])
            previous_end = match.end()
        else:
            previous_end = -1
    return [" ".join(run) for run in runs]
