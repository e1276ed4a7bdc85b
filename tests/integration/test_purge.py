"""`python -m bot purge`: conversations made through the real REST channel, deleted by the CLI
from the real tracker store, checked by reading the database: the SQLite file of `make run`
and the PostgreSQL database of the cluster (each test runs on both)."""

from __future__ import annotations

import pytest

from tests.chat_clients import new_sender
from tests.tracker_helpers import TrackerStore

DAY = 86400.0
QUESTION = "Hvad investerede Herning, og hvad fik de igen?"


def converse(bot, sender: str, *messages: str) -> None:  # noqa: ANN001 - RunningBot or RunningCluster
    """Send each message and make sure the bot answered it."""
    for message in messages:
        assert bot.send(sender, message), f"no reply to {message!r}"


def age(store: TrackerStore, sender: str, seconds: float, keep_last: bool = False) -> None:
    """Move a conversation's events (all, or all but the last) `seconds` into the past."""
    last = " AND id < (SELECT MAX(id) FROM events WHERE sender_id = :s)" if keep_last else ""
    store.execute(f"UPDATE events SET timestamp = timestamp - :t WHERE sender_id = :s{last}",
                  {"t": seconds, "s": sender})


def _marker(sender: str) -> str:
    """A word unique to the sender's message, of letters only: a run of eight digits in it would
    be masked as a phone number before it is stored."""
    return "xq" + sender[-12:].translate(str.maketrans("0123456789", "ghijklmnop"))


@pytest.mark.servers
def test_purge_by_sender_deletes_that_conversation_without_a_trace(chat) -> None:  # noqa: ANN001
    bot, store = chat
    forget, keep = new_sender("forget"), new_sender("keep")
    forget_marker, keep_marker = _marker(forget), _marker(keep)
    converse(bot, forget, QUESTION, f"Hvad er KIK i Aabenraa? {forget_marker}")
    converse(bot, keep, f"Hvad er KIK i Aabenraa? {keep_marker}")
    before = store.event_counts(forget, keep)
    assert before[forget] > 0 and before[keep] > 0
    assert forget_marker.encode() in store.stored_bytes()

    dry = store.run_cli("purge", "--sender", forget, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"Ville slette: samtaler 1, hændelser {before[forget]}" in dry.stdout
    assert store.event_counts(forget, keep) == before

    result = store.run_cli("purge", "--sender", forget)
    assert result.returncode == 0, result.stderr
    assert f"Slettet: samtaler 1, hændelser {before[forget]}" in result.stdout
    assert store.event_counts(forget, keep) == {forget: 0, keep: before[keep]}
    # Deleted rows are gone from the database files: overwritten in SQLite's free pages,
    # the table and its indexes rewritten in PostgreSQL (VACUUM FULL).
    content = store.stored_bytes()
    assert forget_marker.encode() not in content and forget.encode() not in content
    assert keep_marker.encode() in content

    again = store.run_cli("purge", "--sender", forget)
    assert "Slettet: samtaler 0, hændelser 0" in again.stdout
    converse(bot, forget, "hej")  # the bot keeps serving a purged sender
    assert store.event_counts(forget)[forget] > 0


@pytest.mark.servers
def test_purge_by_age_goes_by_each_conversations_last_event(chat) -> None:  # noqa: ANN001
    bot, store = chat
    # Earlier tests' conversations are recent, so only the aged ones below count as old.
    old_a, old_b, recent_c, fresh_d = (new_sender(name) for name in ("old-a", "old-b", "recent-c", "fresh-d"))
    converse(bot, old_a, "hej", QUESTION)
    converse(bot, old_b, QUESTION)
    converse(bot, recent_c, "hej", QUESTION)
    converse(bot, fresh_d, "hej")
    age(store, old_a, 31 * DAY)
    age(store, old_b, 45 * DAY)
    age(store, recent_c, 60 * DAY, keep_last=True)  # an old conversation that is still going on
    before = store.event_counts(old_a, old_b, recent_c, fresh_d)
    removed = before[old_a] + before[old_b]

    dry = store.run_cli("purge", "--older-than", "30d", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"Ville slette: samtaler 2, hændelser {removed}" in dry.stdout
    assert store.event_counts(old_a, old_b, recent_c, fresh_d) == before
    default = store.run_cli("purge", "--dry-run")  # the retention period: 30 days
    assert f"Ville slette: samtaler 2, hændelser {removed}" in default.stdout

    result = store.run_cli("purge", "--older-than", "30d")
    assert result.returncode == 0, result.stderr
    assert f"Slettet: samtaler 2, hændelser {removed}" in result.stdout
    assert store.event_counts(old_a, old_b, recent_c, fresh_d) == {
        old_a: 0, old_b: 0, recent_c: before[recent_c], fresh_d: before[fresh_d]}

    age(store, recent_c, 13 * 3600)  # now its last event is 13 hours old
    result = store.run_cli("purge", "--older-than", "12h")
    assert f"Slettet: samtaler 1, hændelser {before[recent_c]}" in result.stdout
    assert store.event_counts(recent_c, fresh_d) == {recent_c: 0, fresh_d: before[fresh_d]}
