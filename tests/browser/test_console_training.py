"""From the console, in real Chromium: an example added to an intent is understood by the running bot
after the background training, without a restart.

The whole bot runs from a copy of the Rasa project (its Rasa server on a copy of models/bot.tar.gz) and
the console edits and trains that copy (CONSOLE_PROJECT_DIR): the real data/, domain.yml and models/ are
never modified. One training only: it takes minutes on this machine.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from bot.console.training import ACTIVE_MODEL
from bot.evaluation.harness import running_bot
from tests.browser.test_console import _copy_bot_data, log_in, serve_console
from tests.browser.test_widget import browser  # noqa: F401 - the Chromium fixture
from tests.chat_clients import new_sender
from tests.conftest import ROOT

pytestmark = pytest.mark.servers

TARGET = "thanks"
NEW_EXAMPLES = ["solsikkefrø og regnbuer til hele holdet", "solsikkefrø og regnbuer til jer alle sammen"]
TRAINING_TIMEOUT_S = 2400


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_example_added_in_the_console_is_understood_after_training(
        rasa_project: Path, tmp_path: Path, browser: Browser) -> None:  # noqa: F811 - the browser fixture
    corpus_dir, index_dir = _copy_bot_data(tmp_path / "data")
    with running_bot(tmp_path / "run", env={"RASA_MODEL": str(rasa_project / "models" / ACTIVE_MODEL)},
                     ready_timeout=400) as bot, \
            serve_console(bot, corpus_dir, index_dir, CONSOLE_PROJECT_DIR=str(rasa_project)) as console:
        rasa_process = bot.servers()["Rasa server"].pid
        before = bot.send(new_sender("before-training"), NEW_EXAMPLES[0])
        assert not any("Selv tak" in m.get("text", "") or "Det var så lidt" in m.get("text", "") for m in before)

        context = browser.new_context(locale="da-DK")
        page = context.new_page()
        log_in(page, console, "/intents")
        page.get_by_label("Intent", exact=True).select_option(TARGET)
        page.locator("#examples").fill("\n".join(NEW_EXAMPLES))
        page.get_by_role("button", name="Tjek og gem eksemplerne").click()
        expect(page.locator(".flash-ok")).to_contain_text("tilføjet til 'thanks'")
        page.get_by_role("button", name="Træn botten og skift model").click()
        expect(page.locator("#training-stage")).not_to_have_text("Venter", timeout=30_000)
        deadline = time.monotonic() + TRAINING_TIMEOUT_S
        status: dict = {}
        while time.monotonic() < deadline:
            # Polled more often than uvicorn's 5 s keep-alive, so a reused connection is never one it just closed.
            status = page.request.get(f"{console.url}/api/training").json()
            if status["state"] not in ("queued", "running"):
                break
            time.sleep(2)
        assert status.get("state") == "succeeded", status
        expect(page.locator("#training-progress")).to_have_attribute("value", "100", timeout=30_000)
        context.close()

        # The same Rasa process now understands the new example.
        assert bot.servers()["Rasa server"].pid == rasa_process
        reply = bot.send(new_sender("after-training"), NEW_EXAMPLES[0])
        assert reply and reply[0]["custom"]["kind"] == "smalltalk"
        assert any(phrase in reply[0]["text"] for phrase in ("Selv tak", "Det var så lidt"))

    # Nothing of it reached the real project.
    assert not any(NEW_EXAMPLES[0] in path.read_text(encoding="utf-8") for path in (ROOT / "data").rglob("*.yml"))
    assert _sha(ROOT / "models" / ACTIVE_MODEL) != _sha(rasa_project / "models" / ACTIVE_MODEL)
