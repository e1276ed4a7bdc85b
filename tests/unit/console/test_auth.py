"""Password hashing, CSRF tokens, session age and the wrong-password slow-down (bot.console.auth)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.console.auth import (
    BadPasswordHash,
    LoginThrottle,
    csrf_token,
    csrf_valid,
    hash_password,
    is_logged_in,
    log_in,
    password_hash_from,
    verify_password,
)


def test_a_password_matches_its_hash_and_nothing_else() -> None:
    stored = hash_password("rigtig hest batteri hæfteklamme")
    assert stored.startswith("scrypt$") and "hæfteklamme" not in stored
    assert verify_password("rigtig hest batteri hæfteklamme", stored)
    assert not verify_password("rigtig hest batteri", stored)
    assert not verify_password("", stored)
    assert hash_password("samme") != hash_password("samme")  # a new salt every time


@pytest.mark.parametrize("bad", ["", "klartekst", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$c2FsdA$aGFzaA"])
def test_a_hash_that_is_not_ours_is_refused(bad: str) -> None:
    with pytest.raises(BadPasswordHash):
        verify_password("x", bad)
    if bad:
        with pytest.raises(BadPasswordHash):
            password_hash_from(bad, Path("/nonexistent"))


def test_without_a_configured_hash_a_random_password_file_is_made_once(tmp_path: Path) -> None:
    file = tmp_path / "run" / "console-password"
    first = password_hash_from("", file)
    password = file.read_text(encoding="utf-8").strip()
    assert len(password) >= 20
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert verify_password(password, first)
    assert verify_password(password, password_hash_from("", file))  # the same password next start
    assert file.read_text(encoding="utf-8").strip() == password


def test_the_configured_hash_wins_over_the_file(tmp_path: Path) -> None:
    stored = hash_password("fra miljøet")
    assert password_hash_from(stored, tmp_path / "never-made") == stored
    assert not (tmp_path / "never-made").exists()


def test_csrf_token_belongs_to_its_session() -> None:
    session: dict = {}
    token = csrf_token(session)
    assert token == csrf_token(session) and len(token) >= 32
    assert csrf_valid(session, token)
    for wrong in (None, "", "forkert", token[:-1], 42, ["x"]):
        assert not csrf_valid(session, wrong)
    assert not csrf_valid({}, token)  # a session without a token accepts nothing
    assert csrf_token({}) != token


def test_login_starts_a_fresh_session_that_expires() -> None:
    session = {"csrf": "from before login", "flash": "x"}
    log_in(session, now=1000.0)
    assert set(session) == {"auth_at", "csrf"} and session["csrf"] != "from before login"
    assert is_logged_in(session, max_age=60, now=1059.0)
    assert not is_logged_in(session, max_age=60, now=1061.0)
    assert not is_logged_in(session, max_age=60, now=999.0)  # a login from the future is no login
    assert not is_logged_in({}, max_age=60)
    assert not is_logged_in({"auth_at": "1000"}, max_age=60, now=1001.0)


def test_wrong_passwords_are_answered_ever_more_slowly_per_client() -> None:
    throttle = LoginThrottle(base=0.5, ceiling=4.0, window=100.0)
    assert throttle.delay("a", now=0.0) == 0.0
    delays = []
    for attempt in range(6):
        throttle.failed("a", now=float(attempt))
        delays.append(throttle.delay("a", now=float(attempt)))
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert throttle.delay("b", now=5.0) == 0.0  # another client is not slowed down
    assert throttle.delay("a", now=200.0) == 0.0  # forgotten after the window
    throttle.failed("a", now=6.0)
    throttle.succeeded("a")
    assert throttle.delay("a", now=6.0) == 0.0
