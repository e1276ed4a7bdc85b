"""Login, logout and the health check."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.auth import LoginThrottle, log_in, verify_password
from bot.console.web import checked_form, render

throttle = LoginThrottle()


def _safe_next(target: str | None) -> str:
    """Only a path on this console (never another site) to go to after login."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def login_page(request: Request) -> Response:
    """The login form."""
    return render(request, "login.html", next=_safe_next(request.query_params.get("next")), error="")


async def login(request: Request) -> Response:
    """Check the password; wrong passwords from the same client are answered ever more slowly."""
    form = await checked_form(request)
    client = request.client.host if request.client else "?"
    password = form.get("password")
    target = _safe_next(form.get("next") if isinstance(form.get("next"), str) else None)
    stored = request.app.state.password_hash
    if isinstance(password, str) and await run_in_threadpool(verify_password, password, stored):
        throttle.succeeded(client)
        log_in(request.session)
        return RedirectResponse(target, status_code=303)
    await asyncio.sleep(throttle.delay(client))
    throttle.failed(client)
    return render(request, "login.html", status_code=401, next=target, error="Forkert adgangskode.")


async def logout(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def health(_request: Request) -> Response:
    """Liveness for the supervisor: says nothing about the data."""
    return PlainTextResponse("ok")
