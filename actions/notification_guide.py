"""The guided notification flow: a Rasa form that asks three questions, then cited guidance.

1. Is the child in acute danger right now? Yes ends the form with the emergency advice.
2. Has the professional had sparring (leader, the school's or day care's social worker)?
3. Can the parents take part (a dialogue-based notification)?
The user leaves the form at any time by asking something else (see data/rules/notification.yml).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer_question import guide_offer
from actions.contract import send
from actions.runtime import engine
from bot.dialogue.guidance import compose_guide
from bot.dialogue.responses import EMERGENCY_RESPONSE

FORM = "notification_form"
DANGER_SLOT = "child_in_danger"
GUIDE_SLOTS = (DANGER_SLOT, "had_sparring", "parents_can_join")


class ValidateNotificationForm(FormValidationAction):
    """Ends the form after the first question when the child is in acute danger."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """Only the danger question once the child is known to be in danger."""
        return [DANGER_SLOT] if tracker.get_slot(DANGER_SLOT) else domain_slots


class ActionNotificationGuidance(Action):
    """The form's result: the emergency advice, or cited guidance for the situation described."""

    def name(self) -> str:
        return "action_notification_guidance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot(DANGER_SLOT):
            dispatcher.utter_message(response=EMERGENCY_RESPONSE)
        else:
            answer = compose_guide(engine(), bool(tracker.get_slot("had_sparring")),
                                   bool(tracker.get_slot("parents_can_join")))
            send(dispatcher, answer)
        return [SlotSet(slot, None) for slot in GUIDE_SLOTS] + guide_offer(tracker, False)
