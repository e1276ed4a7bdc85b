"""Shared pieces of the console's views: templates (autoescaped), CSRF-checked forms, flash messages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.datastructures import FormData, ImmutableMultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.templating import Jinja2Templates

from bot.console.auth import CSRF_FIELD, CSRF_HEADER, csrf_token, csrf_valid

HERE = Path(__file__).resolve().parent
_environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                  undefined=jinja2.StrictUndefined)
_environment.filters["when"] = lambda timestamp: datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")
templates = Jinja2Templates(env=_environment)
MAX_FORM_FIELDS = 50
MAX_FIELD_BYTES = 64 * 1024


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Any:
    """A page from `templates/`, with the CSRF token, the flash message and the current path."""
    flash = request.session.pop("flash", None)
    return templates.TemplateResponse(request, name, {"csrf_token": csrf_token(request.session), "flash": flash,
                                                      "path": request.url.path, **context}, status_code=status_code)


async def checked_form(request: Request) -> FormData:
    """The posted form once its CSRF token (field or header) matches the session's; 403 otherwise."""
    form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FIELD_BYTES)
    if not csrf_valid(request.session, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
        await form.close()
        raise HTTPException(403, "Formularen er udløbet eller mangler sit sikkerhedstegn (CSRF). Indlæs siden igen.")
    return form


def flash_and_redirect(request: Request, url: str, message: str, kind: str = "ok") -> RedirectResponse:
    """Remember a message for the next page and redirect there (303: the next request is a GET)."""
    request.session["flash"] = {"kind": kind, "text": message}
    return RedirectResponse(url, status_code=303)


def text_field(form: ImmutableMultiDict, name: str, limit: int = 500) -> str:
    """A form (or query string) field as one trimmed line of at most `limit` characters."""
    value = form.get(name)
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def lines_field(form: FormData, name: str, limit: int = 300) -> tuple[str, ...]:
    """A textarea as its non-empty lines."""
    value = form.get(name)
    if not isinstance(value, str):
        return ()
    return tuple(" ".join(line.split())[:limit] for line in value.splitlines() if line.strip())
