"""`make run` is supervised: `kill -9` of the action server of the running bot (scripts/run.sh)
gives `kind: error` replies while it is down, normal answers once the supervisor has restarted
it, and the Rasa server and web page keep running."""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from bot.evaluation.harness import wait_until
from tests.chat_clients import NORMAL_QUESTION, assert_correct_answer, kinds, new_sender, rest_ask

pytestmark = pytest.mark.servers

RECOVERY_TIMEOUT_S = 240


def test_killed_action_server_comes_back_without_restarting_the_rest(running_bot) -> None:  # noqa: ANN001
    sender = new_sender("supervised")
    assert_correct_answer(rest_ask(running_bot.rasa_url, sender, NORMAL_QUESTION), "before the kill")
    before = running_bot.servers()
    victim = before["action server"].pid
    os.kill(victim, signal.SIGKILL)

    seen: list[list[str]] = []
    started = time.monotonic()

    def answered() -> bool:
        replies = kinds(rest_ask(running_bot.rasa_url, sender, NORMAL_QUESTION))
        seen.append(replies)
        return replies[-1] == "answer"

    assert wait_until(answered, RECOVERY_TIMEOUT_S, 2.0), f"no answer {RECOVERY_TIMEOUT_S}s after the kill: {seen[-3:]}"
    assert seen[0] == ["error"], f"the first message after the kill: {seen[0]}"
    assert all(replies in (["error"], ["answer"]) for replies in seen), seen
    assert time.monotonic() - started < RECOVERY_TIMEOUT_S

    after = running_bot.servers()
    assert after["action server"].pid != victim
    assert after["Rasa server"].pid == before["Rasa server"].pid, "Rasa was not restarted"
    assert after["web page"].pid == before["web page"].pid
    assert requests.get(running_bot.web_url, timeout=10).ok
    log = running_bot.run_dir / "supervisor.log"
    # The supervisor notes readiness on its next check, which may come after the first answer.
    assert wait_until(lambda: "is ready again" in log.read_text(), 30, 0.5), log.read_text()
    events = log.read_text()
    assert f"action server (pid {victim}) exited with code -9" in events
    assert "action server restarted" in events
