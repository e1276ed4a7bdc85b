"""The chat widget in real headless Chromium against the real running bot.

Debian's `chromium` driven by Playwright (`executable_path`, never a downloaded browser).
The page is the demo page served by scripts/run.sh, opened with `?server=` pointing at the
test session's Rasa server. Set WIDGET_SCREENSHOT=docs/widget-screenshot.png to refresh the
README's screenshot.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SOCKETIO = ROOT / "bot" / "web" / "vendor" / "socket.io.min.js"

HERNING = "Hvad investerede Herning, og hvad fik de igen?"
VIVE = "Hvad viser VIVEs undersøgelse af 18 kommuner?"
EMERGENCY = "Et barn bliver slået derhjemme lige nu"
XSS = "<img src=x onerror=alert(1)>"
INPUT = "Skriv dit spørgsmål"

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


# ---- helpers ------------------------------------------------------------------------------

def open_chat(page: Page, bot, connection: str = "socket") -> None:
    page.goto(f"{bot.web_url}/?server={bot.rasa_url}")
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


def stored_events(bot, sender: str, type_name: str) -> list[dict]:
    with sqlite3.connect(bot.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = ? ORDER BY id",
                          (sender, type_name)).fetchall()
    return [json.loads(row[0]) for row in rows]


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
    expect(welcome).to_have_count(0)  # used suggestions go away

    ask(page, "hvad kan du?")
    offered = page.locator(".tiw-msg--bot").last.get_by_role("button", name="Hvad er en dialogbaseret underretning?")
    offered.click()
    expect(page.locator(".tiw-msg--user").last).to_have_text("Du skrev:Hvad er en dialogbaseret underretning?")
    expect(page.locator(".tiw-msg--bot").last).to_contain_text("underretning")
    expect(page.locator(".tiw-buttons")).to_have_count(0)


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
    said = [event["text"] for event in stored_events(running_bot, sender, "user")]
    assert said == ["hej", HERNING], "the reloaded page did not continue the same Rasa conversation"


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
    feedback = [e["value"] for e in stored_events(running_bot, session_id(page), "slot") if e["name"] == "feedback"]
    assert feedback and feedback[-1]["value"] == "up"


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


def test_no_serious_accessibility_violations(page: Page):
    ask(page, VIVE)
    page.locator(".tiw-kind--answer").get_by_role("button", name="Vis uddrag").first.click()
    ask(page, EMERGENCY)
    violations = axe_violations(page)
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == [], violations
    assert violations == []


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
    sender = session_id(page)
    assert [e["text"] for e in stored_events(running_bot, sender, "user")] == [VIVE]


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


def test_rasa_allows_only_the_configured_origins(running_bot):
    webhook = f"{running_bot.rasa_url}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = requests.options(webhook, headers={"Origin": running_bot.web_url, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == running_bot.web_url
    foreign = requests.options(webhook, headers={"Origin": "https://evil.example", **preflight}, timeout=10)
    assert "Access-Control-Allow-Origin" not in foreign.headers
    handshake = requests.get(f"{running_bot.rasa_url}/socket.io/?EIO=4&transport=polling",
                             headers={"Origin": "https://evil.example"}, timeout=10)
    assert handshake.headers.get("Access-Control-Allow-Origin") in (None, running_bot.web_url)


@pytest.mark.xfail(reason="engine.io's Origin check is off (Rasa passes cors_allowed_origins=[]); turning it on "
                          "broke the page's own socket.io connection in a first try: see the session notes",
                   strict=False)
def test_socketio_websocket_refuses_foreign_origins(running_bot):
    from websockets.sync.client import connect

    url = running_bot.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with connect(url, origin=running_bot.web_url, open_timeout=10) as ws:
        assert ws.recv(timeout=10).startswith("0")  # engine.io "open" packet
    with pytest.raises(Exception):
        with connect(url, origin="https://evil.example", open_timeout=10) as ws:
            ws.recv(timeout=10)
