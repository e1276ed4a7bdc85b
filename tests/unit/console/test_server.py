"""Login, session expiry, CSRF, upload limit and headers through the real console app, served by
uvicorn on a free loopback port (no bot needed: these pages load no model)."""

from __future__ import annotations

import html
import re
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
import requests
import uvicorn

from bot.console.app import SESSION_COOKIE, create_app
from bot.console.auth import hash_password
from bot.console.config import ConsoleConfig
from bot.evaluation.harness import free_port
from bot.index.examples import Example, load_examples
from bot.index.store import load_index
from bot.settings import get_settings
from tests.conftest import FIXTURES

PASSWORD = "en lang test-adgangskode"
MAX_AGE = 3
UPLOAD_LIMIT = 200_000


@pytest.fixture(scope="module")
def console_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the console's corpus, index and tracker store live in."""
    return tmp_path_factory.mktemp("console")


@pytest.fixture(scope="module")
def console(console_folder: Path) -> Iterator[str]:
    """The console app on uvicorn in a thread, over a copy of the fixture corpus and no index."""
    folder = console_folder
    shutil.copytree(FIXTURES / "corpus", folder / "corpus")
    settings = replace(get_settings(), corpus_dir=folder / "corpus", index_dir=folder / "index",
                       tracker_db=folder / "tracker.db", tracker_db_url=f"sqlite:///{folder / 'tracker.db'}")
    config = ConsoleConfig(port=free_port(), password_hash=hash_password(PASSWORD), session_max_age=MAX_AGE,
                           max_upload_bytes=UPLOAD_LIMIT, password_file=folder / "unused")
    server = uvicorn.Server(uvicorn.Config(create_app(settings, config), host="127.0.0.1", port=config.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(10)


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def logged_in(url: str) -> tuple[requests.Session, str]:
    """A session logged in through the form, and its CSRF token."""
    session = requests.Session()
    page = session.get(f"{url}/login")
    reply = session.post(f"{url}/login", data={"csrf_token": token(page.text), "password": PASSWORD, "next": "/try"})
    assert reply.status_code == 200 and reply.url == f"{url}/try"
    return session, token(reply.text)


def test_login_needs_the_password_and_the_forms_token(console: str) -> None:
    session = requests.Session()
    page = session.get(f"{console}/login")
    assert page.status_code == 200
    no_token = session.post(f"{console}/login", data={"password": PASSWORD}, allow_redirects=False)
    assert no_token.status_code == 403
    wrong = session.post(f"{console}/login", data={"csrf_token": token(page.text), "password": "forkert"},
                         allow_redirects=False)
    assert wrong.status_code == 401 and "Forkert adgangskode" in wrong.text
    assert session.get(f"{console}/try", allow_redirects=False).status_code == 303


def test_session_cookie_is_signed_httponly_strict_and_expires(console: str) -> None:
    session, _ = logged_in(console)
    cookie = next(c for c in session.cookies if c.name == SESSION_COOKIE)
    attributes = {key.lower(): value for key, value in cookie._rest.items()}
    assert "httponly" in attributes and attributes["samesite"] == "strict" and cookie.expires is not None
    assert session.get(f"{console}/try", allow_redirects=False).status_code == 200
    tampered = requests.Session()
    tampered.cookies.set(SESSION_COOKIE, cookie.value[:-2] + "xx", domain=cookie.domain, path="/")
    assert tampered.get(f"{console}/try", allow_redirects=False).status_code == 303
    time.sleep(MAX_AGE + 1.5)
    # Even a client that keeps the old cookie is logged out: the login's own time is checked.
    stale = requests.Session()
    stale.cookies.set(SESSION_COOKIE, cookie.value, domain=cookie.domain, path="/")
    reply = stale.get(f"{console}/try", allow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/login?next=%2Ftry"
    assert stale.get(f"{console}/api/ingest").status_code == 401


def test_state_changing_posts_need_the_sessions_csrf_token(console: str) -> None:
    session, csrf = logged_in(console)
    other, other_csrf = logged_in(console)
    assert csrf != other_csrf
    for data in ({}, {"csrf_token": ""}, {"csrf_token": other_csrf}):
        reply = session.post(f"{console}/documents/reindex", data=data, allow_redirects=False)
        assert reply.status_code == 403, data
    header = session.post(f"{console}/logout", headers={"X-CSRF-Token": csrf}, allow_redirects=False)
    assert header.status_code == 303
    assert session.get(f"{console}/try", allow_redirects=False).status_code == 303  # logged out


def test_uploads_above_the_limit_are_refused(console: str) -> None:
    session, csrf = logged_in(console)
    big = b"a" * (UPLOAD_LIMIT + 1)
    reply = session.post(f"{console}/documents/upload", data={"csrf_token": csrf, "title": "Stor"},
                         files={"file": ("stor.txt", big, "text/plain")}, allow_redirects=False)
    assert reply.status_code == 413 and "højst" in reply.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b'--grense\r\nContent-Disposition: form-data; name="file"; filename="stor.txt"\r\n\r\n'
        for _ in range(UPLOAD_LIMIT // 10_000 + 2):
            yield b"x" * 10_000

    streamed = session.post(f"{console}/documents/upload", data=chunks(),
                            headers={"Content-Type": "multipart/form-data; boundary=grense"}, allow_redirects=False)
    assert streamed.status_code == 413


def test_a_refused_upload_name_type_or_metadata_stores_nothing(console: str, tmp_path: Path) -> None:
    session, csrf = logged_in(console)
    for name, title in (("virus.exe", "Titel"), ("../../ud.txt", ""), ("notat.txt", "Titel")):
        data = {"csrf_token": csrf, "title": title, "year": "tyve" if name == "notat.txt" else ""}
        reply = session.post(f"{console}/documents/upload", data=data, files={"file": (name, b"Tekst", "text/plain")})
        assert "Filen blev ikke gemt" in reply.text, name
    page = session.get(f"{console}/documents").text
    assert "virus" not in page and "ud.txt" not in page and "notat.txt" not in page


def test_login_redirects_only_inside_the_console(console: str) -> None:
    session = requests.Session()
    page = session.get(f"{console}/login")
    for target, landed in (("https://evil.example/", "/documents"), ("//evil.example", "/documents"),
                           ("/report", "/report")):
        reply = session.post(f"{console}/login", data={"csrf_token": token(page.text), "password": PASSWORD,
                                                       "next": target}, allow_redirects=False)
        assert reply.status_code == 303
        location = reply.headers["location"]
        assert location in ("/", landed), (target, location)
        page = session.get(f"{console}/login")


def test_pages_have_security_headers(console: str) -> None:
    reply = requests.get(f"{console}/login")
    assert "script-src 'self'" in reply.headers["content-security-policy"]
    assert reply.headers["x-frame-options"] == "DENY" and reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"


def test_a_tried_question_is_kept_as_an_example_of_a_documents_passage(console: str, console_folder: Path) -> None:
    session, csrf = logged_in(console)
    examples = console_folder / "corpus" / "examples.jsonl"
    passage = "Forældrene inviteres altid til en samtale, før der sendes en underretning."
    form = {"csrf_token": csrf, "question": "Hvad sker der før papirerne sendes?", "file": "dagpleje.md",
            "passage": passage}
    assert session.post(f"{console}/try/example", data={**form, "csrf_token": "forkert"}).status_code == 403
    refused = session.post(f"{console}/try/example", data={**form, "file": "findes-ikke.txt"})
    assert "Eksemplet blev ikke gemt" in refused.text and not examples.exists()
    kept = session.post(f"{console}/try/example", data=form)
    assert kept.status_code == 200 and kept.url == f"{console}/try" and "Gemt som eksempelspørgsmål" in kept.text
    assert load_examples(console_folder / "corpus") == [Example(form["question"], "dagpleje.md", passage)]
    deadline = time.monotonic() + 300
    while (status := logged_in(console)[0].get(f"{console}/api/ingest").json())["state"] == "running":  # sessions last 3 s
        assert time.monotonic() < deadline, "the ingest did not finish"
        time.sleep(0.5)
    assert status["state"] == "done", status
    bank = load_index(console_folder / "index").examples
    assert bank.questions == (form["question"],)  # the re-index embedded it


def test_the_documents_page_warns_of_sections_listed_without_their_text(console: str) -> None:
    session, _ = logged_in(console)
    page = html.unescape(session.get(f"{console}/documents").text)
    warning = re.search(r"indholdsfortegnelsen nævner (\d+) afsnit, hvis tekst ikke er i filen \(([^)]*)\)", page)
    assert warning is not None and warning.group(1) == "2"
    assert warning.group(2) == "«Lektiecafé for tosprogede elever», «Forældremøder i udskolingen»"
    assert page.count("indholdsfortegnelsen nævner") == 1  # the other fixture documents list no contents
