"""`python -m bot purge`'s options and errors, without a running bot (the purge itself: tests/integration/test_purge.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.ops.purge import parse_age
from tests.tracker_helpers import run_cli


@pytest.mark.parametrize(("text", "span"), [("12h", timedelta(hours=12)), ("30d", timedelta(days=30)),
                                            ("2w", timedelta(weeks=2)), (" 7D ", timedelta(days=7))])
def test_ages_are_read_in_hours_days_and_weeks(text: str, span: timedelta) -> None:
    assert parse_age(text) == span


@pytest.mark.parametrize("text", ["30", "3x", "-1d", "d", "1.5d", ""])
def test_other_ages_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="brug fx 12h, 30d eller 2w"):
        parse_age(text)


def test_a_bad_age_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "tracker.db", "purge", "--older-than", "30 dage")
    assert result.returncode == 2
    assert "ugyldig alder '30 dage'" in result.stderr


def test_a_missing_tracker_store_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "tracker.db"
    result = run_cli(missing, "purge", "--older-than", "30d")
    assert result.returncode == 1
    assert f"{missing} findes ikke" in result.stderr
    assert not missing.exists()
