"""`action_smalltalk`: the reply to smalltalk NLU is unsure of, or a question it mistook for smalltalk."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message, latest_intent, latest_text, sent_sources_asked_for
from actions.runtime import engine
from bot.dialogue.routing import asks_the_documents
from bot.language.query import Query

# The smalltalk intents this action answers, with their responses in domain.yml.
RESPONSES = {"bot_challenge": "utter_iamabot", "capabilities": "utter_capabilities", "affirm": "utter_affirm_ack",
             "deny": "utter_deny_ack"}


def is_question_for_the_documents(tracker: Tracker) -> bool:
    """The latest message is a question to the documents, whatever NLU took it for (`asks_the_documents`)."""
    message = Query.parse(latest_text(tracker))
    follows = bool(tracker.get_slot("last_question"))
    _, confidence = latest_intent(tracker)
    return asks_the_documents(message, follows, engine().index.subject_terms.document_frequency, confidence)


class ActionSmalltalk(Action):
    """Say who the bot is or what it can do; a question NLU mistook for that is answered instead."""

    def name(self) -> str:
        return "action_smalltalk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if sent_sources_asked_for(dispatcher, tracker):  # "who's the author of this deck?" taken for bot_challenge
            return []
        if is_question_for_the_documents(tracker):
            return answer_latest_message(dispatcher, tracker)
        intent, _ = latest_intent(tracker)
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_capabilities"))
        return []
