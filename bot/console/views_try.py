"""Try a question: the user's reply, passages with scores, and the decision's signals."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.console.tryout import try_question
from bot.console.web import checked_form, render, text_field
from bot.index.store import IndexUnavailable

MAX_QUESTION_CHARS = 2000


async def try_page(request: Request) -> Response:
    """The empty question form."""
    return render(request, "try.html", question="", previous="", tryout=None, error="")


async def try_post(request: Request) -> Response:
    """Answer the question with the bot's own engine and show why."""
    form = await checked_form(request)
    question = text_field(form, "question", MAX_QUESTION_CHARS)
    previous = text_field(form, "previous", MAX_QUESTION_CHARS)
    if not question:
        return render(request, "try.html", question="", previous=previous, tryout=None, error="Skriv et spørgsmål.")
    backend = request.app.state.backend
    try:
        engine = await run_in_threadpool(backend.engine)
        tryout = await run_in_threadpool(try_question, engine, question, previous or None)
    except (IndexUnavailable, RuntimeError) as error:
        return render(request, "try.html", question=question, previous=previous, tryout=None,
                      error=f"Botten kan ikke svare lige nu: {error}")
    return render(request, "try.html", question=question, previous=previous, tryout=tryout, error="")
