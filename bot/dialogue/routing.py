"""Whether a message NLU took for smalltalk or feedback is really a question to the documents, and whether
a message NLU sent to the answer path only greets or thanks (`social_reply`).

After an answer NLU's confidence is no guide: "hvem var minister dengang?" reads as "hvem er du?" to it,
sure as can be. So the shape of the message decides: a question (a question mark, or a question
word first) that is not addressed to the bot ("du", "you") and either follows an answer or uses a
word of the documents goes to the answer path; "hvem er du?", "hvad kan du?", "godt svar" do not.
Before any answer, a smalltalk intent NLU is very sure of stands ("Er det en kunstig intelligens, jeg
skriver med?"): on the tuning folds every question for the documents NLU took for smalltalk had a
confidence under 0.45, and smalltalk itself mostly 0.95 or more.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.dialogue.safety import is_acute_danger
from bot.language.analysis import analyse
from bot.language.query import Query
from bot.language.worry import speaks_of_a_worry

# Question words, and the verbs of a request for information ("giv et eksempel", "forklar ..."), folded.
_QUESTION_WORDS = frozenset(
    "hvad hvem hvor hvornar hvordan hvorfor hvilke hvilken hvilket hvormeget giv fortal forklar beskriv navn "
    "what who where when how why which give tell explain describe name".split()
)
_TO_THE_BOT = frozenset("du dig din dit dine you your yourself".split())
VERY_SURE = 0.95
_NO_SUBJECT = frozenset(analyse("hvad hvem hvor hvornår hvordan hvorfor hvilke mange meget siden"))
# A greeting that opens a message, thanks anywhere in it, and the phrases of a request for something.
_GREETING = re.compile(r"^(?:hej(?:sa)?|hey|hi|hello|hallo|halløj|goddag|godmorgen|god morgen|godaften|god aften|"
                       r"good (?:morning|afternoon|evening)|dav)\b", re.IGNORECASE)
_THANKS = re.compile(r"\b(?:tak|takker|thanks|thank you|cheers)\b", re.IGNORECASE)
# An acknowledgement that opens a remark ("super, så har jeg datoen", "fint, så ved jeg det"): thanks in effect.
_ACKNOWLEDGEMENT = re.compile(r"^(?:(?:ok(?:ay)?|nå)[, ]+)?(?:super|fint|perfekt|godt|fedt|dejligt|flot|fantastisk|"
                              r"glimrende|fremragende|skønt|great|perfect|nice|fine|good|excellent|brilliant|awesome|"
                              r"lovely|fantastic|wonderful|splendid)\b", re.IGNORECASE)
# Praise for the bot ("du er sgu hurtig", "Hvor er du dog flink", "you're so helpful"): thanks in effect.
_PRAISE = re.compile(r"\b(?:du er|du var|you are|you're|youre|hvor er du)\b(?:\s+\w+){0,3}?\s+(?:flink|hurtig|sød|god|"
                     r"dygtig|klog|smart|sej|fast|quick|helpful|kind|clever|great|nice|brilliant|amazing)\w*\b",
                     re.IGNORECASE)
_REQUEST = re.compile(r"\b(?:vil gerne (?:vide|høre|spørge|have)|gerne vide|want to (?:know|ask)|would like to (?:know|ask)|"
                      r"kan du|could you|can you|tell me|fortæl|forklar|giv mig|hjælp mig|help me)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!])\s+")  # "Tak for svaret. Hvad med Aarhus": the question is the second sentence
GREET_RESPONSE = "utter_greet"
THANKS_RESPONSE = "utter_thanks"


def is_question(message: Query) -> bool:
    """A question mark, or a question word or request first ("hvornår", "who", "giv et eksempel")."""
    words = message.folded.split()
    return "?" in message.text or bool(words and words[0] in _QUESTION_WORDS)


def asks_the_documents(message: Query, follows_an_answer: bool, vocabulary: Collection[str],
                       confidence: float = 0.0) -> bool:
    """Whether the message is a question for the documents rather than to or about the bot (`confidence`:
    NLU's in the smalltalk or feedback intent it gave)."""
    if not is_question(message) or set(message.folded.split()) & _TO_THE_BOT:
        return False
    if not follows_an_answer and confidence >= VERY_SURE:
        return False
    return follows_an_answer or any(term in vocabulary and term not in _NO_SUBJECT for term in message.terms)


def social_reply(text: str) -> str | None:
    """The response to a message that only greets, thanks or praises ("Godmorgen! Så er kaffen klar", "Perfect,
    that's all I needed. Thanks!", "du er sgu hurtig"), which NLU may take for a question or for out of scope:
    `GREET_RESPONSE`, `THANKS_RESPONSE`, or None for a message that asks or requests something, or speaks of a child,
    a worry or a danger."""
    text = text.strip()
    if speaks_of_a_worry(text) or _REQUEST.search(text) or is_acute_danger(text):
        return None
    if "?" not in text and _PRAISE.search(text):  # "Hvor er du dog flink" exclaims, though it starts like a question
        return GREET_RESPONSE if _GREETING.match(text) else THANKS_RESPONSE
    rest = _ACKNOWLEDGEMENT.sub("", _GREETING.sub("", text)).lstrip(" ,.!-–")
    if any(is_question(Query.parse(part)) for part in _SENTENCE_END.split(rest) if part.strip()):
        return None
    if _GREETING.match(text):
        return GREET_RESPONSE
    return THANKS_RESPONSE if _THANKS.search(text) or _ACKNOWLEDGEMENT.match(text) else None
