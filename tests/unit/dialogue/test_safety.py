"""The acute-danger net: every pattern matches real phrasings, with and without æ/ø/å."""

from __future__ import annotations

import re

import pytest

from bot.dialogue.safety import _DANGER, fold_pattern, is_acute_danger
from bot.language.text import folded_text

# Messages as pedagogues, teachers and worried adults write them (several per pattern family).
DANGER = [
    "Drengen fortæller at stedfar tog kvælertag på ham i går",
    "hun siger at far kvæler hende når han er vred",
    "barnet var ved at blive kvalt",
    "Han har mærker på halsen",
    "hun har mærke på halsen igen i dag",
    "han kom med et blåt mærke på kinden",
    "pigen har blå mærker på armene",
    "hun har blaa maerker over hele ryggen",
    "der er en stor blå plet på hans ben",
    "hun siger at mor slår hende",
    "far slår dem alle sammen",
    "min elev er blevet slået derhjemme",
    "drengen siger han bliver slaaet af sin far",
    "han bliver slaet hjemme",
    "hun fortalte at far slog hende i weekenden",
    "han siger at storebror tæsker ham",
    "hun er blevet tæsket af sin mors kæreste",
    "far sparker ham når han græder",
    "han er blevet sparket i maven",
    "der er vold mod børnene i hjemmet",
    "jeg tror hun er blevet voldtaget",
    "hun er seksuelt misbrugt af en voksen",
    "jeg er bange for at hun er udsat for seksuelle overgreb",
    "han er blevet krænket seksuelt",
    "barnet fortæller om overgreb",
    "der er mistanke om incest",
    "min elev taler om selvmord",
    "hun har sagt at hun vil tage sit eget liv",
    "han skrev at han vil dø",
    "hun siger hun ikke vil leve mere, hun vil ikke leve",
    "han har prøvet at skade sig selv",
    "hun skærer i sig selv",
    "jeg tror at hun cutter",
    "hun tør ikke gå hjem i dag",
    "han tør ikke at gå hjem",
    "pigen tor ikke ga hjem efter skole",
    "hun er bange for at komme hjem",
    "mor er blevet truet med en kniv",
    "far truer med at slå hende ihjel",
    "barnet er i akut fare",
    "jeg tror han er i fare lige nu",
    "hun har været alene hjemme i tre dage",
    "børnene er blevet forladt",
    "han prøvede at strangle hende",
    "The child says his father hits him",
    "she is beaten at home",
    "I think he is being abused",
    "she talks about suicide",
    "he wants to kill himself",
    "she is self-harming",
    "the girl is in danger",
    "he is unsafe at home",
    "the boy is afraid to go home",
    "she has bruises on her arms",
    "han siger at onklen rører ved ham",
    "hun har brandsår på hænderne",
    "der er brandmærker på hans arm",
    "han har cigaretmærker på ryggen",
    "he touches her when mum is away",
    "she has burns on her hands",
    "she was choking",
    "moren er meget fuld og vil køre hjem i bil med barnet",
    "En dreng har mærker på halsen og siger at stedfar har taget kvælertag på ham",
    "hun siger at far slar hende hver aften og hun tor ikke ga hjem",
    "The child says his father hits him and he is afraid to go home",
    "far er beruset og sætter sig ind i bilen med børnene",
    "hun fortalte at hun ikke tør gå hjem i aften",
    "far sparker sin søn når han er vred",
    "mor slår sin datter med en sko",
    "hun siger en voksen har sex med hende",
    "hendes onkel misbruger hende",
    "han skriver at han vil slå sig selv ihjel",
    "far er på stoffer og vil køre drengen i skole",
    "tvillingerne er blevet efterladt alene i huset",
    "en fuld far står i døren og vil hente sin søn",
    "mor er beruset og vil tage barnet med",
    "the toddler was left alone overnight",
    "he has been alone at home since Friday",
    "en elev har skåret sig i armen med en saks",
    "hun skærer sig og det bløder meget",
    "he cut himself in the toilets",
    "the boy is bleeding from his head",
    "she says her stepdad burned her arm with a lighter",
    "my neighbour is hitting the baby",
    "jeg kan høre naboen slå løs derinde lige nu",
    "far råber og børnene skriger i lejligheden ved siden af",
    "a man is screaming at the kids right now",
    "far er helt væk og vil have drengen med hjem",
    "mor kan næsten ikke stå på benene og vil cykle hjem med barnet",
    "someone left two small kids alone in the parking lot and drove off",
    "the baby is locked in a car and it is very hot",
    "a toddler is alone in the hot car outside",
    "der er låst et barn inde i en varm bil",
    "et barn er lukket inde i skuret og græder",
    "en baby sidder alene i en parkeret bil og skriger",
]
SAFE = [
    "Hvad investerede Herning, og hvad fik de igen?",
    "Hvordan skriver jeg en underretning?",
    "Hvad er en dialogbaseret underretning?",
    "Hvilke indikatorer skal vi bruge til at følge den tidlige indsats?",
    "Hvor mange familier er med i Tættere på Familien?",
    "Hvad siger VIVE om teamledere?",
    "Hvad er risiko- og beskyttelsesfaktorer?",
    "How much did Herning invest?",
    "Hvad er Københavns mål for udsatte 17-årige?",
    "hvilke risikofaktorer skal man være obs på i udsatte familier?",
    "Hvad er Københavns mål for 17-årige der har fuldført 9. klasse?",
    "Hvad kan en kommune hente hjem ved at investere tidligt?",
    "Hvad fik Aabenraa ud af at tage flere socialrådgivere med i indsatsen?",
    "Hvor mange penge brugte kommunerne på misbrugsbehandling?",
    "Kan en kommune alene løfte den tidlige indsats?",
    "Hvilke kommuner har været låst fast i gamle måder at arbejde på?",
    "What is left of the pool after the first year?",
]


@pytest.mark.parametrize("message", DANGER)
def test_danger_is_recognised(message: str) -> None:
    assert is_acute_danger(message)


@pytest.mark.parametrize("message", SAFE)
def test_ordinary_questions_are_not_emergencies(message: str) -> None:
    assert not is_acute_danger(message)


@pytest.mark.parametrize("pattern", _DANGER)
def test_every_pattern_matches_a_real_phrasing(pattern: str) -> None:
    """A pattern that no phrasing above reaches can never fire (as "slaet" could not, folded "slat")."""
    compiled = re.compile(fold_pattern(pattern))
    assert any(compiled.search(folded_text(message)) for message in DANGER), pattern
