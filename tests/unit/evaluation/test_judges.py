"""The project's answer judges follow the eval README's rules (as the shared scorers do)."""

from __future__ import annotations

from bot.evaluation.chat import judge
from bot.evaluation.conversations import turn_right

ANSWER = [{"text": "Der er investeret 2 mio. kr. om året.", "buttons": [{"title": "Hvad fik Herning 4,7 mio. for?"}],
           "custom": {"kind": "answer", "sources": [{"file": "000.txt", "publisher": "DS"}]}}]
DECLINE = [{"text": "Det kan jeg desværre ikke svare på ud fra mine dokumenter.", "custom": {"kind": "no_answer"}}]


def test_a_fact_counts_in_the_text_but_not_in_a_button_title():
    item = {"kind": "factual", "gold_sources": ["000.txt"]}
    assert judge({**item, "gold_facts": ["2 mio. kr."]}, ANSWER, {})[0]
    assert not judge({**item, "gold_facts": ["4,7 mio."]}, ANSWER, {})[0]
    assert not judge({**item, "gold_facts": ["2 mio. kr."], "gold_sources": ["001.txt"]}, ANSWER, {})[0]


def test_conversation_turns_are_judged_by_their_kind():
    assert turn_right({"kind": "factual", "facts": ["2 mio"], "sources": ["000.txt"]}, ANSWER)
    assert not turn_right({"kind": "factual", "facts": ["2 mio"], "sources": ["001.txt"]}, ANSWER)
    assert turn_right({"kind": "source", "facts": ["DS"]}, ANSWER)
    assert turn_right({"kind": "decline"}, DECLINE) and not turn_right({"kind": "decline"}, ANSWER)
    assert not turn_right({"kind": "smalltalk"}, ANSWER)
    assert turn_right({"kind": "emergency"}, [{"text": "Ring 112 nu."}])
