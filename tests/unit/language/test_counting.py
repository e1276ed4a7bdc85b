"""What a "hvor mange X?" question counts, and whether a text states that count."""

from __future__ import annotations

import pytest

from bot.language.counting import counted_word, states_count


@pytest.mark.parametrize(("question", "counted"), [
    ("Hvor mange kommuner kan søge puljen?", "kommun"),
    ("hvor mange familjer er med i taettere paa familien", "familj"),
    ("Hvor mange ekstra socialrådgivere ansatte Herning?", "socialradgiver"),
    ("hvor mange flere boern blev opdaget?", "born"),
    ("Hvor mange penge fik Herning igen?", None),  # an amount of money
    ("Hvor mange procent af skolerne oplevede en effekt?", None),
    ("Hvad skal kommunerne måles på i stedet for, hvor mange timers støtte de leverer?", None),  # asks "hvad"
    ("Hvad investerede Herning?", None),
])
def test_the_counted_word(question: str, counted: str | None) -> None:
    assert counted_word(question) == counted


@pytest.mark.parametrize(("question", "text", "states"), [
    ("Hvor mange kommuner kan søge?", "Det forventes, at i omegnen af 25 kommuner kan søge.", True),
    ("Hvor mange kommuner kan søge?", "Regeringen afsætter 96 mio. kr. til kommunerne.", False),
    ("Hvor mange kommuner kan søge?", "En stor del af landets kommuner ser mod Herning.", False),  # "en" is an article
    ("hvor mange familjer er med?", "Projektet blev udvidet til 580 familier.", True),  # a typo, and no æ/ø/å
    ("hvor mange netværksmøder er der i et forløb?", "Forløbet har to faste netværksmøder.", True),  # in words
    ("hvor mange myndighedsrådgivere har hver teamleder?", "Hver teamleder har otte myndighedsrådgivere.", True),
    ("Hvor mange socialrådgivere ansatte Herning?", "Herning arbejder med 12 sociale indsatser.", False),
])
def test_a_text_states_the_count(question: str, text: str, states: bool) -> None:
    counted = counted_word(question)
    assert counted is not None and states_count(counted, text) is states
