"""The cluster on real PostgreSQL and Redis: conversations move between Rasa replicas, personal data
is masked in the stored rows, and `kill -9` of a replica under load loses no stored event."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
import requests

from bot.evaluation.harness import wait_until
from tests.chat_clients import NORMAL_QUESTION, SocketConversation, assert_correct_answer, kinds, new_sender
from tests.integration.cluster.chat_load import ChatLoad

pytestmark = pytest.mark.servers

HERNING_QUESTION = "Hvad investerede Herning, og hvad fik de igen?"
HERNING_FOLLOWUP = "og hvad har det givet?"
HERNING_DOCUMENT = "000_f6001265b2ff4c71.txt"
RESTART_TIMEOUT_S = 300


def sources(messages: list[dict]) -> list[str]:
    return [source["file"] for m in messages for source in m.get("custom", {}).get("sources", [])]


def user_texts(store, sender: str) -> list[str]:  # noqa: ANN001 - TrackerStore
    """The user messages stored for a conversation, in order."""
    rows = store.execute("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id",
                         {"s": sender})
    return [json.loads(data).get("text") or "" for (data,) in rows]


def all_event_counts(store) -> dict[str, int]:  # noqa: ANN001
    return dict(store.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))


def test_a_follow_up_on_another_replica_is_answered_from_the_previous_answer(cluster, pg_store) -> None:  # noqa
    first_replica, second_replica = cluster.replica_urls[:2]
    sender = new_sender("two-replicas")
    first = cluster.send(sender, HERNING_QUESTION, url=first_replica)
    assert kinds(first)[-1] == "answer" and HERNING_DOCUMENT in sources(first), first
    followup = cluster.send(sender, HERNING_FOLLOWUP, url=second_replica)
    assert kinds(followup)[-1] == "answer", followup
    assert HERNING_DOCUMENT in sources(followup), followup  # the second replica knew the first question
    assert user_texts(pg_store, sender) == [HERNING_QUESTION, HERNING_FOLLOWUP]
    # And back: the first replica sees what the second one stored.
    third = cluster.send(sender, "hvor har du det fra?", url=first_replica)
    assert third and kinds(third)[-1] != "error", third


def test_socketio_through_the_load_balancer_stays_on_one_replica(cluster) -> None:  # noqa: ANN001
    """Long-polling: every request of a session must reach the replica that opened it (it alone knows the sid)."""
    polling = f"{cluster.rasa_url}/socket.io/?EIO=4&transport=polling"
    with requests.Session() as browser:
        opened = browser.get(polling, timeout=30)
        assert opened.status_code == 200, opened.text[:200]
        sid = json.loads(opened.text[opened.text.index("{"):])["sid"]
        for _ in range(6):  # round-robin would send every other one to the wrong replica
            assert browser.post(f"{polling}&sid={sid}", data="3", timeout=30).status_code == 200  # a pong

    async def ask() -> list[dict]:
        async with SocketConversation(cluster.rasa_url) as conversation:
            return await conversation.ask(NORMAL_QUESTION)
    assert_correct_answer(asyncio.run(ask()), "socket.io through the load balancer")


def test_personal_data_never_reaches_the_postgresql_rows(cluster, pg_store) -> None:  # noqa: ANN001
    sender = new_sender("pii")
    secrets_said = ("010203-1234", "12345678", "anna.hansen@example.dk")
    replies = cluster.send(sender, f"Mit CPR er {secrets_said[0]}, ring på {secrets_said[1]} eller skriv til "
                                   f"{secrets_said[2]}. Hvad er tidlig indsats?")
    assert "notice" in kinds(replies)
    rows = " ".join(data for (data,) in pg_store.execute("SELECT data FROM events WHERE sender_id = :s",
                                                             {"s": sender}))
    assert "[CPR-nummer]" in rows and "[e-mail]" in rows
    for said in secrets_said:
        assert said not in rows


DETECTION_S = 4.0  # the balancer's fall (3) x inter (1 s), plus a second


def test_killing_a_replica_under_load_loses_no_stored_event(cluster, pg_store) -> None:  # noqa: ANN001
    earlier = [new_sender("earlier") for _ in range(3)]
    for sender in earlier:
        for text in ("hej", NORMAL_QUESTION):
            assert kinds(cluster.send(sender, text))[-1] != "error"
    victim = cluster.servers()["Rasa replica 1"].pid
    token_status = f"{cluster.replica_urls[0]}/status?token={cluster.token}"

    with ChatLoad(cluster.rasa_url, users=6) as load:
        assert load.wait_for(8, 180), "the load never got going"
        before = all_event_counts(pg_store)
        os.kill(victim, signal.SIGKILL)  # messages are in flight on it right now
        killed_at = time.monotonic()
        good_before_kill = sum(r.ok for r in load.replies)
        assert load.wait_for(good_before_kill + 10, 120), "the other replica did not serve on"
    served_after = [r for r in load.replies if r.sent_at > killed_at and r.ok]
    assert len(served_after) >= 5, "the other replica did not serve on"
    # 502: in flight on the killed replica. A message sent before the balancer has seen the replica die
    # (health checks every 1 s, down after 3 failures) may still be routed there and fail the same way
    # (seen once in a clean-clone run: two 504s for messages sent 0.6 s after the kill).
    unanswered = [(round(r.sent_at - killed_at, 1), round(r.done_at - r.sent_at, 1), r.status, r.error)
                  for r in load.replies if r.status not in (200, 502) and r.sent_at - killed_at > DETECTION_S]
    assert not unanswered, unanswered

    assert wait_until(lambda: requests.get(token_status, timeout=5).ok, RESTART_TIMEOUT_S, 2), "replica 1 not back"
    events = (cluster.run_dir / "supervisor.log").read_text()
    assert f"Rasa replica 1 (pid {victim}) exited with code -9" in events
    assert cluster.servers()["Rasa replica 1"].pid != victim

    after = all_event_counts(pg_store)
    for sender, count in before.items():
        assert after.get(sender, 0) >= count, f"events lost in {sender}: {count} -> {after.get(sender)}"
    for sender in earlier:
        assert after[sender] == before[sender]
    for sender in load.senders:
        stored = user_texts(pg_store, sender)
        acknowledged, failed = load.acknowledged(sender), load.failed(sender)
        remaining = iter(stored)
        assert all(text in remaining for text in acknowledged), f"acknowledged messages missing in {sender}"
        assert set(stored) <= set(acknowledged) | set(failed), sender
        assert len(failed) <= 3, f"{sender}: more failures than messages in flight: {failed}"
    # Every conversation is readable again and goes on.
    for sender in load.senders[:2]:
        tracker = requests.get(f"{cluster.rasa_url}/conversations/{sender}/tracker?token={cluster.token}", timeout=30)
        assert tracker.status_code == 200
    assert_correct_answer(cluster.send(load.senders[0], NORMAL_QUESTION), "an interrupted conversation")
