"""Follow-ups on the last answer: where it came from, and a shorter version."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message
from actions.contract import send
from bot.answering import shorten
from bot.schema import Answer

NOTHING_YET = "Jeg har ikke givet dig et svar fra dokumenterne endnu. Stil gerne et spørgsmål."


def _last_answer(tracker: Tracker) -> dict[str, Any] | None:
    answer = tracker.get_slot("last_answer")
    return answer if isinstance(answer, dict) and answer.get("kind") == "answer" else None


class ActionAnswerSource(Action):
    """Name the sources of the last answer, with the cited passages."""

    def name(self) -> str:
        return "action_answer_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        last = _last_answer(tracker)
        if last is None:  # e.g. "er 97% fra Herning eller Odense?": a question in its own right
            return answer_latest_message(dispatcher, tracker)
        lines = []
        for source in last["sources"]:
            year = f" ({source['year']})" if source.get("year") else ""
            url = f" {source['url']}" if source.get("url") else ""
            lines.append(f"- {source['publisher']}: »{source['title']}«{year}.{url}\n  Uddrag: »{source['passage']}«")
        text = "Svaret kommer fra:\n" + "\n".join(lines)
        send(dispatcher, Answer("answer", text, last["sources"], last.get("confidence", 0.0)))
        return []


class ActionAnswerShorter(Action):
    """Repeat the last answer in one or two sentences."""

    def name(self) -> str:
        return "action_answer_shorter"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        last = _last_answer(tracker)
        if last is None:
            send(dispatcher, Answer("clarify", NOTHING_YET))
            return []
        send(dispatcher, shorten(tracker.get_slot("last_question") or "", last))
        return []
