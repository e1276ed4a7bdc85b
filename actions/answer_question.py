"""`action_answer_question`: answer from the documents, or decline plainly."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contract import send
from actions.runtime import ENGINE


class ActionAnswerQuestion(Action):
    """Retrieve, decide and compose a cited answer to the latest user message."""

    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        question = tracker.latest_message.get("text") or ""
        answer = ENGINE.answer(question)
        send(dispatcher, answer)
        return [SlotSet("last_question", question), SlotSet("last_answer", answer.payload())]
