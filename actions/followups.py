"""Follow-ups on the last answer: where it came from, and a shorter version."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message, conversation_context, latest_text
from actions.contract import send
from actions.runtime import engine
from bot.dialogue.followup import Context
from bot.language.analysis import analyse
from bot.qa.citation import with_excerpts
from bot.qa.compose import shorten
from bot.schema import Answer, AnswerKind

NOTHING_YET = "Jeg har ikke givet dig et svar fra dokumenterne endnu. Stil gerne et spørgsmål."


# The words that ask where an answer comes from ("hvem står bag?", "hvor står det?", "where is that from?").
_ASKING_FOR_THE_SOURCE = frozenset(analyse(
    "hvem hvor hvad hvilken hvilket står stå bag skrevet skrev skriver lavet lavede udgivet udgav udgiver kommer "
    "fra kilde kilden kilder dokument dokumentet dokumenter svaret oplysningen oplysningerne læse læst finde link "
    "tal tallene tallet forfatter afsender who wrote written where from source sources document documents author "
    "figures numbers made by is that this it come comes organisation organisationen siger sagde sagt says said "
    "organization publisher which what whose the a an of behind does do did you find found get got "
    # The document itself, named ("den tekst", "materialet", "undersøgelsen", "det sidste"), and filler ("okay").
    "tekst teksten materiale materialet undersøgelse undersøgelsen rapport rapporten sidste henne udsendt udsendte "
    "okay ok text report study published publish"))


def _names_something(message: str, asking: frozenset[str]) -> bool:
    """Whether the message names something besides the words that ask ("uddyb det med forældrene", "hvem skrev
    forordet?"): then it is a question about that, not about the last answer as a whole."""
    return any(term not in asking for term in analyse(message))


FROM_DOCUMENTS = frozenset({AnswerKind.ANSWER.value, AnswerKind.GUIDANCE.value})


def _last_answer(tracker: Tracker) -> Answer | None:
    """The last answer from the documents in this conversation (the `last_answer` slot: an answer or notification
    guidance, both cited), if any."""
    payload = tracker.get_slot("last_answer")
    if not isinstance(payload, dict) or payload.get("kind") not in FROM_DOCUMENTS:
        return None
    return Answer.from_payload(payload)


class ActionAnswerSource(Action):
    """Name the sources of the last answer, with the cited passages."""

    def name(self) -> str:
        return "action_answer_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        last = _last_answer(tracker)
        # "er 97% fra Herning eller Odense?", "hvem skrev forordet?": a question in its own right.
        if last is None or _names_something(latest_text(tracker), _ASKING_FOR_THE_SOURCE):
            return answer_latest_message(dispatcher, tracker)
        text = "Svaret kommer fra:\n" + with_excerpts(last.sources)
        send(dispatcher, Answer(AnswerKind.ANSWER, text, last.sources, last.confidence))
        return []


class _AboutTheLastAnswer(Action, ABC):
    """An action about the last answer from the documents; without one it asks for a question (abstract:
    not registered as an action of its own)."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        last, context = _last_answer(tracker), conversation_context(tracker)
        if last is None or context is None:
            send(dispatcher, Answer(AnswerKind.CLARIFY, NOTHING_YET))
            return []
        return self.respond(dispatcher, last, context)

    @abstractmethod
    def respond(self, dispatcher: CollectingDispatcher, last: Answer, context: Context) -> list[EventType]:
        """Reply about `last`, the answer to `context.question`."""


class ActionAnswerShorter(_AboutTheLastAnswer):
    """Repeat the last answer in one or two sentences."""

    def name(self) -> str:
        return "action_answer_shorter"

    def respond(self, dispatcher: CollectingDispatcher, last: Answer, context: Context) -> list[EventType]:
        send(dispatcher, shorten(context.question, last))
        return []


# The words that ask for more ("kan du uddybe?", "fortæl mere", "tell me more"), as the analyser sees them.
_ASKING_FOR_MORE = frozenset(analyse("uddybe uddyb uddybende fortæl fortælle mere forklar forklare nærmere gerne "
                                     "lidt venligst elaborate tell me more explain detail details please can could you"))


class ActionAnswerMore(_AboutTheLastAnswer):
    """"Kan du uddybe?": the next most relevant part of the documents the last answer came from."""

    def name(self) -> str:
        return "action_answer_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if _names_something(latest_text(tracker), _ASKING_FOR_MORE) and _last_answer(tracker):
            # "kan du uddybe det med forældrene?": a question about that part, answered in the answer's context.
            return answer_latest_message(dispatcher, tracker)
        return super().run(dispatcher, tracker, domain)

    def respond(self, dispatcher: CollectingDispatcher, last: Answer, context: Context) -> list[EventType]:
        more = engine().elaborate(context.question, context.files, context.passages)
        send(dispatcher, more)
        if more.kind is not AnswerKind.ANSWER:
            return []
        # Everything shown so far stays "seen", so asking again gives the part after this one.
        shown = replace(more, sources=[*last.sources, *more.sources])
        return [SlotSet("last_answer", shown.payload())]
