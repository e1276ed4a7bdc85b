"""`action_list_documents`: which documents the bot answers from."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.contract import send
from actions.runtime import ENGINE
from bot.schema import Answer


class ActionListDocuments(Action):
    """List the indexed documents with publisher, title and year."""

    def name(self) -> str:
        return "action_list_documents"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        seen: dict[str, str] = {}
        for chunk in ENGINE.index.chunks:
            year = f" ({chunk.year})" if chunk.year else ""
            seen.setdefault(chunk.file, f"- {chunk.publisher}: »{chunk.title}«{year}")
        text = "Jeg svarer kun ud fra disse dokumenter:\n" + "\n".join(seen.values())
        send(dispatcher, Answer("smalltalk", text))
        return []
