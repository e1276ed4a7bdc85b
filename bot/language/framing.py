"""Words that frame a question without being its subject: the verbs that ask for someone's view."""

from __future__ import annotations

from bot.language.analysis import analyse

# "Hvad mener / siger / anbefaler KL om ...?", "og hvad siger KL?", "what does KL think?" (as analysed terms).
VIEW_TERMS = frozenset(analyse("siger sagde mener mente anbefaler anbefalede synes foreslår foreslog "
                               "say says said think thinks recommend recommends"))
# "Hvad skriver / beskriver KL om ...?", "hvad står der om ...?": where the documents say it, not what.
REPORTING_TERMS = frozenset(analyse("skriver skrev står stod beskriver fortæller ifølge"))


def asks_a_view(text: str) -> bool:
    """Whether the text asks for someone's view ("Hvad mener Børns Vilkår om underretninger?")."""
    return not VIEW_TERMS.isdisjoint(analyse(text))
