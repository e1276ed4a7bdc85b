"""`action_list_documents`: which documents the bot answers from."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_latest_message
from actions.contract import send
from actions.runtime import engine
from actions.smalltalk import is_question_for_the_documents
from bot.qa.citation import citation
from bot.schema import Answer, AnswerKind, Source


class ActionListDocuments(Action):
    """List the indexed documents with publisher, title and year."""

    def name(self) -> str:
        return "action_list_documents"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if is_question_for_the_documents(tracker):  # "hvor mange?" after an answer asks the documents
            return answer_latest_message(dispatcher, tracker)
        seen: dict[str, str] = {}
        for chunk in engine().index.chunks:
            seen.setdefault(chunk.file, f"- {citation(Source.of(chunk, '', 0.0))}")
        text = "Jeg svarer kun ud fra disse dokumenter:\n" + "\n".join(seen.values())
        send(dispatcher, Answer(AnswerKind.SMALLTALK, text))
        return []
