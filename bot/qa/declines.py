"""What the bot says when its documents do not answer a question.

The decline names what the documents do cover, from their metadata (`topics:` in
`corpus/sources.yml`), so it stays true when consultants add or remove documents.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.schema import SourceInfo

DECLINE_START = "Det kan jeg desværre ikke svare på ud fra mine dokumenter, og jeg vil ikke gætte."
NO_LEGAL_ANSWER_TEXT = (
    "Mine dokumenter siger ikke noget om den regel eller frist, så det vil jeg ikke svare på. "
    "Spørg kommunens børne- og familieafdeling, eller læs lovteksten på retsinformation.dk. "
    "Jeg kan fortælle, hvad dokumenterne siger om fx dialogbaseret underretning og sparring."
)
# A section a contents page lists, whose text the documents lack (`DeclineReason.SECTION_MISSING`).
SECTION_MISSING_START = ("Det afsnit står i indholdsfortegnelsen i et af mine dokumenter, men selve teksten har jeg ikke, "
                         "så det vil jeg ikke gætte på.")
NOTHING_MORE_TEXT = "Jeg har ikke mere om det i de dokumenter, svaret kom fra. Stil gerne et nyt spørgsmål."
HEDGE_TEXT = "Det nærmeste, jeg finder i mine dokumenter, er dette. Det svarer måske ikke præcist på dit spørgsmål:"
EMPTY_TEXT = "Jeg fik ikke noget spørgsmål. Skriv gerne, hvad du vil vide."
MAX_TOPICS = 6


def _joined(items: list[str]) -> str:
    """"a, b og c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}"


def decline_text(sources: Mapping[str, SourceInfo], start: str = DECLINE_START) -> str:
    """The plain decline (after `start`), naming the first topic of each document (at most `MAX_TOPICS`)."""
    topics = list(dict.fromkeys(info.topics[0] for info in sources.values() if info.topics))[:MAX_TOPICS]
    covered = f", fx {_joined(topics)}" if topics else ""
    return (f"{start} Jeg kan svare på spørgsmål om tidlig forebyggende indsats for børn og unge "
            f"ud fra mine dokumenter{covered}, og om hvordan man skriver en underretning.")
