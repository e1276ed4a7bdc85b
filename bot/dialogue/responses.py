"""The bot's fixed responses from `domain.yml`, as channel messages (`text`, `buttons`, `custom`).

Standard library and PyYAML only: the Rasa server's channels use it too (the emergency
message must not depend on the action server).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
EMERGENCY_RESPONSE = "utter_emergency"
# Message metadata set by the channel when it has already shown the emergency message.
EMERGENCY_SHOWN = "emergency_shown"


@lru_cache(maxsize=16)
def _responses(domain_file: Path) -> dict[str, Any]:
    return yaml.safe_load(domain_file.read_text(encoding="utf-8"))["responses"]


def domain_response(name: str, domain_file: Path = DOMAIN_FILE) -> dict[str, Any]:
    """The first variant of a `domain.yml` response as a message: `text`, `custom` and any `buttons`."""
    variant = _responses(domain_file)[name][0]
    message = {"text": variant.get("text", ""), "custom": variant.get("custom", {})}
    return {**message, "buttons": variant["buttons"]} if variant.get("buttons") else message
