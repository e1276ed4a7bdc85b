"""The documents page: list, upload with metadata, edit metadata, remove, ingest progress."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.console.backend import Backend
from bot.console.documents import (
    UploadRefused,
    corpus_path,
    document_rows,
    read_index_summary,
    safe_file_name,
    store_upload,
    unsupported,
)
from bot.console.sources_file import Metadata, remove_metadata, save_metadata
from bot.console.web import checked_form, flash_and_redirect, lines_field, render, text_field
from bot.documents.corpus import load_sources
from bot.documents.readers import SUPPORTED_SUFFIXES


def _backend(request: Request) -> Backend:
    return request.app.state.backend


def _metadata(form: FormData, file: str) -> Metadata:
    """The metadata form's fields; raises `UploadRefused` for a missing title or a bad year."""
    title = text_field(form, "title")
    if not title:
        raise UploadRefused("skriv en titel")
    year_text = text_field(form, "year", 4)
    if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
        raise UploadRefused("året skal være et årstal, fx 2024")
    url = text_field(form, "url")
    if url and not url.startswith(("http://", "https://")):
        raise UploadRefused("adressen skal begynde med http:// eller https://")
    return Metadata(file=file, title=title, publisher=text_field(form, "publisher"),
                    year=int(year_text) if year_text else None, url=url,
                    topics=_comma_list(text_field(form, "topics")), called=_comma_list(text_field(form, "called")),
                    questions=lines_field(form, "questions"))


def _comma_list(text: str) -> tuple[str, ...]:
    """The non-empty items of a comma-separated form field."""
    return tuple(item for item in (part.strip() for part in text.split(",")) if item)


async def documents_page(request: Request) -> Response:
    """Every document with its passages and warnings, the upload form and the ingest status."""
    backend = _backend(request)
    settings = backend.settings
    index = await run_in_threadpool(read_index_summary, settings.index_dir)
    rows = await run_in_threadpool(document_rows, settings.corpus_dir, index)
    return render(request, "documents.html", rows=rows, index=index, skipped=unsupported(settings.corpus_dir),
                  status=backend.ingest.status(), suffixes=", ".join(sorted(SUPPORTED_SUFFIXES)),
                  max_mb=backend.config.max_upload_bytes / (1024 * 1024))


async def upload(request: Request) -> Response:
    """Store an uploaded file and its metadata, then start an ingest."""
    form = await checked_form(request)
    backend = _backend(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRefused("vælg en fil")
        metadata = _metadata(form, safe_file_name(upload.filename))
        content = await upload.read()
        path = await run_in_threadpool(store_upload, backend.settings.corpus_dir, upload.filename, content)
    except UploadRefused as error:
        return flash_and_redirect(request, "/documents", f"Filen blev ikke gemt: {error}.", "error")
    finally:
        await form.close()
    await run_in_threadpool(save_metadata, backend.settings.corpus_dir, metadata)
    backend.ingest.request()
    return flash_and_redirect(request, "/documents", f"{path.name} er gemt. Indekset opdateres nu.")


def _existing(request: Request) -> str:
    file = request.path_params["file"]
    try:
        corpus_path(_backend(request).settings.corpus_dir, file)
    except FileNotFoundError:
        raise HTTPException(404, "Dokumentet findes ikke.") from None
    return file


async def edit_page(request: Request) -> Response:
    """The metadata form of one document."""
    file = _existing(request)
    source = load_sources(_backend(request).settings.corpus_dir).get(file)
    return render(request, "document_edit.html", file=file, source=source)


async def edit(request: Request) -> Response:
    """Save a document's metadata and re-index."""
    form = await checked_form(request)
    file = _existing(request)
    backend = _backend(request)
    try:
        metadata = _metadata(form, file)
    except UploadRefused as error:
        return flash_and_redirect(request, f"/documents/{file}/edit", f"Ikke gemt: {error}.", "error")
    await run_in_threadpool(save_metadata, backend.settings.corpus_dir, metadata)
    backend.ingest.request()
    return flash_and_redirect(request, "/documents", f"Metadata for {file} er gemt. Indekset opdateres nu.")


async def remove(request: Request) -> Response:
    """Remove a document and its metadata, and re-index."""
    await checked_form(request)
    file = _existing(request)
    backend = _backend(request)
    path = corpus_path(backend.settings.corpus_dir, file)
    await run_in_threadpool(path.unlink)
    await run_in_threadpool(remove_metadata, backend.settings.corpus_dir, file)
    backend.ingest.request()
    return flash_and_redirect(request, "/documents", f"{file} er fjernet. Indekset opdateres nu.")


async def reindex(request: Request) -> Response:
    """Start an ingest (e.g. after files were copied into the folder by hand)."""
    await checked_form(request)
    _backend(request).ingest.request()
    return flash_and_redirect(request, "/documents", "Indekset opdateres nu.")


async def ingest_status(request: Request) -> Response:
    """The progress of the background ingest, as JSON for the progress bar."""
    return JSONResponse(_backend(request).ingest.status().to_dict())
