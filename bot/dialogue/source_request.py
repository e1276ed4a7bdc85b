"""Whether a message after an answer asks where that answer comes from ("hvem står bag?", "hvor står det?",
"who wrote that?") rather than something in it ("hvem skrev forordet?", "uddyb det med forældrene")."""

from __future__ import annotations

from bot.language.analysis import analyse
from bot.language.text import words

# The words that ask where an answer comes from ("hvem står bag?", "hvor står det?", "where is that from?").
ASKING_FOR_THE_SOURCE = frozenset(analyse(
    "hvem hvor hvad hvilken hvilket står stå bag skrevet skrev skriver lavet lavede udgivet udgav udgiver kommer "
    "fra kilde kilden kilder dokument dokumentet dokumenter svaret oplysningen oplysningerne læse læst finde link "
    "tal tallene tallet forfatter afsender who wrote written where from source sources document documents author "
    "figures numbers made by is are was were that this these those it come comes organisation organisationen siger "
    "sagde sagt says said organization publisher which what whose the a an of behind does do did you find found get got "
    # The document itself, named ("den tekst", "materialet", "undersøgelsen", "det sidste"), and filler ("okay").
    "tekst teksten materiale materialet undersøgelse undersøgelsen rapport rapporten sidste henne udsendt udsendte "
    "præsentation præsentationen slides slide publikation publikationen publikationer folder folderen "
    "pressemeddelelse pressemeddelelsen udspil udspillet presentation publication deck leaflet press release "
    "og and okay ok text report study published publish stod hentet hentede taken"))
# Of those, the words that only a question about the source uses ("hvem har skrevet det?", "hvor står det?"):
# "hvem er det?" or "hvad siger de?" asks something else.
_SOURCE_MARKERS = frozenset(analyse(
    "står bag skrevet skrev skriver lavet lavede udgivet udgav udgiver fra kilde kilden kilder forfatter afsender "
    "udsendt udsendte stod hentet hentede wrote written from source sources author publisher published behind"))
# "står" with "hvad" and without "hvor" or another word about the source asks what a text says or should say
# ("hvad skal der stå i den?" after guidance on a notification), not where ("hvor står det?", "hvem står bag?",
# "hvilken rapport står det i?").
_STANDS = frozenset(analyse("står stå"))
_WHAT = frozenset({"hvad", "what"})
_WHERE = frozenset({"hvor", "where"})


def names_something(message: str, asking: frozenset[str]) -> bool:
    """Whether the message names something besides the words that ask ("uddyb det med forældrene", "hvem skrev
    forordet?"): then it is a question about that, not about the last answer as a whole."""
    return any(term not in asking for term in analyse(message))


def asks_what_it_says(message: str) -> bool:
    """Whether the message asks what a text says or should say ("hvad skal der stå i den?", "hvad står der?"),
    not where the answer comes from ("hvor står det?", "hvem står bag?")."""
    terms = set(analyse(message))
    tokens = set(words(message))
    return (bool(terms & _STANDS) and not terms & (_SOURCE_MARKERS - _STANDS) and bool(tokens & _WHAT)
            and not tokens & _WHERE)


def asks_for_the_source(message: str) -> bool:
    """Whether the message asks only where the last answer comes from, whatever intent NLU gave it."""
    terms = set(analyse(message))
    return (bool(terms & _SOURCE_MARKERS) and terms <= ASKING_FOR_THE_SOURCE  # names nothing else
            and not asks_what_it_says(message))
