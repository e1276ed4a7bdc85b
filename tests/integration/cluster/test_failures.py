"""Parts of the cluster failing: an action server killed under load, Redis and PostgreSQL stopped.

Users get HTTP 200 with a `kind: error` reply while a part is missing (never a 5xx or a
stack trace), the failure is logged, and the bot answers normally once the part is back.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from bot.evaluation.harness import wait_until
from tests.chat_clients import NORMAL_QUESTION, assert_correct_answer, kinds, new_sender
from tests.integration.cluster.chat_load import ChatLoad
from tests.integration.cluster.test_replicas import all_event_counts, user_texts

pytestmark = pytest.mark.servers

RECOVERY_TIMEOUT_S = 240
FAILURE_LOG_LINE = "Failed to handle a message"


def answered_normally(cluster, sender: str) -> bool:  # noqa: ANN001
    return kinds(cluster.send(sender, NORMAL_QUESTION))[-1] == "answer"


def rasa_logs(cluster) -> str:  # noqa: ANN001
    return "".join(path.read_text(errors="replace") for path in sorted(cluster.run_dir.glob("rasa-*.log")))


def test_an_action_server_killed_under_load_gives_no_5xx(cluster) -> None:  # noqa: ANN001
    victim = cluster.servers()["action server 1"].pid
    health = f"{cluster.action_urls[0]}/health"
    with ChatLoad(cluster.rasa_url, users=6) as load:
        assert load.wait_for(8, 180), "the load never got going"
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        assert wait_until(lambda: requests.get(health, timeout=3).ok, RECOVERY_TIMEOUT_S, 1), "not restarted"
        back_at = time.monotonic()
        good = sum(r.ok for r in load.replies)
        assert load.wait_for(good + 6, 120), "no normal answers after the restart"
    assert all(r.status == 200 for r in load.replies), sorted({r.status for r in load.replies})
    errors = [r for r in load.replies if "error" in r.kinds]
    assert all(killed_at - 1 <= r.done_at and r.sent_at <= back_at + 5 for r in errors), \
        "kind: error only while the action server was down"
    assert any(r.ok and r.sent_at > back_at for r in load.replies)
    assert "action server 1 (pid" in (cluster.run_dir / "supervisor.log").read_text()


@pytest.mark.parametrize("part", ["redis", "postgres"])
def test_a_stopped_data_server_gives_an_error_reply_then_recovers(cluster, pg_store, redis_server, postgres,
                                                                   part: str) -> None:  # noqa: ANN001
    server = {"redis": redis_server, "postgres": postgres}[part]
    sender = new_sender(f"{part}-down")
    assert_correct_answer(cluster.send(sender, NORMAL_QUESTION), "before the stop")
    stored_before = user_texts(pg_store, sender)
    counts_before = all_event_counts(pg_store)
    failures_logged = rasa_logs(cluster).count(FAILURE_LOG_LINE)
    server.stop()
    try:
        reply = requests.post(f"{cluster.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": NORMAL_QUESTION}, timeout=120)
        assert reply.status_code == 200, reply.text[:300]
        assert kinds(reply.json()) == ["error"], reply.json()
        assert "Beklager" in reply.json()[0]["text"]
        assert rasa_logs(cluster).count(FAILURE_LOG_LINE) > failures_logged, "no log line for the failure"
    finally:
        server.start()
    assert wait_until(lambda: answered_normally(cluster, sender), RECOVERY_TIMEOUT_S, 2), f"no recovery after {part}"
    stored = user_texts(pg_store, sender)
    assert stored[:len(stored_before)] == stored_before and stored[-1] == NORMAL_QUESTION
    counts_after = all_event_counts(pg_store)
    assert all(counts_after.get(s, 0) >= n for s, n in counts_before.items()), "events lost"
    tracker = requests.get(f"{cluster.rasa_url}/conversations/{sender}/tracker?token={cluster.token}", timeout=30)
    assert tracker.status_code == 200 and tracker.json()["events"], "the tracker cannot be read back"
