"""Follow-ups: a short or elliptical message after an answer is read in that answer's context.

Two shapes:
- "og hvad med Aarhus?", "og Odense?": the previous question asked again about the place or
  organisation newly named (`rewrite_followup`);
- "siden hvornår?", "hvem var minister dengang?", "hvor mange cases bygger den på?", "and what did they
  get back?": a message that points back ("det", "de", "dengang") or has no subject of its own (short, or
  starting with "og") is searched together with the previous question, preferring the documents
  the previous answer cited (`Query.in_context`).
A message that brings two or more subject words of its own and does not point back (unless it is a short
"og ...?": "og børnenes alder?"), or names another place, is a new question, searched on its own words; the
documents of the answer before are still preferred.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from bot.language.analysis import analyse
from bot.language.entities import GENITIVE_ENDINGS, find_entities, written_forms
from bot.language.framing import VIEW_TERMS
from bot.language.query import Query
from bot.schema import Answer, AnswerKind

_FOLLOWUP_START = re.compile(
    r"^(?:og |men |samme |and |what about |how about |(?:hvad|hvordan) (?:sa )?(?:med|om|i) )"
)
_GENITIVE = f"(?:{'|'.join(map(re.escape, GENITIVE_ENDINGS))})?"  # "Hernings", "Aarhus'"
_MAX_FOLLOWUP_WORDS = 7
_MAX_ELLIPTICAL_WORDS = 6
_MAX_SHORT_AND_WORDS = 4  # "og børnenes alder?": read in context with two subject words of its own
# Words that point back to what was just said (folded): a message with one of them leans on the answer before
# whatever else it says ("hvor mange cases bygger den på?"), though some are also articles ("det tværfaglige
# team"): 5-fold CV, follow-up turns right 212 -> 219 of 280, no fold worse. "der" and "there" are not among
# them: mostly existential ("er der ...?", "are there ...?"). A personal pronoun points back to the person just
# asked about ("hvordan kan jeg få fat i hende?"): follow-up turns 219 -> 222, later turns declined 6 -> 5 of 9.
_POINTERS = frozenset("dem deres dens dets dengang derfra deraf heraf hertil it its they them their those then "
                      "det den de dette denne disse samme that this these "
                      "hun han hende ham hans hendes she he her him his".split())
# The verbs and question words that frame a follow-up carry no subject of their own.
_FRAME_TERMS = frozenset(analyse("hvornår hvem hvor hvad hvilke hvorfor hvordan mange meget siden givet betydet "
                                 "uddybe fortæl mere get got did when who what how many much and but about also then with"))
MAX_CONTEXT_WORDS = 60  # a chain of follow-ups keeps the most recent words of its context


@dataclass(frozen=True)
class Context:
    """What a follow-up may refer to: the previous question and the documents its answer cited."""

    question: str
    files: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()

    @classmethod
    def after(cls, question: str, answer: Answer | None) -> "Context":
        """What a next message may refer to after `answer` to `question`: the question, and the documents
        and excerpts an answer or guidance cited (nothing of a decline or smalltalk)."""
        cited = answer.sources if answer and answer.kind in (AnswerKind.ANSWER, AnswerKind.GUIDANCE) else []
        return cls(question, tuple(dict.fromkeys(s.file for s in cited)), tuple(s.passage for s in cited))

    def next(self, question: str, answer: Answer) -> "Context":
        """The context for the message after `answer` to `question`: that answer's when it came from the documents;
        after a decline or smalltalk still this one, when it holds an answer (the topic goes on: "okay, hvordan
        finder de så frem til børnene?" after a declined question; 5-fold CV: follow-up turns 399 -> 402 of 490,
        no fold worse, later turns declined unchanged), as the action server's `last_answered` reads it."""
        if answer.kind in (AnswerKind.ANSWER, AnswerKind.GUIDANCE) or not self.files:
            return Context.after(question, answer)
        return self

    def turned_to(self, named: frozenset[str]) -> "Context":
        """The context for a message that names documents (`documents_named`, "og DS' slides – ...?"): when it
        names none the answer cited, the documents it names are the ones to prefer (5-fold CV: follow-up turns
        325 -> 326 of 400, no fold worse)."""
        if not named or named & set(self.files):
            return self
        return replace(self, files=tuple(sorted(named)))


def is_followup(message: Query | str) -> bool:
    """A short message that names a municipality or organisation and reads like "and what about X?"."""
    message = Query.of(message)
    folded = message.folded
    entities = message.entities
    named = entities.municipalities or entities.organisations
    return bool(named) and len(folded.split()) <= _MAX_FOLLOWUP_WORDS and bool(_FOLLOWUP_START.match(folded + " "))


def asks_its_own(message: Query, vocabulary: Collection[str]) -> bool:
    """Whether a message naming a new place or organisation asks a question of its own ("og hvad sparede
    Aabenraa?") rather than the previous one again ("og Aarhus?", "hvad med KL?"): a word of the documents
    besides the names and the words that frame a question."""
    entities = message.entities
    named = frozenset(analyse(" ".join([*entities.municipalities, *entities.organisations,
                                  *(word for word in message.words if find_entities(word))])))
    frame = _FRAME_TERMS | VIEW_TERMS | named  # "og hvad siger KL?": a view asked for is no question of its own
    return any(term in vocabulary and term not in frame for term in message.terms)


def ask_again(previous: Query | str, message: Query) -> Query:
    """The previous question asked again about the place or organisation `message` names (`rewrite_followup`)."""
    return replace(Query.parse(rewrite_followup(previous, message)), asked_again=True)


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
                # As the question wrote it: "Socialrådgiverforeningen" for Dansk Socialrådgiverforening, "Hernings".
                for form in sorted(written_forms(name), key=len, reverse=True):
                    question, count = re.subn(rf"(?<![\w-]){re.escape(form)}{_GENITIVE}(?!\w)", target, question,
                                              flags=re.IGNORECASE)
                    replaced = replaced or count > 0
    if not replaced:
        names = sorted(new.municipalities | new.organisations)
        question = f"{previous_question.rstrip('?. ')} – {' og '.join(names)}?"
    return question


def is_elliptical(message: Query, previous: Query, vocabulary: Collection[str]) -> bool:
    """Whether the message leans on the previous question: it names no other place or organisation, and
    points back ("den", "dengang", "they"), or brings at most one subject word of its own (a word of the
    documents the previous question did not use; two in a short "og ...?" of at most four words) and is short
    or starts like "og ...?"."""
    mine = message.entities.municipalities | message.entities.organisations
    theirs = previous.entities.municipalities | previous.entities.organisations
    if mine - theirs:
        return False
    points_back = bool(set(message.folded.split()) & _POINTERS)
    new_subject = {t for t in message.terms if t in vocabulary and t not in previous.terms and t not in _FRAME_TERMS}
    starts = bool(_FOLLOWUP_START.match(message.folded + " "))
    if len(new_subject) > 1 and not points_back and not (starts and len(message.words) <= _MAX_SHORT_AND_WORDS):
        return False
    return len(message.words) <= _MAX_ELLIPTICAL_WORDS or points_back or starts


def in_context(message: Query, context: Context | None, vocabulary: Collection[str],
               names_another: bool = False) -> Query:
    """The question the message asks, read in the context of the previous answer if it leans on it;
    a message with a subject of its own is searched on its own words, still preferring the documents
    the previous answer cited (a conversation tends to stay with its documents: 5-fold CV, follow-up
    turns right 71 vs 69 of 94, no fold worse). `names_another`: NLU took the message for "and what about
    X?" (its `followup_municipality` intent), which a message naming a place or organisation then is."""
    if context is None or not context.question:
        return message
    previous = Query.parse(" ".join(context.question.split()[-MAX_CONTEXT_WORDS:]))
    named = message.entities.municipalities or message.entities.organisations
    if (is_followup(message) or names_another and named) and not asks_its_own(message, vocabulary):
        return ask_again(previous, message)
    if is_elliptical(message, previous, vocabulary):
        return Query.in_context(message, previous, context.files, " ".join(context.passages))
    return replace(message, context_files=context.files)
