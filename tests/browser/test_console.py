"""The consultants' console in real headless Chromium, against the real console and the real bot.

The bot (action server, Rasa server, web page) runs on a temporary copy of corpus/ and the
current index build (BOT_CORPUS_DIR, BOT_INDEX_DIR), so uploads never touch the real ones;
the console (`python -m bot.console`) runs beside it on a free port with the same folders
and tracker database. Set CONSOLE_SCREENSHOTS=1 to refresh docs/console-*.png.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect
from starlette.routing import Mount, Route

from bot.console.app import routes
from bot.console.auth import hash_password
from bot.console.security import API_PREFIX, PUBLIC_PATHS
from bot.documents.corpus import load_sources
from bot.evaluation.harness import BotDidNotStart, RunningBot, free_port, running_bot
from tests.browser.test_widget import Watched, ask, axe_violations, browser, open_chat  # noqa: F401 - browser: fixture
from tests.chat_clients import new_sender
from tests.conftest import ROOT
from tests.fixtures.console.make_memo import TITLE, make_memo

pytestmark = pytest.mark.servers

PASSWORD = "konsulent-test-adgangskode"
MEMO_FILE = "laerkereden.pdf"
MEMO_QUESTION = "Hvor ofte mødes det tværfaglige team i Lærkereden?"
MEMO_FACT = "hver anden torsdag"
FIRST_QUESTION = "Hvad investerede Herning, og hvad fik de igen?"
DECLINED = "Hvad koster en pizza i Rom?"
SCRIPT = "<script>window.__xss = 1</script>"
SHOTS = os.environ.get("CONSOLE_SCREENSHOTS") == "1"
CONSOLE_READY_S = 60

expect.set_options(timeout=60_000)


# ---- fixtures -----------------------------------------------------------------------------

@dataclass
class Console:
    """The console server started for this module."""

    url: str
    corpus_dir: Path
    index_dir: Path
    process: subprocess.Popen


def _copy_bot_data(target: Path) -> tuple[Path, Path]:
    """A copy of corpus/ and of the current index build, with its own `current` link."""
    corpus_dir, index_dir = target / "corpus", target / "index"
    shutil.copytree(ROOT / "corpus", corpus_dir)
    build = (ROOT / "index" / "current").resolve()
    (index_dir / "builds").mkdir(parents=True)
    shutil.copytree(build, index_dir / "builds" / build.name)
    (index_dir / "current").symlink_to(Path("builds") / build.name)
    return corpus_dir, index_dir


@pytest.fixture(scope="module")
def data_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _copy_bot_data(tmp_path_factory.mktemp("console-data"))


@pytest.fixture(scope="module")
def console_bot(data_dirs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """The whole bot on the copied corpus and index."""
    corpus_dir, index_dir = data_dirs
    try:
        with running_bot(tmp_path_factory.mktemp("console-run"), ready_timeout=400,
                         env={"BOT_CORPUS_DIR": str(corpus_dir), "BOT_INDEX_DIR": str(index_dir)}) as bot:
            yield bot
    except BotDidNotStart as error:
        pytest.fail(str(error))


@contextmanager
def serve_console(bot: RunningBot, corpus_dir: Path, index_dir: Path, **env: str) -> Iterator[Console]:
    """`python -m bot.console` on a free loopback port, next to `bot`, with the test password (and `env`)."""
    port = free_port()
    env = {**os.environ, "BOT_CORPUS_DIR": str(corpus_dir), "BOT_INDEX_DIR": str(index_dir),
           "TRACKER_DB": str(bot.tracker_db), "CONSOLE_PORT": str(port), "CONSOLE_HOST": "127.0.0.1",
           "CONSOLE_PASSWORD_HASH": hash_password(PASSWORD), "RASA_PORT": bot.rasa_url.rsplit(":", 1)[1], **env}
    log = (bot.run_dir / "console.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot.console"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + CONSOLE_READY_S
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail("the console did not start:\n" + (bot.run_dir / "console.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield Console(url, corpus_dir, index_dir, process)
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def console(console_bot: RunningBot, data_dirs: tuple[Path, Path]) -> Iterator[Console]:
    """The console next to the module's bot."""
    with serve_console(console_bot, *data_dirs) as served:
        yield served


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:  # noqa: F811 - `browser` is test_widget's fixture
    # bypass_csp: only so axe-core can be injected; the policy itself is checked in tests/unit/console.
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="da-DK", accept_downloads=True,
                                  bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.watched = Watched(page)
    yield page
    assert page.watched.errors == [], "script errors on the page"
    assert page.watched.dialogs == [], "a dialog was opened"


# ---- helpers ------------------------------------------------------------------------------

def log_in(page: Page, console: Console, then: str = "/documents") -> None:
    """Log in through the login form, landing on `then`."""
    page.goto(f"{console.url}{then}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(f"{console.url}{then}")


def shot(page: Page, name: str, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=str(ROOT / "docs" / f"console-{name}.png"), full_page=full_page)


def every_request() -> list[tuple[str, str]]:
    """(method, path) for every route of the app: path parameters filled in, each static file."""
    found = []
    for route in routes():
        if isinstance(route, Mount):
            folder = Path(route.app.directory)
            found += [("GET", f"{route.path}/{file.relative_to(folder).as_posix()}")
                      for file in sorted(folder.rglob("*")) if file.is_file()]
        else:
            assert isinstance(route, Route)
            path = re.sub(r"\{[^}]+\}", "000_f6001265b2ff4c71.txt", route.path)
            found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def wait_for_ingest(page: Page) -> None:
    """The progress bar runs to the end and the summary appears."""
    expect(page.locator("#ingest-stage")).to_have_text("Færdig")
    expect(page.locator("#ingest-progress")).to_have_attribute("value", "100")
    expect(page.locator("#ingest-summary")).to_be_visible()


# ---- tests --------------------------------------------------------------------------------

def test_every_page_and_api_refuses_without_login(console: Console, page: Page) -> None:
    assert PUBLIC_PATHS == {"/login", "/healthz", "/static/console.css"}  # a new public path is a decision
    requests_made = every_request()
    for expected in (("GET", "/api/ingest"), ("POST", "/documents/upload"), ("GET", "/intents"),
                     ("POST", "/intents/train"), ("GET", "/static/progress.js")):
        assert expected in requests_made
    for method, path in requests_made:
        reply = requests.request(method, f"{console.url}{path}", allow_redirects=False, timeout=30)
        if path in PUBLIC_PATHS:
            assert reply.status_code in (200, 403), (method, path, reply.status_code)  # 403: the login form's CSRF
            continue
        if path.startswith(API_PREFIX):
            assert reply.status_code == 401, (method, path)
        else:
            assert reply.status_code == 303, (method, path, reply.status_code)
            assert reply.headers["location"].startswith("/login"), (method, path)
        assert "Investér" not in reply.text and "000_f6001265b2ff4c71" not in reply.text
    # In the browser: a page redirects to the login form, and a wrong password is refused.
    page.goto(f"{console.url}/report")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Freport$"))
    shot(page, "login", full_page=False)
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text("Forkert adgangskode")
    assert page.context.request.get(f"{console.url}/api/ingest").status == 401


def test_consultant_uploads_a_pdf_and_the_bot_answers_from_it(
        console: Console, console_bot: RunningBot, page: Page, tmp_path: Path) -> None:
    memo = make_memo(tmp_path / MEMO_FILE)
    log_in(page, console)
    assert serious(axe_violations(page)) == []
    page.get_by_label("Fil", exact=False).first.set_input_files(str(memo))
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Udgiver").fill("Egebæk Kommune")
    page.get_by_label("År", exact=True).fill("2025")
    page.get_by_label("Emner", exact=False).fill("Lærkereden, sårbare gravide")
    page.get_by_label("Det kalder folk dokumentet", exact=False).fill("notat, ")
    page.get_by_role("button", name="Upload og indekser").click()
    wait_for_ingest(page)
    expect(page.locator("#ingest-summary")).to_contain_text(f"Tilføjet: 1 ({MEMO_FILE})")
    row = page.get_by_role("row").filter(has_text=MEMO_FILE)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Egebæk Kommune")
    expect(row.locator("td.number")).not_to_have_text("0")
    assert "Lærkereden" in (console.corpus_dir / "sources.yml").read_text(encoding="utf-8")
    assert load_sources(console.corpus_dir)[MEMO_FILE].called == ("notat",)
    assert not (ROOT / "corpus" / MEMO_FILE).exists()
    shot(page, "documents")

    page.get_by_role("link", name="Prøv et spørgsmål").click()
    page.get_by_label("Spørgsmål", exact=True).fill(MEMO_QUESTION)
    page.get_by_role("button", name="Spørg", exact=True).click()
    reply = page.locator("#reply")
    expect(reply.locator(".answer-text").first).to_contain_text(MEMO_FACT)
    expect(reply.locator(".answer-text").first).to_contain_text(TITLE)
    expect(reply.locator(".answer-text").first).to_contain_text("Egebæk Kommune")
    expect(reply.locator(".sources")).to_contain_text(MEMO_FILE)
    expect(page.locator(".decision")).to_contain_text("Besvaret")
    expect(page.locator("table.hits tbody tr").first).to_contain_text(MEMO_FILE)
    assert serious(axe_violations(page)) == []
    shot(page, "try")

    # The running bot switched to the new index by itself: the chat widget answers from the memo.
    open_chat(page, console_bot)
    ask(page, MEMO_QUESTION)
    answer = page.locator(".tiw-msg--bot").last
    expect(answer).to_contain_text(MEMO_FACT)
    expect(answer).to_contain_text(TITLE)


def test_report_shows_a_declined_question_with_the_turn_before_and_charts(
        console: Console, console_bot: RunningBot, page: Page) -> None:
    sender = new_sender("console")
    kinds = [m["custom"]["kind"] for m in console_bot.send(sender, FIRST_QUESTION)]
    assert "answer" in kinds
    kinds = [m["custom"]["kind"] for m in console_bot.send(sender, DECLINED)]
    assert "no_answer" in kinds
    scripted = f"{SCRIPT} Hvad koster en busbillet i Rom?"
    assert "no_answer" in [m["custom"]["kind"] for m in console_bot.send(new_sender("console"), scripted)]

    log_in(page, console, "/report")
    declined = page.locator("#table-afvist")
    row = declined.get_by_role("row").filter(has_text=DECLINED)
    expect(row).to_contain_text(f"Bruger: {FIRST_QUESTION}")
    expect(row.locator(".turns li").last).to_contain_text("Bot: ")  # and the bot's answer to it
    expect(declined.get_by_role("row").filter(has_text="busbillet")).to_contain_text(SCRIPT)  # shown as text
    assert page.evaluate("window.__xss") is None
    for chart in ("chart-messages", "chart-declined", "chart-feedback"):
        drawn = page.evaluate(f"() => {{ const c = Chart.getChart('{chart}'); "
                              "return c ? c.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0; }")
        assert drawn > 0, chart
    page.get_by_text("Tallene bag graferne").click()
    expect(page.locator("#days-table tbody tr").first).to_be_visible()
    assert serious(axe_violations(page)) == []
    shot(page, "report")

    today = time.strftime("%Y-%m-%d")
    page.get_by_label("Fra dato").fill(today)
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(f"since={today}"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    mine = next(r for r in rows if r["besked"] == DECLINED)
    assert mine["kategori"] == "afvist" and FIRST_QUESTION in mine["samtalen_foer"]
    page.get_by_label("Fra dato").fill("2000-01-01")
    page.get_by_label("Til og med dato").fill("2000-01-02")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text("Ingen samtaler i perioden.")).to_be_visible()
    expect(page.locator("#table-afvist")).to_have_count(0)


def test_script_in_a_title_and_a_question_is_shown_as_text(console: Console, page: Page, tmp_path: Path) -> None:
    note = tmp_path / "xss-notat.md"
    note.write_text("# Notat\n\nEt kort notat om forældresamarbejde i dagtilbud og om sprogscreening af treårige.\n",
                    encoding="utf-8")
    title = f"Notat {SCRIPT}<img src=x onerror=\"window.__xss = 2\">"
    log_in(page, console)
    page.get_by_label("Fil", exact=False).first.set_input_files(str(note))
    page.get_by_label("Titel").fill(title)
    page.get_by_role("button", name="Upload og indekser").click()
    wait_for_ingest(page)
    expect(page.get_by_role("row").filter(has_text="xss-notat.md")).to_contain_text(title)
    page.get_by_role("link", name="Rediger xss-notat.md").click()
    expect(page.get_by_label("Titel")).to_have_value(title)

    page.goto(f"{console.url}/try")
    page.get_by_label("Spørgsmål", exact=True).fill(f"{SCRIPT} Hvad er sprogscreening?")
    page.get_by_role("button", name="Spørg", exact=True).click()
    expect(page.get_by_label("Spørgsmål", exact=True)).to_have_value(f"{SCRIPT} Hvad er sprogscreening?")
    expect(page.locator("#reply")).to_be_visible()
    assert page.evaluate("window.__xss") is None


def test_form_posts_without_the_csrf_token_are_refused(console: Console, page: Page) -> None:
    log_in(page, console, "/try")
    # A real form with its token removed.
    page.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    page.get_by_label("Spørgsmål", exact=True).fill(MEMO_QUESTION)
    with page.expect_response(re.compile(r"/try$")) as response:
        page.get_by_role("button", name="Spørg", exact=True).click()
    assert response.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text("CSRF")
    # Every state-changing route, with the logged-in session's cookie but no token (or a wrong one).
    for method, path in every_request():
        if method != "POST":
            continue
        for form in ({}, {"csrf_token": "forkert"}):
            reply = page.context.request.post(f"{console.url}{path}", form=form, max_redirects=0)
            assert reply.status == 403, (path, form, reply.status)
    expect_logged_in = page.context.request.get(f"{console.url}/api/ingest")
    assert expect_logged_in.status == 200  # the refused posts changed nothing, not even the login


def test_intents_page_lists_intents_and_offers_training(console: Console, page: Page) -> None:
    log_in(page, console, "/intents")
    table = page.locator("#intents-table")
    expect(table.get_by_role("row").filter(has_text="greet")).to_be_visible()
    expect(page.locator("#training-stage")).to_be_visible()
    expect(page.get_by_role("button", name="Træn botten og skift model")).to_be_visible()
    assert serious(axe_violations(page)) == []
    shot(page, "intents")
    # A message from the report's "unsure" list arrives prefilled, for the chosen intent.
    page.goto(f"{console.url}/intents?{urlencode({'example': SCRIPT, 'intent': 'greet'})}")
    expect(page.locator("#examples")).to_have_value(SCRIPT)
    expect(page.get_by_label("Intent", exact=True)).to_have_value("greet")
    assert page.evaluate("window.__xss") is None
