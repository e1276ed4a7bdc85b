"""Sending bot messages that follow the answer contract (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.schema import Answer


def send(dispatcher: CollectingDispatcher, answer: Answer, buttons: list[dict[str, Any]] | None = None) -> None:
    """Utter the answer's text with its `custom` payload (and optional buttons)."""
    dispatcher.utter_message(text=answer.text, json_message=answer.payload(), buttons=buttons or [])
