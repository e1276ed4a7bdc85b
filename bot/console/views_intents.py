"""The intents page: intents with example counts and responses, add examples, add an intent,
train in the background and switch the running Rasa server to the new model.

The work is `bot.console.intents` (checks like `make validate` before anything is saved) and
`bot.console.training`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.console import intents
from bot.console.training import TrainingBusy
from bot.console.web import checked_form, flash_and_redirect, lines_field, render, text_field

MAX_EXAMPLES_PER_POST = 50


async def intents_page(request: Request) -> Response:
    """Every intent, the forms, and a message from the report to add as an example (`?example=`)."""
    project = request.app.state.backend.config.project_dir
    listed = await run_in_threadpool(intents.list_intents, project)
    return render(request, "intents.html", intents=listed, topics=intents.topics(project),
                  training=request.app.state.backend.training.status(),
                  example=text_field(request.query_params, "example", intents.MAX_EXAMPLE_CHARS),
                  chosen=text_field(request.query_params, "intent", 60), min_examples=intents.MIN_EXAMPLES)


async def add_examples(request: Request) -> Response:
    """Add examples to an existing intent, once the checks pass."""
    form = await checked_form(request)
    name = text_field(form, "intent", 60)
    texts = lines_field(form, "examples", intents.MAX_EXAMPLE_CHARS)[:MAX_EXAMPLES_PER_POST]
    try:
        change = await run_in_threadpool(intents.add_examples, name, texts, request.app.state.backend.config.project_dir)
    except intents.IntentChangeRefused as error:
        return flash_and_redirect(request, "/intents", str(error), "error")
    if not change.added:
        return flash_and_redirect(request, "/intents", f"Intent '{name}' har allerede de eksempler.")
    return flash_and_redirect(request, "/intents", f"{len(change.added)} eksempel(er) er tilføjet til '{name}' "
                              f"({', '.join(change.files)}). Træn botten, før den forstår dem.")


async def add_intent(request: Request) -> Response:
    """Add a new intent with its examples, response and rule, once the checks pass."""
    form = await checked_form(request)
    name = text_field(form, "name", 60)
    topic = text_field(form, "topic", 40) or intents.DEFAULT_TOPIC
    texts = lines_field(form, "examples", intents.MAX_EXAMPLE_CHARS)[:MAX_EXAMPLES_PER_POST]
    response = text_field(form, "response", intents.MAX_RESPONSE_CHARS)
    try:
        change = await run_in_threadpool(intents.add_intent, name, texts, response,
                                         request.app.state.backend.config.project_dir, topic=topic)
    except intents.IntentChangeRefused as error:
        return flash_and_redirect(request, "/intents", str(error), "error")
    return flash_and_redirect(request, "/intents", f"Intent '{change.intent}' er tilføjet ({', '.join(change.files)}). "
                              "Træn botten, før den forstår den.")


async def train(request: Request) -> Response:
    """Start a training in the background (the page shows its progress)."""
    await checked_form(request)
    try:
        request.app.state.backend.training.start()
    except TrainingBusy as error:
        return flash_and_redirect(request, "/intents#training", str(error), "error")
    return flash_and_redirect(request, "/intents#training", "Træningen er startet.")


async def training_status(request: Request) -> Response:
    """The training's progress, as JSON for the progress bar."""
    return JSONResponse(request.app.state.backend.training.status().to_dict())
