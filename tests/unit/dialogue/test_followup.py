"""Follow-up rewriting ("og hvad med Aarhus?") in the dialogue layer."""

from __future__ import annotations

from bot.dialogue.followup import is_followup, rewrite_followup


def test_followup_is_rewritten_with_the_new_municipality():
    assert is_followup("og hvad med Aarhus?") and not is_followup("Hvad investerede Aarhus i tidlig indsats i 2016?")
    assert rewrite_followup("Hvad investerede Herning, og hvad fik de igen?", "og hvad med Aarhus?") == \
        "Hvad investerede Aarhus, og hvad fik de igen?"
    assert "Odense" in rewrite_followup("Hvad er en dialogbaseret underretning?", "hvad så med Odense?")
