"""ASGI middleware: login required everywhere but the public paths, a request body limit,
and security headers on every response."""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.console.auth import AUTH_KEY, is_logged_in

# Paths that answer without a login: the login form, the health check and the login page's style.
PUBLIC_PATHS = frozenset({"/login", "/healthz", "/static/console.css"})
API_PREFIX = "/api/"
# Scripts, styles and images only from the console itself; no inline script, no framing.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


async def _send_simple(send: Send, status: int, body: bytes, content_type: str,
                       extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, data: dict) -> None:
    await _send_simple(send, status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")


class RequireLogin:
    """Pages without a login redirect to /login (303); API calls get 401. Runs inside the session middleware."""

    def __init__(self, app: ASGIApp, max_age: float) -> None:
        self.app = app
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        session = scope.get("session", {})
        if is_logged_in(session, self.max_age):
            await self.app(scope, receive, send)
            return
        if AUTH_KEY in session:  # an expired login ends; a visitor's login-form token stays
            session.clear()
        if scope["path"].startswith(API_PREFIX):
            await _send_json(send, 401, {"error": "Log ind først."})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["path"] + (f"?{query}" if query else "")
        location = "/login" if scope["method"] != "GET" else f"/login?next={quote(target, safe='')}"
        await _send_simple(send, 303, b"", "text/plain", [(b"location", location.encode())])


class BodyTooLarge(Exception):
    """The request body passed the limit while it was read."""


class LimitBody:
    """Refuses request bodies above `limit` bytes with 413, by Content-Length or while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        megabytes = self.limit / (1024 * 1024)
        await _send_simple(send, 413, f"Filen er for stor: højst {megabytes:g} MB.".encode(), "text/plain; charset=utf-8")


class SecurityHeaders:
    """Content-Security-Policy, no sniffing, no framing, no caching of pages, no referrer."""

    HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
               (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store")]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(header for header in self.HEADERS if header[0] not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)
