"""`python -m bot report`'s parts that need no running bot (the report itself: tests/integration/test_report.py)."""

from __future__ import annotations

from pathlib import Path

from bot.ops.report import intent_confidence
from tests.tracker_helpers import run_cli


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "tracker.db", "report", "--since", "i går")
    assert result.returncode == 2
    assert "ugyldig dato 'i går'" in result.stderr


def test_behind_nlu_fallback_the_best_real_intent_counts() -> None:
    """The parse data Rasa stores for a message below the FallbackClassifier threshold."""
    parse_data = {"intent": {"name": "nlu_fallback", "confidence": 0.4},
                  "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                     {"name": "greet", "confidence": 0.31}, {"name": "goodbye", "confidence": 0.12}]}
    assert intent_confidence(parse_data) == ("greet", 0.31)
    assert intent_confidence({"intent": {"name": "greet", "confidence": 0.97}}) == ("greet", 0.97)
    assert intent_confidence({}) is None
