"""Login with a shared password (stored as an scrypt hash), sessions that expire, CSRF tokens,
and a modest slow-down of wrong passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
AUTH_KEY, CSRF_KEY = "auth_at", "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class BadPasswordHash(ValueError):
    """CONSOLE_PASSWORD_HASH is not a hash made by `python -m bot.console hash-password`."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` for a password (a new random salt every time)."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_hash_format(stored: str) -> None:
    """Raise `BadPasswordHash` unless `stored` looks like `hash_password`'s output."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(part.isdigit() for part in parts[1:4]):
        raise BadPasswordHash("CONSOLE_PASSWORD_HASH skal laves med `python -m bot.console hash-password`")


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored scrypt hash (compared in constant time)."""
    check_hash_format(stored)
    _, n, r, p, salt, digest = stored.split("$")
    return hmac.compare_digest(_scrypt(password, _unb64(salt), int(n), int(r), int(p)), _unb64(digest))


def password_hash_from(configured: str, password_file: Path) -> str:
    """The hash to log in against: the configured one, else one of the password in
    `password_file`, which gets a new random password (readable by its owner only) when missing."""
    if configured:
        check_hash_format(configured)
        return configured
    if not password_file.exists():
        password_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(18) + "\n")
        logger.warning("No CONSOLE_PASSWORD_HASH: a new console password is in %s", password_file)
    return hash_password(password_file.read_text(encoding="utf-8").strip())


def log_in(session: MutableMapping[str, Any], now: float | None = None) -> None:
    """Start a fresh logged-in session (a new CSRF token, nothing kept from before)."""
    session.clear()
    session[AUTH_KEY] = time.time() if now is None else now
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def is_logged_in(session: MutableMapping[str, Any], max_age: float, now: float | None = None) -> bool:
    """Whether the session holds a login younger than `max_age` seconds."""
    logged_in_at = session.get(AUTH_KEY)
    if not isinstance(logged_in_at, (int, float)):
        return False
    age = (time.time() if now is None else now) - logged_in_at
    return 0 <= age <= max_age


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use (the login form has one too)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_valid(session: MutableMapping[str, Any], submitted: object) -> bool:
    """Whether a submitted token is the session's own."""
    expected = session.get(CSRF_KEY)
    return (isinstance(expected, str) and bool(expected) and isinstance(submitted, str)
            and hmac.compare_digest(expected.encode(), submitted.encode()))


class LoginThrottle:
    """Slows down wrong passwords per client: each failure doubles the wait before the answer
    (from `base` up to `ceiling` seconds); forgotten after `window` seconds without one."""

    def __init__(self, base: float = 0.5, ceiling: float = 8.0, window: float = 900.0) -> None:
        self.base, self.ceiling, self.window = base, ceiling, window
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def failures(self, client: str, now: float | None = None) -> int:
        """Recent wrong passwords from this client."""
        now = time.monotonic() if now is None else now
        with self._lock:
            count, last = self._failures.get(client, (0, 0.0))
            return count if now - last <= self.window else 0

    def delay(self, client: str, now: float | None = None) -> float:
        """Seconds to wait before answering this client's next wrong password."""
        count = self.failures(client, now)
        return min(self.base * 2 ** (count - 1), self.ceiling) if count else 0.0

    def failed(self, client: str, now: float | None = None) -> None:
        """Count a wrong password."""
        now = time.monotonic() if now is None else now
        count = self.failures(client, now)
        with self._lock:
            self._failures[client] = (count + 1, now)

    def succeeded(self, client: str) -> None:
        """A right password clears the client's count."""
        with self._lock:
            self._failures.pop(client, None)
