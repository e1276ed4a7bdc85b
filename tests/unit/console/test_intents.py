"""The console's intents backend on a copy of the Rasa project (the real data/ and domain.yml are never touched).

Each saved change is checked by the real `rasa data validate` (scripts/validate_rasa.py in
.venv-rasa) and the project checks on a temporary copy first, as `make validate` would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.console.intents import IntentChangeRefused, add_examples, add_intent, list_intents, topics
from tests.conftest import ROOT

OPENING_HOURS = [f"hvornår har chatbotten åben {day}" for day in
                 ("i dag", "i morgen", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")]
OPENING_HOURS.append("har chatbotten lukket om natten")
ANSWER = "Jeg er en chatbot, så jeg har åbent hele døgnet, alle ugens dage."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's Rasa files."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "data", copy / "data")
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


def _snapshot(project: Path) -> dict[str, str]:
    return {str(p.relative_to(project)): p.read_text(encoding="utf-8") for p in sorted(project.rglob("*.yml"))}


def _by_name(project: Path) -> dict:
    return {intent.name: intent for intent in list_intents(project)}


def test_intents_are_listed_with_their_example_counts_and_responses(project: Path):
    intents = _by_name(project)
    nlu = yaml.safe_load((project / "data" / "nlu" / "smalltalk.yml").read_text(encoding="utf-8"))
    greet_block = next(block for block in nlu["nlu"] if block.get("intent") == "greet")
    assert intents["greet"].example_count == len(greet_block["examples"].strip().splitlines())
    assert intents["greet"].files == ("data/nlu/smalltalk.yml",) and intents["greet"].actions == ("utter_greet",)
    assert any(text.startswith("Hej! Jeg er en chatbot") for text in intents["greet"].responses)
    assert "action_answer_question" in intents["ask_question"].actions
    assert {"ask_question", "acute_concern", "out_of_scope"} <= set(intents)
    assert "smalltalk" in topics(project)
    assert intents["greet"].to_dict()["example_count"] == intents["greet"].example_count


def test_examples_are_added_to_the_intents_own_file_and_nothing_else_changes(project: Path):
    before = _snapshot(project)
    change = add_examples("thanks", ["tusind tak   for  hjælpen i dag", "Tusind tak for hjælpen i dag!"], project)
    assert change.added == ("tusind tak for hjælpen i dag",) and change.files == ("data/nlu/smalltalk.yml",)
    after = _snapshot(project)
    assert {name for name in after if after[name] != before.get(name)} == {"data/nlu/smalltalk.yml"}
    old, new = before["data/nlu/smalltalk.yml"].splitlines(), after["data/nlu/smalltalk.yml"].splitlines()
    assert [line for line in new if line not in old] == ["    - tusind tak for hjælpen i dag"]
    assert len(new) == len(old) + 1  # comments and layout kept
    assert _by_name(project)["thanks"].example_count == _by_name(ROOT)["thanks"].example_count + 1
    assert add_examples("thanks", ["tusind tak for hjælpen i dag"], project).added == ()  # already there


def test_an_example_of_another_intent_is_refused_and_nothing_changes(project: Path):
    before = _snapshot(project)
    with pytest.raises(IntentChangeRefused, match="findes allerede under intent 'greet'"):
        add_examples("goodbye", ["Hej!", "vi ses i morgen"], project)
    with pytest.raises(IntentChangeRefused, match="findes ikke"):
        add_examples("no_such_intent", ["hvad så"], project)
    with pytest.raises(IntentChangeRefused, match="opmærkning"):
        add_examples("goodbye", ["farvel [Herning](municipality)"], project)
    assert _snapshot(project) == before


def test_a_change_the_rasa_check_refuses_leaves_every_file_as_it_was(project: Path):
    rules = project / "data" / "rules" / "smalltalk.yml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n  - rule: Broken\n    steps:\n      - intent: greet\n"
                     "      - action: utter_no_such_response\n", encoding="utf-8")
    before = _snapshot(project)
    with pytest.raises(IntentChangeRefused, match="(?s)Ændringen er ikke gemt.*rasa data validate") as refused:
        add_examples("thanks", ["mange tak for svaret"], project)
    assert "utter_no_such_response" in str(refused.value)
    assert _snapshot(project) == before


def test_a_new_intent_gets_its_examples_response_and_rule(project: Path):
    before = _snapshot(project)
    change = add_intent("opening_hours", OPENING_HOURS, ANSWER, project)
    assert set(change.files) == {"data/nlu/konsulent.yml", "data/rules/konsulent.yml", "domain.yml"}
    intent = _by_name(project)["opening_hours"]
    assert intent.example_count == 10 and intent.actions == ("utter_opening_hours",) and intent.responses == (ANSWER,)
    domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))
    assert domain["responses"]["utter_opening_hours"] == [{"text": ANSWER, "custom": {"kind": "smalltalk"}}]
    after = _snapshot(project)
    old, new = before["domain.yml"].splitlines(), after["domain.yml"].splitlines()
    assert len(new) == len(old) + 5  # the intent and the four lines of its response; nothing re-wrapped
    with pytest.raises(IntentChangeRefused, match="findes allerede"):
        add_intent("opening_hours", OPENING_HOURS, ANSWER, project)


@pytest.mark.parametrize(("name", "texts", "answer", "why"), [
    ("Åbningstid", OPENING_HOURS, ANSWER, "kan ikke bruges"),
    ("opening_hours", OPENING_HOURS[:4], ANSWER, "mindst 10"),
    ("opening_hours", OPENING_HOURS, "   ", "mellem 1 og"),
    ("opening_hours", [*OPENING_HOURS[:9], "Tak!"], ANSWER, "findes allerede under intent 'thanks'"),
])
def test_a_new_intent_that_cannot_be_saved_says_why(project: Path, name, texts, answer, why):
    before = _snapshot(project)
    with pytest.raises(IntentChangeRefused, match=why):
        add_intent(name, texts, answer, project)
    assert _snapshot(project) == before
