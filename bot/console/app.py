"""The console's Starlette app: routes, middleware and shared state."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.console import views_auth, views_documents, views_intents, views_report, views_try
from bot.console.auth import password_hash_from
from bot.console.backend import Backend
from bot.console.config import ConsoleConfig
from bot.console.security import API_PREFIX, LimitBody, RequireLogin, SecurityHeaders
from bot.console.web import HERE, render
from bot.settings import Settings

SESSION_COOKIE = "konsol_session"


async def home(_request: Request) -> Response:
    """The documents page is the console's start."""
    return RedirectResponse("/documents", status_code=303)


async def http_error(request: Request, error: Exception) -> Response:
    """Errors as a Danish page (JSON for the API)."""
    assert isinstance(error, HTTPException)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"error": error.detail}, status_code=error.status_code)
    return render(request, "error.html", status_code=error.status_code, message=error.detail)


def routes() -> list[Route | Mount]:
    """Every page, form target and API of the console."""
    return [
        Route("/login", views_auth.login_page, methods=["GET"]),
        Route("/login", views_auth.login, methods=["POST"]),
        Route("/logout", views_auth.logout, methods=["POST"]),
        Route("/healthz", views_auth.health, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/documents", views_documents.documents_page, methods=["GET"]),
        Route("/documents/upload", views_documents.upload, methods=["POST"]),
        Route("/documents/reindex", views_documents.reindex, methods=["POST"]),
        Route("/documents/{file}/edit", views_documents.edit_page, methods=["GET"]),
        Route("/documents/{file}/edit", views_documents.edit, methods=["POST"]),
        Route("/documents/{file}/delete", views_documents.remove, methods=["POST"]),
        Route("/api/ingest", views_documents.ingest_status, methods=["GET"]),
        Route("/try", views_try.try_page, methods=["GET"]),
        Route("/try", views_try.try_post, methods=["POST"]),
        Route("/try/example", views_try.add_example_post, methods=["POST"]),
        Route("/report", views_report.report_page, methods=["GET"]),
        Route("/report.csv", views_report.report_csv, methods=["GET"]),
        Route("/intents", views_intents.intents_page, methods=["GET"]),
        Route("/intents/examples", views_intents.add_examples, methods=["POST"]),
        Route("/intents/new", views_intents.add_intent, methods=["POST"]),
        Route("/intents/train", views_intents.train, methods=["POST"]),
        Route("/api/training", views_intents.training_status, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def create_app(settings: Settings, config: ConsoleConfig) -> Starlette:
    """The console app for these bot settings and console config."""
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(LimitBody, limit=config.max_upload_bytes),
        Middleware(SessionMiddleware, secret_key=config.session_secret(), session_cookie=SESSION_COOKIE,
                   max_age=config.session_max_age, same_site="strict", https_only=config.secure_cookie),
        Middleware(RequireLogin, max_age=config.session_max_age),
    ]
    app = Starlette(routes=routes(), middleware=middleware, exception_handlers={HTTPException: http_error})
    app.state.backend = Backend(settings, config)
    app.state.password_hash = password_hash_from(config.password_hash, config.password_file)
    return app
