"""`action_answer_question`: answer from the documents, or decline plainly."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contract import send
from actions.runtime import engine
from bot.dialogue.followup import Context
from bot.dialogue.reply import NOTIFICATION_INTENT, reply_to
from bot.dialogue.responses import EMERGENCY_RESPONSE, EMERGENCY_SHOWN
from bot.dialogue.routing import social_reply
from bot.dialogue.safety import is_acute_danger
from bot.dialogue.source_request import asks_for_the_source
from bot.language.worry import speaks_of_a_worry
from bot.qa.citation import with_excerpts
from bot.schema import Answer, AnswerKind

GUIDE_OFFERED = "guide_offered"


def guide_offer(tracker: Tracker, offered: bool) -> list[EventType]:
    """Mark that the reply offered the guided flow, or clear an earlier offer (left unset otherwise)."""
    if offered:
        return [SlotSet(GUIDE_OFFERED, True)]
    return [SlotSet(GUIDE_OFFERED, None)] if tracker.get_slot(GUIDE_OFFERED) is not None else []


def emergency_shown(tracker: Tracker) -> bool:
    """Whether the input channel has already shown the emergency message for the latest message."""
    return bool((tracker.latest_message.get("metadata") or {}).get(EMERGENCY_SHOWN))


def utter_emergency(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The emergency message, unless the channel has shown it already."""
    if not emergency_shown(tracker):
        dispatcher.utter_message(response=EMERGENCY_RESPONSE)


def conversation_context(tracker: Tracker) -> Context | None:
    """The last question answered from the documents and the documents its answer cited (`last_answered`: a decline
    since does not end the topic, `Context.next`); before any such answer, the last question asked."""
    found = last_answered(tracker)
    if found is not None:
        return Context.after(*found)
    question = tracker.get_slot("last_question")
    return Context.after(question, None) if question else None


def latest_text(tracker: Tracker) -> str:
    """The latest user message's text ("" when it has none)."""
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    """The intent NLU gave the latest user message, and its confidence (None, 0.0 when it gave none)."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


FROM_DOCUMENTS = frozenset({AnswerKind.ANSWER.value, AnswerKind.GUIDANCE.value})


def _from_documents(payload: object) -> Answer | None:
    """The answer a `last_answer` slot value holds when it came from the documents (an answer or notification
    guidance, both cited), else None (a decline, a clarification, nothing)."""
    if not isinstance(payload, dict) or payload.get("kind") not in FROM_DOCUMENTS:
        return None
    return Answer.from_payload(payload)


def last_answered(tracker: Tracker) -> tuple[str, Answer] | None:
    """The last question answered from the documents in this conversation and its answer, if any: the
    `last_question` and `last_answer` slots, or, when a decline has replaced them since, the values they had
    before it in the conversation's events ("hvem står bag den tekst?" after a decline asks about the last text
    the user was shown)."""
    answer = _from_documents(tracker.get_slot("last_answer"))
    if answer is not None:
        return tracker.get_slot("last_question") or "", answer
    for event in reversed(tracker.events):
        if event.get("event") != "slot":
            continue
        if answer is None and event.get("name") == "last_answer":
            answer = _from_documents(event.get("value"))
        elif answer is not None and event.get("name") == "last_question" and event.get("value"):
            return event["value"], answer
    return ("", answer) if answer is not None else None


def last_answer(tracker: Tracker) -> Answer | None:
    """The last answer from the documents in this conversation (`last_answered`), if any."""
    found = last_answered(tracker)
    return found[1] if found else None


def send_sources(dispatcher: CollectingDispatcher, last: Answer) -> None:
    """Name the sources of the last answer, with the passages it cited."""
    text = "Svaret kommer fra:\n" + with_excerpts(last.sources)
    send(dispatcher, Answer(AnswerKind.ANSWER, text, last.sources, last.confidence))


def answer_latest_message(dispatcher: CollectingDispatcher, tracker: Tracker, emergency: bool = False,
                          intent: str | None = None) -> list[EventType]:
    """Answer the latest user message from the documents (see `ActionAnswerQuestion`), or greet or thank back when
    it only greets, thanks or praises and speaks of no danger ("Hi there! Just trying you out 🙂", whatever NLU
    made of it: `social_reply`); `emergency`: give the emergency advice first even when the acute-danger net does
    not fire; `intent`: read the message as this intent instead of NLU's."""
    message = latest_text(tracker)
    if greeted_or_thanked(dispatcher, message):
        return []
    intent = intent or latest_intent(tracker)[0]
    reply = reply_to(engine(), message, intent, conversation_context(tracker))
    if reply.emergency or emergency:
        utter_emergency(dispatcher, tracker)
        if reply.answer.kind is AnswerKind.NO_ANSWER:
            # The documents do not answer a message about a child in danger: the emergency advice is the whole
            # reply (a decline after it would only confuse), and it offers the guided notification flow.
            return guide_offer(tracker, True)
    send(dispatcher, reply.answer, reply.buttons)
    return [SlotSet("last_question", reply.question), SlotSet("last_answer", reply.answer.payload()),
            *guide_offer(tracker, reply.offers_guide)]


class ActionAnswerQuestion(Action):
    """Retrieve, decide and compose a cited answer to the latest user message.

    A message that describes a child in acute danger gets the emergency advice first,
    whatever NLU made of it. A short follow-up ("og hvad med Aarhus?") is answered as the
    previous question about the newly named municipality or organisation. A message that only
    greets or thanks gets the greeting or thanks response (`social_reply`).
    """

    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if sent_sources_asked_for(dispatcher, tracker):
            return []
        return answer_latest_message(dispatcher, tracker)


def sent_sources_asked_for(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """When the latest message asks only where the last answer comes from ("who wrote that?", whatever intent NLU
    gave it), send its sources, as `action_answer_source` does; whether it did."""
    last = last_answer(tracker)
    if last is None or not asks_for_the_source(latest_text(tracker)):
        return False
    send_sources(dispatcher, last)
    return True


def greeted_or_thanked(dispatcher: CollectingDispatcher, text: str) -> bool:
    """Send the greeting or thanks response when the message only greets or thanks (`social_reply`), whatever
    NLU made of it; whether it did."""
    social = social_reply(text)
    if social is not None:
        dispatcher.utter_message(response=social)
    return social is not None


class ActionAcuteConcern(Action):
    """A message NLU takes for a child in acute danger: the emergency advice first, at once.

    A message that only greets or thanks gets the greeting or thanks. When NLU is unsure and the message has no
    danger words (e.g. "Hvad er Københavns mål for udsatte 17-årige?"), it is answered as the question it is
    instead, and as notification guidance when it speaks of a child or a worry. When NLU is sure but the message
    has no danger words ("Findes der eksempler på, at borgere driver et tilbud, kommunen ville lukke?"),
    the advice comes first and the documents' answer, if they have one, after it.
    """

    def name(self) -> str:
        return "action_acute_concern"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        if is_acute_danger(text):
            utter_emergency(dispatcher, tracker)
            return guide_offer(tracker, True)
        _, confidence = latest_intent(tracker)
        sure = confidence >= engine().settings.acute_min_confidence
        # No danger words, but a worry about a child ("forældrene kan ikke sætte grænser"): the notification
        # guidance, as for notification_help (a decline would leave the emergency advice alone).
        read_as = NOTIFICATION_INTENT if speaks_of_a_worry(text) else None
        return answer_latest_message(dispatcher, tracker, emergency=sure, intent=read_as)
