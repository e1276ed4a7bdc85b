"""A per-message cost of the Rasa 3.6 server removed (loaded by the Rasa server, Python 3.10).

Rasa validates every action server response with `jsonschema.validate`, which first checks
the schema itself against the 2020-12 meta-schema, every time: ~21 ms of CPU per custom
action on this machine, against ~0.3 ms for the same validation with a validator built
once (docs/benchmarks.md, load section). `install()`, called by the input channels in
`bot/rasa_server/channels.py` when Rasa sets them up, puts that validator in place: the same schema,
the same validator class, and for an invalid response Rasa's own error.
"""

from __future__ import annotations

from typing import Any, Dict, Text

_installed = False


def install() -> None:
    """Validate action server responses with one prebuilt validator (once per process)."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        if best_match(validator.iter_errors(result)) is None:
            return True
        return original(self, result)  # Rasa's own message and exception for an invalid response

    RemoteAction._validate_action_result = validate_action_result
    _installed = True
