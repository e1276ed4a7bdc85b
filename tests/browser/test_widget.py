"""The chat widget in real headless Chromium against the real running bot.

Debian's `chromium` driven by Playwright (`executable_path`, never a downloaded browser).
The page is the demo page served by scripts/run.sh, opened with `?server=` pointing at the
test session's Rasa server. Pages that embed the widget another way are served from a
second origin by `page_server`; `own_rasa` is a Rasa server of this module's own that a
test may stop and start again. Set WIDGET_SCREENSHOT=docs/widget-screenshot.png to refresh
the README's screenshot.
"""

from __future__ import annotations

import functools
import html
import json
import os
import shutil
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from websockets.sync.client import connect as websocket_connect

from bot.ops.readiness import rasa_has_model
from bot.ops.server_process import ServerProcess
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.servers

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SOCKETIO = ROOT / "bot" / "web" / "vendor" / "socket.io.min.js"

HERNING = "Hvad investerede Herning, og hvad fik de igen?"
VIVE = "Hvad viser VIVEs undersøgelse af 18 kommuner?"
EMERGENCY = "Et barn bliver slået derhjemme lige nu"
XSS = "<img src=x onerror=alert(1)>"
CPR = "Mit CPR-nummer er 010190-1234. Hvad er en underretning?"
INPUT = "Skriv dit spørgsmål"
FOREIGN_ORIGIN = "http://evil.example"
CONTRAST_JS = (FIXTURES / "contrast.js").read_text(encoding="utf-8")

expect.set_options(timeout=30_000)


# ---- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    for built, how in ((SOCKETIO, "scripts/build-widget.sh"), (AXE, "scripts/build-widget.sh (npm ci)")):
        if not built.exists():
            pytest.fail(f"{built.relative_to(ROOT)} is missing: run {how}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="da-DK")
    yield context
    context.close()


class Watched:
    """Script errors and dialogs (alert(), ...) seen on a page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(context: BrowserContext, running_bot) -> Iterator[Page]:
    page = context.new_page()
    page.watched = Watched(page)
    open_chat(page, running_bot)
    yield page
    assert page.watched.errors == [], "script errors on the page"
    assert page.watched.dialogs == [], "a dialog was opened"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PageServer:
    """Serves test pages that embed the widget from a second origin (127.0.0.1, another port)."""

    def __init__(self, folder: Path, widget_base: str) -> None:
        self.folder = folder
        self.widget_base = widget_base
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def embed(self, name: str, **data: str) -> str:
        """A page with the widget's script tag and these data attributes (`text_send` is data-text-send); its URL."""
        attributes = " ".join(f'data-{key.replace("_", "-")}="{html.escape(value)}"' for key, value in data.items())
        (self.folder / name).write_text(
            '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Kommunens side</title></head>'
            '<body><main><h1>Kommunens side</h1><p>Tekst på en anden hjemmeside.</p></main>'
            f'<script src="{self.widget_base}/widget.js" defer {attributes}></script></body></html>',
            encoding="utf-8")
        return f"{self.url}/{name}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def page_server(running_bot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageServer]:
    server = PageServer(tmp_path_factory.mktemp("pages"), running_bot.web_url)
    yield server
    server.server.shutdown()


class RasaServer:
    """A Rasa server of our own, started like scripts/run.sh starts it, that a test may restart.

    It uses the session's action server and keeps its conversations in its own SQLite file.
    """

    def __init__(self, action_url: str, origins: list[str], run_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = run_dir
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
               "ACTION_PORT": str(urlsplit(action_url).port), "TRACKER_DB": str(run_dir / "tracker.db")}
        command = [str(ROOT / ".venv-rasa" / "bin" / "rasa"), "run", "--enable-api", "-i", "127.0.0.1",
                   "-p", str(self.port), "-m", "models/bot.tar.gz", "--endpoints", "endpoints.yml",
                   "--credentials", "credentials.yml", "--cors", *origins]
        self.server = ServerProcess(lambda: command, run_dir / "rasa.log", rasa_has_model(self.url),
                                    popen={"cwd": ROOT, "env": env})

    def start(self, timeout: float = 240) -> None:
        """Start the server and wait until it has loaded its model."""
        try:
            self.server.start(timeout)
        except RuntimeError:
            self.server.stop()
            pytest.fail("our own Rasa server did not start:\n" + (self.run_dir / "rasa.log").read_text()[-3000:])

    def stop(self) -> None:
        """Stop the server (SIGTERM, as on a restart) and wait until it is gone."""
        self.server.stop()


@pytest.fixture(scope="module")
def own_rasa(running_bot, page_server: PageServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """Our own Rasa server, open to the demo page and to the test pages' origin."""
    server = RasaServer(running_bot.action_url, [running_bot.web_url, page_server.url],
                        tmp_path_factory.mktemp("own-rasa"))
    server.start()
    yield server
    server.stop()


# ---- helpers ------------------------------------------------------------------------------

def open_chat(page: Page, bot, connection: str = "socket", server: str | None = None) -> None:
    """The demo page, talking to the session's Rasa server (or `server`)."""
    page.goto(f"{bot.web_url}/?server={server or bot.rasa_url}")
    expect(page.get_by_role("textbox", name=INPUT)).to_be_visible()
    expect(page.locator(".tiw")).to_have_attribute("data-connection", connection)


def ask(page: Page, text: str) -> None:
    """Type a message, send it with Enter and wait until the bot has replied."""
    replies = page.locator(".tiw-msg--bot")
    before = replies.count()
    box = page.get_by_role("textbox", name=INPUT)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".tiw-msg--user").last).to_have_text(f"Du skrev:{text}")
    expect(replies).not_to_have_count(before)
    expect(page.locator(".tiw-typing")).to_be_hidden()


def session_id(page: Page) -> str:
    return page.evaluate("window.TidligIndsatsChat.sessionId")


def tracker_events(rasa_url: str, sender: str, event: str) -> list[dict]:
    """The conversation's events of one type, from Rasa's HTTP API (the tracker store)."""
    reply = requests.get(f"{rasa_url}/conversations/{sender}/tracker", params={"include_events": "ALL"}, timeout=30)
    reply.raise_for_status()
    return [e for e in reply.json()["events"] if e["event"] == event]


def said(rasa_url: str, sender: str) -> list[str]:
    """What the user said in the conversation, as Rasa stored it."""
    return [e["text"] for e in tracker_events(rasa_url, sender, "user")]


def assert_contrast(page: Page, at_least: int = 10) -> None:
    """Every rendered text and control border of the widget passes WCAG AA contrast."""
    result = page.evaluate(CONTRAST_JS)
    assert result["checked"] >= at_least, result
    assert result["failures"] == [], result["failures"]


def focused(page: Page) -> str:
    """Accessible-ish name of the focused element, looking inside shadow roots."""
    return page.evaluate("""() => {
        let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
        if (!a) return "";
        return (a.getAttribute("aria-label") || a.textContent || a.getAttribute("placeholder") || a.tagName).trim();
    }""")


def tab_to(page: Page, name: str, backwards: bool = False, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused(page).startswith(name):
            return
    pytest.fail(f"could not reach {name!r} with the keyboard; stuck at {focused(page)!r}")


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})""")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


# ---- the widget ---------------------------------------------------------------------------

def test_welcome_privacy_line_and_labels(page: Page):
    expect(page.get_by_role("heading", name="Spørg om tidlig indsats")).to_be_visible()
    expect(page.locator(".tiw-kind--welcome")).to_contain_text("Du kan fx spørge")
    expect(page.get_by_role("group", name="Forslag til spørgsmål").get_by_role("button")).to_have_count(3)
    box = page.get_by_role("textbox", name=INPUT)
    expect(box).to_have_accessible_description("Skriv ikke navne eller CPR-numre.")
    expect(page.get_by_text("Skriv ikke navne eller CPR-numre.")).to_be_visible()
    log = page.get_by_role("log", name="Samtale med chatbotten")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Luk chatten")).to_be_visible()


def test_herning_question_gets_an_answer_with_its_sources(page: Page, running_bot):
    ask(page, HERNING)
    answer = page.locator(".tiw-kind--answer").last
    expect(answer).to_contain_text("Herning")
    expect(page.locator(".tiw")).to_have_attribute("data-connection", "socket")  # it came over socket.io

    expected = running_bot.send(f"widget-ref-{session_id(page)}", HERNING)[-1]["custom"]["sources"]
    items = answer.locator(".tiw-source")
    expect(items).to_have_count(len(expected))
    for item, source in zip(items.all(), expected):
        expect(item).to_contain_text(source["title"])
        expect(item).to_contain_text(source["publisher"])
        if source.get("year"):
            expect(item).to_contain_text(str(source["year"]))
        if source["url"].startswith(("http://", "https://")):
            expect(item.get_by_role("link")).to_have_attribute("href", source["url"])

    toggle = answer.locator(".tiw-excerpt-toggle").first
    expect(toggle).to_have_text("Vis uddrag")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Skjul uddrag")
    excerpt = answer.locator(".tiw-excerpt").first
    expect(excerpt).to_be_visible()
    expect(excerpt).to_have_text(expected[0]["passage"])


def test_source_is_a_safe_link_with_publisher_title_and_year(page: Page):
    ask(page, VIVE)
    answer = page.locator(".tiw-kind--answer").last
    link = answer.get_by_role("link", name="Kommuners omlægning til en tidligere forebyggende indsats")
    expect(link).to_have_attribute("href", "https://www.vive.dk/da/udgivelser/kommunernes-omlaegning-til-en-tidligere-forebyggende-indsats-paa-boern-og-unge-omraadet-14706/")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(answer.locator(".tiw-source").first).to_contain_text("VIVE")
    expect(answer.locator(".tiw-source").first).to_contain_text("2021")


def test_screenshot_of_an_answer(context: BrowserContext, running_bot, tmp_path):
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 1000})
    open_chat(page, running_bot)
    ask(page, VIVE)
    expect(page.locator(".tiw-kind--answer .tiw-source-link")).to_be_visible()
    page.locator(".tiw-log").evaluate("log => { log.scrollTop = log.scrollHeight; }")  # sources and 👍/👎
    page.get_by_role("textbox", name=INPUT).blur()
    shot = tmp_path / "widget.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("WIDGET_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / os.environ["WIDGET_SCREENSHOT"])


def test_suggested_buttons_send_their_question(page: Page):
    welcome = page.get_by_role("group", name="Forslag til spørgsmål")
    welcome.get_by_role("button", name=VIVE).click()
    expect(page.locator(".tiw-msg--user").last).to_have_text(f"Du skrev:{VIVE}")
    expect(page.locator(".tiw-kind--answer")).to_have_count(1)
    # The used suggestions go away; the answer brings its own group of related questions.
    expect(page.get_by_role("button", name=VIVE)).to_have_count(0)
    expect(welcome).to_have_count(1)
    expect(page.locator(".tiw-msg--bot").last.get_by_role("group", name="Forslag til spørgsmål")).to_have_count(1)

    ask(page, "hvad kan du?")
    offered = page.locator(".tiw-msg--bot").last.get_by_role("button", name="Hvad er en dialogbaseret underretning?")
    offered.click()
    expect(page.locator(".tiw-msg--user").last).to_have_text("Du skrev:Hvad er en dialogbaseret underretning?")
    expect(page.locator(".tiw-msg--bot").last).to_contain_text("underretning")
    # The used suggestions went away; only the new reply's own buttons (what to ask next) remain.
    expect(page.locator(".tiw-buttons")).to_have_count(1)
    expect(page.locator(".tiw-msg--bot").last.locator(".tiw-buttons")).to_have_count(1)


def test_conversation_survives_a_reload(page: Page, running_bot):
    ask(page, "hej")
    sender = session_id(page)
    messages_before = page.locator(".tiw-msg").count()
    page.reload()
    expect(page.locator(".tiw")).to_have_attribute("data-connection", "socket")
    assert session_id(page) == sender
    expect(page.locator(".tiw-msg")).to_have_count(messages_before)
    expect(page.locator(".tiw-msg--user").first).to_have_text("Du skrev:hej")
    ask(page, HERNING)
    expect(page.locator(".tiw-kind--answer")).to_have_count(1)
    assert said(running_bot.rasa_url, sender) == ["hej", HERNING], \
        "the reloaded page did not continue the same Rasa conversation"


def test_new_conversation_button_starts_afresh(page: Page):
    ask(page, "hej")
    before = session_id(page)
    page.get_by_role("button", name="Ny samtale").click()
    expect(page.locator(".tiw-msg--user")).to_have_count(0)
    expect(page.get_by_role("group", name="Forslag til spørgsmål")).to_be_visible()
    assert session_id(page) != before
    ask(page, "hej")
    expect(page.locator(".tiw-msg--bot")).to_have_count(2)


def test_html_from_the_user_is_shown_as_text(page: Page):
    page.evaluate("window.__xss = 0")
    ask(page, XSS)
    expect(page.locator(".tiw-msg--user").last.locator(".tiw-text")).to_have_text(XSS)
    expect(page.locator("img")).to_have_count(0)
    page.reload()  # and again when the history is rendered from sessionStorage
    expect(page.locator(".tiw-msg--user").last.locator(".tiw-text")).to_have_text(XSS)
    expect(page.locator("img")).to_have_count(0)
    assert page.watched.dialogs == []


def test_hostile_bot_messages_are_inert(context: BrowserContext, running_bot):
    """Whatever a (compromised) server sends is text; only http(s) links become links."""
    hostile = [{
        "recipient_id": "x",
        "text": "<b>fed</b><script>window.__pwned = 1</script>",
        "buttons": [{"title": "<img src=x onerror=alert(2)>", "payload": "hej"}],
        "custom": {"kind": "answer x\" onclick=\"alert(7)", "text": "x", "confidence": 1, "sources": [
            {"file": "a", "title": "<i>Titel</i>", "publisher": "<img src=x onerror=alert(3)>", "year": 2020,
             "url": "javascript:alert(4)", "passage": "<svg onload=alert(5)>", "score": 1},
            {"file": "b", "title": "Data-URL", "publisher": "P", "year": None,
             "url": "data:text/html,<script>alert(6)</script>", "passage": "", "score": 1}]},
    }]
    page = context.new_page()
    watched = Watched(page)
    page.route("**/socket.io/**", lambda route: route.abort())
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(hostile),
        headers={"Access-Control-Allow-Origin": "*"}))
    open_chat(page, running_bot, connection="rest")
    ask(page, "hej")
    message = page.locator(".tiw-msg--bot").last
    expect(message.locator(".tiw-text")).to_have_text("<b>fed</b><script>window.__pwned = 1</script>")
    expect(message.get_by_role("button", name="<img src=x onerror=alert(2)>")).to_be_visible()
    expect(message.get_by_role("link")).to_have_count(0)
    expect(message.locator(".tiw-source").first).to_contain_text("<i>Titel</i>")
    message.get_by_role("button", name="Vis uddrag").click()
    expect(message.locator(".tiw-excerpt")).to_have_text("<svg onload=alert(5)>")
    for tag in ("img", "script:not([src])", "b", "i", "svg:not(.tiw-icon)"):
        expect(page.locator(f".tiw {tag}")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None
    assert watched.dialogs == [] and watched.errors == []


def test_emergency_message_is_distinct_and_announced(page: Page):
    ask(page, HERNING)
    ask(page, EMERGENCY)
    emergency = page.locator(".tiw-kind--emergency").last
    expect(emergency).to_contain_text("Vigtigt – handl nu")
    expect(emergency).to_contain_text("112")
    normal = page.locator(".tiw-kind--answer .tiw-bubble").last
    bubble = emergency.locator(".tiw-bubble")
    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderLeftColor, s.borderLeftWidth]; }"
    assert bubble.evaluate(style) != normal.evaluate(style)
    expect(bubble).to_have_css("border-left-color", "rgb(163, 0, 27)")
    expect(page.get_by_role("alert")).to_contain_text("Ring 112")


def test_feedback_buttons_reach_the_bot(page: Page, running_bot):
    ask(page, VIVE)
    group = page.locator(".tiw-kind--answer").last.get_by_role("group", name="Var svaret nyttigt?")
    up = group.get_by_role("button", name="Ja, svaret var nyttigt")
    expect(up).to_have_attribute("aria-pressed", "false")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".tiw-msg--bot").last).to_contain_text("Tak for din tilbagemelding")
    expect(page.locator(".tiw-msg--user")).to_have_count(1)  # the vote is not shown as a user message
    slots = tracker_events(running_bot.rasa_url, session_id(page), "slot")
    feedback = [e["value"] for e in slots if e["name"] == "feedback"]
    assert feedback and feedback[-1]["value"] == "up"
    assert feedback[-1]["question"] == VIVE  # the verdict is about the question answered
    assert said(running_bot.rasa_url, session_id(page)) == [VIVE, "/feedback_positive"]


def test_a_whole_round_by_keyboard_only(page: Page):
    tab_to(page, INPUT)  # from the top of the page into the open chat
    page.keyboard.press("Escape")  # the chat closes and focus goes to the launcher
    launcher = page.get_by_role("button", name="Chat: spørg om tidlig indsats")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name=INPUT)).to_be_focused()

    page.keyboard.type(VIVE)
    page.keyboard.press("Enter")
    answer = page.locator(".tiw-kind--answer").last
    expect(answer).to_be_visible()
    expect(page.get_by_role("textbox", name=INPUT)).to_be_focused()

    tab_to(page, "Vis uddrag", backwards=True)
    page.keyboard.press("Enter")
    expect(answer.locator(".tiw-excerpt").first).to_be_visible()
    tab_to(page, "Ja, svaret var nyttigt")
    page.keyboard.press("Space")
    expect(answer.get_by_role("button", name="Ja, svaret var nyttigt")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".tiw-msg--bot").last).to_contain_text("Tak for din tilbagemelding")

    tab_to(page, INPUT)
    page.keyboard.type("tak")
    page.keyboard.press("Enter")
    expect(page.locator(".tiw-msg--user").last).to_have_text("Du skrev:tak")


def test_no_accessibility_violations_and_aa_contrast(page: Page):
    ask(page, VIVE)
    page.locator(".tiw-kind--answer").get_by_role("button", name="Vis uddrag").first.click()
    ask(page, EMERGENCY)
    ask(page, CPR)
    expect(page.locator(".tiw-kind--notice")).to_contain_text("personoplysninger")
    ask(page, "hvad kan du?")
    expect(page.locator(".tiw-quick")).not_to_have_count(0)
    page.get_by_role("textbox", name=INPUT).fill("en tekst i feltet")
    violations = axe_violations(page)
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == [], violations
    assert violations == []
    # axe checks contrast only on screen; this checks every message, scrolled away or not
    assert_contrast(page, at_least=25)


def test_works_at_360_px(browser: Browser, running_bot):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="da-DK")
    try:
        page = context.new_page()
        open_chat(page, running_bot)
        ask(page, VIVE)
        expect(page.locator(".tiw-kind--answer .tiw-source-link")).to_be_visible()
        widths = page.evaluate("""() => {
            const root = document.querySelector(".tidlig-indsats-chat").shadowRoot;
            const panel = root.querySelector(".tiw-panel");
            const log = root.querySelector(".tiw-log");
            return {page: document.documentElement.scrollWidth, panel: panel.getBoundingClientRect().width,
                    right: panel.getBoundingClientRect().right, log: log.scrollWidth, logClient: log.clientWidth};
        }""")
        assert widths["page"] <= 360 and widths["panel"] <= 360 and widths["right"] <= 360, widths
        assert widths["log"] <= widths["logClient"], "messages overflow sideways"
        for control in (page.get_by_role("textbox", name=INPUT), page.get_by_role("button", name="Send", exact=True),
                        page.get_by_role("button", name="Luk chatten")):
            expect(control).to_be_in_viewport()
        assert [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []
        page.get_by_role("button", name="Luk chatten").click()
        launcher = page.get_by_role("button", name="Chat: spørg om tidlig indsats")
        expect(launcher).to_be_in_viewport(ratio=1)
        assert launcher.bounding_box()["width"] <= 64  # an icon on phones, not a bar over the page
    finally:
        context.close()


def test_falls_back_to_rest_when_socketio_cannot_connect(context: BrowserContext, running_bot):
    page = context.new_page()
    rest_calls = []
    page.on("request", lambda r: rest_calls.append(r.url) if "/webhooks/rest/webhook" in r.url else None)
    page.route("**/socket.io/**", lambda route: route.abort())
    open_chat(page, running_bot, connection="rest")
    ask(page, VIVE)
    expect(page.locator(".tiw-kind--answer .tiw-source")).not_to_have_count(0)
    assert rest_calls
    assert said(running_bot.rasa_url, session_id(page)) == [VIVE]


def test_configured_by_data_attributes(context: BrowserContext, running_bot):
    """inline.html: the widget inside the page, in English, with its own title, colour and strings."""
    page = context.new_page()
    page.goto(f"{running_bot.web_url}/inline.html?server={running_bot.rasa_url}")
    chat = page.locator("#chat")
    expect(chat.get_by_role("heading", name="Ask the municipality")).to_be_visible()
    expect(chat.get_by_role("textbox", name="Type your question")).to_have_accessible_description(
        "No names, please, and no CPR numbers.")
    expect(chat.get_by_role("group", name="Suggested questions").get_by_role("button")).to_have_text(
        ["What did Herning invest, and what did they get back?"])
    expect(page.get_by_role("button", name="Close the chat")).to_have_count(0)  # inline: nothing to close
    expect(chat.locator(".tiw-send")).to_have_css("background-color", "rgb(91, 42, 134)")
    expect(chat.locator(".tiw")).to_have_attribute("lang", "en")
    expect(chat.locator(".tiw")).to_have_attribute("data-connection", "socket")
    chat.get_by_role("button", name="What did Herning invest, and what did they get back?").click()
    expect(chat.locator(".tiw-msg--bot")).to_have_count(2)
    assert [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []


def test_widget_script_is_ascii():
    """A script inherits the host page's encoding: ASCII keeps the Danish texts intact anywhere."""
    for name in ("widget.js", "widget.css"):
        (ROOT / "bot" / "web" / name).read_bytes().decode("ascii")


def test_rest_cors_allows_only_the_configured_origins(running_bot):
    webhook = f"{running_bot.rasa_url}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = requests.options(webhook, headers={"Origin": running_bot.web_url, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == running_bot.web_url
    foreign = requests.options(webhook, headers={"Origin": FOREIGN_ORIGIN, **preflight}, timeout=10)
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_socketio_polling_allows_only_the_configured_origins(running_bot):
    handshake = f"{running_bot.rasa_url}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(handshake, headers={"Origin": running_bot.web_url}, timeout=10)
    assert allowed.status_code == 200 and allowed.text.startswith("0{")  # engine.io "open" packet
    # exactly one header: a doubled one (engine.io's and sanic-cors') makes browsers refuse the reply
    assert allowed.raw.headers.getlist("Access-Control-Allow-Origin") == [running_bot.web_url]
    foreign = requests.get(handshake, headers={"Origin": FOREIGN_ORIGIN}, timeout=10)
    assert foreign.status_code == 403
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert requests.get(handshake, timeout=10).status_code == 200  # no Origin: not a browser, as before


def test_socketio_websocket_allows_only_the_configured_origins(running_bot):
    url = running_bot.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with websocket_connect(url, origin=running_bot.web_url, open_timeout=10) as ws:
        assert ws.recv(timeout=10).startswith("0{")  # engine.io "open" packet
    with pytest.raises(Exception, match="403"):
        with websocket_connect(url, origin=FOREIGN_ORIGIN, open_timeout=10) as ws:
            ws.recv(timeout=10)


def test_a_foreign_site_cannot_use_the_bot(context: BrowserContext, running_bot, page_server: PageServer):
    """A page on an origin Rasa does not allow: socket.io is refused, REST too; the user is told."""
    page = context.new_page()
    watched = Watched(page)
    socketio = {"failed": [], "finished": []}
    for outcome in socketio:
        page.on(f"request{outcome}", lambda r, o=outcome: socketio[o].append(r.url) if "/socket.io/" in r.url else None)
    page.goto(page_server.embed("foreign.html", server=running_bot.rasa_url, open="true"))
    expect(page.locator(".tiw")).to_have_attribute("data-connection", "rest")
    ask(page, "hej")
    expect(page.locator(".tiw-kind--error")).to_contain_text("Jeg kan ikke få forbindelse til chatbotten")
    expect(page.locator(".tiw-kind--error")).to_contain_text("ring 112")  # nothing else on the page may say it
    assert socketio["failed"] and socketio["finished"] == [], socketio  # the 403s: see the tests above
    assert_contrast(page)  # the error message too
    assert watched.dialogs == []


def test_embedded_with_data_attributes_server_title_colours_and_texts(context: BrowserContext, own_rasa: RasaServer,
                                                                      page_server: PageServer):
    """One script tag on another site: its own server, a dark theme, its own title and texts."""
    colours = {"color_background": "#1b1b1b", "color_text": "#f2f2f2", "color_primary": "#7cc4ff",
               "color_on_primary": "#062b45", "color_link": "#9fd3ff", "color_emergency": "#ff8a95"}
    page = context.new_page()
    watched = Watched(page)
    page.goto(page_server.embed(
        "embed.html", server=own_rasa.url, open="true", title="Chat med kommunen", text_send="Spørg",
        text_privacy="Skriv aldrig navne her.", text_welcome="Velkommen! Spørg fx:", examples=VIVE, **colours))
    expect(page.locator(".tiw")).to_have_attribute("data-connection", "socket")  # to data-server, over socket.io
    expect(page.get_by_role("heading", name="Chat med kommunen")).to_be_visible()
    expect(page.locator(".tiw-kind--welcome")).to_contain_text("Velkommen! Spørg fx:")
    expect(page.get_by_role("textbox", name=INPUT)).to_have_accessible_description("Skriv aldrig navne her.")
    expect(page.locator(".tiw-panel")).to_have_css("background-color", "rgb(27, 27, 27)")
    expect(page.locator(".tiw-header")).to_have_css("background-color", "rgb(124, 196, 255)")
    expect(page.locator(".tiw-header")).to_have_css("color", "rgb(6, 43, 69)")
    page.get_by_role("group", name="Forslag til spørgsmål").get_by_role("button", name=VIVE).click()
    answer = page.locator(".tiw-kind--answer")
    expect(answer.locator(".tiw-source-link").first).to_have_css("color", "rgb(159, 211, 255)")
    answer.get_by_role("button", name="Vis uddrag").first.click()
    page.get_by_role("textbox", name=INPUT).fill(EMERGENCY)
    page.get_by_role("button", name="Spørg", exact=True).click()
    expect(page.locator(".tiw-kind--emergency .tiw-bubble")).to_have_css("border-left-color", "rgb(255, 138, 149)")
    page.get_by_role("textbox", name=INPUT).fill("en tekst i feltet")
    assert_contrast(page, at_least=20)
    assert said(own_rasa.url, page.evaluate("window.TidligIndsatsChat.sessionId")) == [VIVE, EMERGENCY]
    assert watched.errors == [] and watched.dialogs == []


def test_reconnects_after_the_server_restarts(context: BrowserContext, running_bot, own_rasa: RasaServer):
    page = context.new_page()
    watched = Watched(page)
    rest_calls = []
    page.on("request", lambda r: rest_calls.append(r.url) if "/webhooks/rest/" in r.url else None)
    open_chat(page, running_bot, server=own_rasa.url)
    ask(page, "hej")
    sender = session_id(page)

    own_rasa.stop()
    status = page.get_by_role("status").filter(has_text="Forbindelsen blev afbrudt")
    expect(status).to_be_visible()
    expect(page.locator(".tiw")).not_to_have_attribute("data-connection", "socket")
    assert_contrast(page)  # the status line too

    own_rasa.start()
    expect(page.locator(".tiw")).to_have_attribute("data-connection", "socket")
    expect(status).to_have_count(0)
    ask(page, VIVE)
    expect(page.locator(".tiw-kind--answer .tiw-source")).not_to_have_count(0)
    assert rest_calls == [], "a message went over REST instead of the reconnected socket"
    assert session_id(page) == sender
    assert said(own_rasa.url, sender) == ["hej", VIVE], "the conversation did not continue after the restart"
    assert watched.errors == [] and watched.dialogs == []
