"""`action_record_feedback`: 👍/👎 on the last answer, kept as a tracker event."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message
from actions.contract import send
from actions.smalltalk import is_question_for_the_documents
from bot.schema import Answer, AnswerKind

THANKS = "Tak for din tilbagemelding. Den hjælper os med at gøre svarene bedre."
SORRY = "Tak, det noterer jeg, så svaret kan blive forbedret. Prøv evt. at stille spørgsmålet på en anden måde."


class ActionRecordFeedback(Action):
    """Store the user's verdict on the last answer as a `feedback` slot event."""

    def name(self) -> str:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if is_question_for_the_documents(tracker):  # "siden hvornår?" is no verdict
            return answer_latest_message(dispatcher, tracker)
        positive = tracker.latest_message.get("intent", {}).get("name") == "feedback_positive"
        verdict = {"value": "up" if positive else "down", "question": tracker.get_slot("last_question")}
        send(dispatcher, Answer(AnswerKind.SMALLTALK, THANKS if positive else SORRY))
        return [SlotSet("feedback", verdict)]
