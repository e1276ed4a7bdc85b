"""Turning a short follow-up ("og hvad med Aarhus?") into a full question from the last one."""

from __future__ import annotations

import re

from bot.language.query import Query

_FOLLOWUP_START = re.compile(
    r"^(?:og |men |samme |and |what about |how about |(?:hvad|hvordan) (?:sa )?(?:med|om|i) )"
)
_MAX_FOLLOWUP_WORDS = 7


def is_followup(message: Query | str) -> bool:
    """A short message that names a municipality or organisation and reads like "and what about X?"."""
    message = Query.of(message)
    folded = message.folded
    entities = message.entities
    named = entities.municipalities or entities.organisations
    return bool(named) and len(folded.split()) <= _MAX_FOLLOWUP_WORDS and bool(_FOLLOWUP_START.match(folded + " "))


def rewrite_followup(previous: Query | str, message: Query | str) -> str:
    """The previous question asked again about the place or organisation named in `message`."""
    new = Query.of(message).entities
    old = Query.of(previous).entities
    previous_question = question = Query.of(previous).text
    replacements = [(old.municipalities, new.municipalities), (old.organisations, new.organisations)]
    replaced = False
    for old_names, new_names in replacements:
        if old_names and new_names:
            target = " og ".join(sorted(new_names))
            for name in old_names:
                question, count = re.subn(rf"\b{re.escape(name)}\w*", target, question, flags=re.IGNORECASE)
                replaced = replaced or count > 0
    if not replaced:
        names = sorted(new.municipalities | new.organisations)
        question = f"{previous_question.rstrip('?. ')} – {' og '.join(names)}?"
    return question
