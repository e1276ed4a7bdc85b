"""Words that frame a question without being its subject: the verbs that ask for someone's view or report,
and the words for the parts of a document."""

from __future__ import annotations

from bot.language.analysis import analyse

# "Hvad mener / siger / anbefaler KL om ...?", "og hvad siger KL?", "what does KL think?" (as analysed terms).
VIEW_TERMS = frozenset(analyse("siger sagde mener mente anbefaler anbefalede synes foreslår foreslog "
                               "say says said think thinks recommend recommends"))
# "Hvad skriver / beskriver KL om ...?", "hvad står der om ...?": where the documents say it, not what.
REPORTING_TERMS = frozenset(analyse("skriver skrev står stod beskriver fortæller ifølge"))
# "Hvad står der i afsnittet / forordet / under overskriften ...?": the part of a document that says it, not what
# (5-fold CV, as non-subject words of the answer decision: answerable 989 -> 992 of 1199, out of scope and
# follow-ups unchanged in every fold; "side" is left out, its stem is also "sidder"'s).
DOCUMENT_PART_TERMS = frozenset(analyse("afsnit afsnittet kapitel kapitlet overskrift overskriften forord forordet "
                                        "slide slides dias dokument dokumentet tekst teksten brev brevet "
                                        "section chapter heading page document"))


def asks_a_view(text: str) -> bool:
    """Whether the text asks for someone's view ("Hvad mener Børns Vilkår om underretninger?")."""
    return not VIEW_TERMS.isdisjoint(analyse(text))
