"""The report's turns before a missed message, and the daily counts behind the console's charts."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.console.missed import daily_counts, to_csv
from bot.ops.report import DECLINED, DISLIKED, build_report, to_markdown
from bot.ops.tracker_db import StoredEvent

DAY1 = datetime(2026, 11, 2, 10, 0).timestamp()
DAY2 = datetime(2026, 11, 3, 10, 0).timestamp()


def user(sender: str, text: str, at: float, confidence: float = 0.9) -> StoredEvent:
    return StoredEvent(sender, "user", at, {"text": text, "parse_data": {"intent": {"name": "ask_question",
                                                                                     "confidence": confidence}}})


def bot(sender: str, text: str, at: float, kind: str = "answer") -> StoredEvent:
    return StoredEvent(sender, "bot", at, {"text": text, "data": {"custom": {"kind": kind}}})


def feedback(sender: str, value: str, question: str, at: float) -> StoredEvent:
    return StoredEvent(sender, "slot", at, {"name": "feedback", "value": {"value": value, "question": question}})


EVENTS = [
    user("a", "Hvad sparede Aabenraa?", DAY1), bot("a", "Aabenraa sparede 10 mio. kr.", DAY1 + 1),
    user("a", "hvor meget sparede de i 1990?", DAY1 + 2), bot("a", "Det dækker dokumenterne ikke.", DAY1 + 3, "no_answer"),
    user("b", "=HYPERLINK(\"x\")", DAY2), bot("b", "Det dækker dokumenterne ikke.", DAY2 + 1, "no_answer"),
    user("c", "Hvad er Herning-modellen?", DAY2), bot("c", "En investeringsmodel.", DAY2 + 1),
    user("c", "👎", DAY2 + 2), feedback("c", "down", "Hvad er Herning-modellen?", DAY2 + 3),
    user("c", "👍", DAY2 + 4), feedback("c", "up", "Hvad er Herning-modellen?", DAY2 + 5),
]


def test_a_declined_follow_up_comes_with_the_question_it_followed() -> None:
    report = build_report(EVENTS, 0.5)
    group = next(g for g in report.ranked(DECLINED) if "1990" in g.text)
    assert group.before == ("Bruger: Hvad sparede Aabenraa?", "Bot: Aabenraa sparede 10 mio. kr.")
    first = next(g for g in report.ranked(DECLINED) if "HYPERLINK" in g.text)
    assert first.before == ()
    disliked = report.ranked(DISLIKED)[0]
    assert disliked.before[:2] == ("Bruger: Hvad er Herning-modellen?", "Bot: En investeringsmodel.")
    markdown = to_markdown(report)
    assert "| Samtalen før |" in markdown and "Bruger: Hvad sparede Aabenraa? / Bot: Aabenraa" in markdown


def test_the_console_csv_has_the_turns_before_and_no_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(build_report(EVENTS, 0.5)))))
    follow_up = next(r for r in rows if "1990" in r["besked"])
    assert follow_up["samtalen_foer"] == "Bruger: Hvad sparede Aabenraa? / Bot: Aabenraa sparede 10 mio. kr."
    assert next(r for r in rows if "HYPERLINK" in r["besked"])["besked"].startswith("'=")


def test_daily_counts_of_messages_declines_and_thumbs() -> None:
    days = daily_counts(EVENTS)
    assert [d.day for d in days] == ["2026-11-02", "2026-11-03"]
    assert (days[0].messages, days[0].declined, days[0].declined_percent) == (2, 1, 50.0)
    assert (days[1].messages, days[1].declined, days[1].thumbs_up, days[1].thumbs_down) == (4, 1, 1, 1)
