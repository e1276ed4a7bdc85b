"""Follow-ups on the last answer: where it came from, and a shorter version."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message, last_answer, last_answered, latest_text, send_sources
from actions.contract import send
from actions.runtime import engine
from bot.dialogue.followup import Context
from bot.dialogue.source_request import ASKING_FOR_THE_SOURCE, asks_for_the_source, asks_what_it_says, names_something
from bot.language.analysis import analyse
from bot.qa.compose import shorten
from bot.schema import Answer, AnswerKind

NOTHING_YET = "Jeg har ikke givet dig et svar fra dokumenterne endnu. Stil gerne et spørgsmål."


class ActionAnswerSource(Action):
    """Name the sources of the last answer, with the cited passages."""

    def name(self) -> str:
        return "action_answer_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        last = last_answer(tracker)
        # "er 97% fra Herning eller Odense?", "hvem skrev forordet?", "hvad skal der stå i den?": a question in its
        # own right.
        text = latest_text(tracker)
        if last is None or names_something(text, ASKING_FOR_THE_SOURCE) or asks_what_it_says(text):
            return answer_latest_message(dispatcher, tracker)
        send_sources(dispatcher, last)
        return []


class _AboutTheLastAnswer(Action, ABC):
    """An action about the last answer from the documents; without one it asks for a question (abstract:
    not registered as an action of its own)."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        found = last_answered(tracker)
        if found is None:
            send(dispatcher, Answer(AnswerKind.CLARIFY, NOTHING_YET))
            return []
        question, last = found
        if asks_for_the_source(latest_text(tracker)):
            # "hvem udsendte den tekst?" that NLU took for this action: the sources, as `action_answer_source` gives them.
            send_sources(dispatcher, last)
            return []
        return self.respond(dispatcher, last, Context.after(question, last))

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
        if names_something(latest_text(tracker), _ASKING_FOR_MORE) and last_answer(tracker):
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
