"""`python -m bot report`: conversations through the real REST channel, read back by the CLI from
the real tracker store: the SQLite file of `make run` and the cluster's PostgreSQL database
(each test runs on both)."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime, timedelta

import pytest

from tests.chat_clients import new_sender
from tests.tracker_helpers import TrackerStore

DECLINED = "Hvad koster en pizza i Rom?"
ANSWERED = "Hvad investerede Herning, og hvad fik de igen?"
DECLINED_AGAIN = DECLINED.lower().rstrip("?")  # the same question, counted in the same group
UNCLEAR = "måske"  # NLU is unsure about it (checked against the stored confidence below)


def kinds(messages: list[dict]) -> list[str]:
    return [message.get("custom", {}).get("kind") for message in messages]


def stored_confidence(store: TrackerStore, text: str, since: float) -> float:
    """The intent confidence Rasa stored for the last user message with this text."""
    rows = store.execute("SELECT data FROM events WHERE type_name = 'user' AND timestamp >= :t ORDER BY id",
                         {"t": since})
    found = [json.loads(data)["parse_data"]["intent"]["confidence"] for (data,) in rows
             if json.loads(data)["text"] == text]
    assert found, f"{text!r} is not in the tracker store"
    return found[-1]


@pytest.fixture(scope="module")
def conversations(chat) -> dict:  # noqa: ANN001
    """A declined question (asked twice, worded slightly differently), an answer that got 👎,
    and a message the NLU is unsure about, all sent after `since`."""
    running_bot, store = chat
    since = time.time() - 1
    assert "no_answer" in kinds(running_bot.send(new_sender("declined"), DECLINED))
    assert "no_answer" in kinds(running_bot.send(new_sender("declined"), DECLINED_AGAIN))
    disliked = new_sender("disliked")
    answer = running_bot.send(disliked, ANSWERED)
    assert "answer" in kinds(answer)
    assert running_bot.send(disliked, "👎")
    assert running_bot.send(new_sender("unclear"), UNCLEAR)
    low, high = stored_confidence(store, UNCLEAR, since), stored_confidence(store, ANSWERED, since)
    assert low < high
    # Between the two, so the check does not depend on how sure today's NLU model is.
    return {"since": datetime.fromtimestamp(since).isoformat(), "min_confidence": str((low + high) / 2),
            "answer": next(" ".join(m["text"].split()) for m in answer if m["custom"]["kind"] == "answer")}


def report(store: TrackerStore, conversations: dict, *args: str) -> str:
    result = store.run_cli("report", "--since", conversations["since"],
                           "--min-confidence", conversations["min_confidence"], *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.servers
def test_markdown_lists_declined_disliked_and_unclear_messages(chat, conversations: dict) -> None:  # noqa
    text = report(chat[1], conversations)
    declined, disliked, unclear = text.split("\n## ")[1:]
    assert declined.startswith("Spørgsmål botten ikke kunne svare på")
    assert f"| 2 | {DECLINED_AGAIN} |" in declined  # the latest wording
    assert disliked.startswith("Svar der fik 👎")
    assert f"| 1 | {ANSWERED} |" in disliked
    assert conversations["answer"][:80] in disliked.split(ANSWERED)[1]  # the answer that got the 👎
    assert unclear.startswith("Beskeder hvor botten var usikker")
    assert f"| 1 | {UNCLEAR} |" in unclear
    assert ANSWERED not in unclear and ANSWERED not in declined


@pytest.mark.servers
def test_csv_has_one_counted_row_per_group(chat, conversations: dict) -> None:  # noqa: ANN001
    rows = list(csv.DictReader(io.StringIO(report(chat[1], conversations, "--csv"))))
    mine = {(row["kategori"], row["besked"]): int(row["antal"]) for row in rows}
    assert mine[("afvist", DECLINED_AGAIN)] == 2
    assert mine[("tommel_ned", ANSWERED)] == 1
    assert mine[("lav_sikkerhed", UNCLEAR)] == 1
    assert ("lav_sikkerhed", ANSWERED) not in mine


@pytest.mark.servers
def test_since_leaves_out_older_events(chat, conversations: dict) -> None:  # noqa: ANN001
    tomorrow = (datetime.now() + timedelta(days=1)).date().isoformat()
    result = chat[1].run_cli("report", "--csv", "--since", tomorrow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kategori,antal,besked,senest,detaljer"


