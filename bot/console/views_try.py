"""Try a question: the user's reply, passages with scores, and the decision's signals."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.console.documents import corpus_path
from bot.console.tryout import try_question
from bot.console.web import checked_form, flash_and_redirect, render, text_field
from bot.index.examples import Example, add_example
from bot.index.store import IndexUnavailable

MAX_QUESTION_CHARS = 2000
MAX_PASSAGE_CHARS = 20_000


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


def _in_corpus(corpus_dir: Path, file: str) -> bool:
    """Whether `file` names a document of the corpus folder."""
    try:
        corpus_path(corpus_dir, file)
    except FileNotFoundError:
        return False
    return True


async def add_example_post(request: Request) -> Response:
    """Keep the tried question as an example question of the passage the consultant picked, and re-index:
    search then prefers that passage for this question and questions close to it."""
    form = await checked_form(request)
    question = text_field(form, "question", MAX_QUESTION_CHARS)
    file = text_field(form, "file", 300)
    passage = text_field(form, "passage", MAX_PASSAGE_CHARS)
    backend = request.app.state.backend
    corpus_dir = backend.settings.corpus_dir
    if not question or not passage or not _in_corpus(corpus_dir, file):
        return flash_and_redirect(request, "/try", "Eksemplet blev ikke gemt: spørgsmål, dokument eller passage "
                                                   "mangler eller findes ikke.", "error")
    await run_in_threadpool(add_example, corpus_dir, Example(question, file, passage))
    backend.ingest.request()
    return flash_and_redirect(request, "/try", f"Gemt som eksempelspørgsmål til en passage i {file}: »{question}«. "
                                               "Indekset bygges igen (se Dokumenter); prøv spørgsmålet bagefter.")
