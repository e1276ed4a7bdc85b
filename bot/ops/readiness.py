"""Readiness checks the supervisor polls: is a server really serving yet?

Each check is a callable without arguments that returns True once the server is ready and
False (never raises) while it is not.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Callable

Check = Callable[[], bool]
TIMEOUT_S = 2.0


def _get(url: str) -> bytes | None:
    """The body of a 2xx GET, or None."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as reply:  # noqa: S310 - loopback URLs we built
            return reply.read()
    except (OSError, urllib.error.URLError, ValueError):
        return None


def http_ok(url: str) -> Check:
    """Ready when a GET of `url` answers 2xx."""
    return lambda: _get(url) is not None


def rasa_has_model(base_url: str, token: str = "") -> Check:
    """Ready when Rasa's /status names a loaded model (the HTTP API needs the token when one is set)."""
    url = f"{base_url}/status" + (f"?token={token}" if token else "")

    def check() -> bool:
        body = _get(url)
        try:
            return bool(body and json.loads(body).get("model_file"))
        except ValueError:
            return False
    return check


def tcp_open(port: int, host: str = "127.0.0.1") -> Check:
    """Ready when something accepts TCP connections on host:port."""
    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=TIMEOUT_S):
                return True
        except OSError:
            return False
    return check


def redis_pong(port: int, password: str = "", host: str = "127.0.0.1") -> Check:
    """Ready when Redis answers PING (after AUTH when a password is set) with PONG."""
    def check() -> bool:
        commands = (f"AUTH {password}\r\n" if password else "") + "PING\r\n"
        try:
            with socket.create_connection((host, port), timeout=TIMEOUT_S) as sock:
                sock.sendall(commands.encode())
                received = b""
                while b"PONG" not in received and b"-" not in received:
                    chunk = sock.recv(256)
                    if not chunk:
                        break
                    received += chunk
                return b"+PONG" in received
        except OSError:
            return False
    return check
