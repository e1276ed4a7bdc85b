"""Places (every municipality, the five regions, places the corpus names) and organisations from the corpus."""

from __future__ import annotations

import pytest
import yaml

from bot.language.entities import PLACES_FILE, builtin_gazetteer, corpus_gazetteer, find_entities
from bot.language.query import Query
from bot.schema import Chunk

MEMO_TEXT = "Egebæk Kommune samlede i 2023 sin tidlige indsats. Det tværfaglige team i Egebæk mødes hver anden tirsdag."


def _chunk(text: str, publisher: str = "", title: str = "Notat") -> Chunk:
    return Chunk("x#0", "x.md", title, publisher, None, "", 0, text)


def test_the_data_file_lists_every_municipality_and_region():
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    assert len(set(data["municipalities"])) == 98 and len(data["regions"]) == 5
    known = builtin_gazetteer()
    for name in data["municipalities"]:
        written = name if name in data["ambiguous"] else name.lower()  # ordinary words: only capitalised
        assert find_entities(f"hvad gør {written}?", known).municipalities == {name}


def test_regions_in_any_case_and_their_short_forms():
    known = builtin_gazetteer()
    assert find_entities("Hvad gør region midtjylland og Region Hovedstadens kommuner?", known).regions == {
        "Region Midtjylland", "Region Hovedstaden"}
    assert find_entities("tal fra Region Nord", known).regions == {"Region Nordjylland"}
    assert not find_entities("hvad gør nordjyske kommuner?", known).regions


def test_ambiguous_municipalities_count_only_when_capitalised():
    known = builtin_gazetteer()
    assert not find_entities("er vejen frem at investere?", known).municipalities
    assert find_entities("hvad gør Vejen?", known).municipalities == {"Vejen"}


def test_a_place_the_corpus_names_is_found_in_any_case_and_spelling():
    known = corpus_gazetteer([_chunk(MEMO_TEXT)])
    for question in ("hvor tit mødes det tværfaglige team i egebæk", "Hvad gør Egebæks team?", "teamet i egebaek"):
        assert find_entities(question, known).municipalities == {"Egebæk"}, question
    assert not find_entities("hvor tit mødes det tværfaglige team i egebæk", builtin_gazetteer()).municipalities


def test_a_genitive_before_kommune_names_the_place_and_metadata_counts():
    known = corpus_gazetteer([_chunk("Et notat om børn.", publisher="Lindeby Kommune", title="Status fra Sølunds Kommune")])
    assert find_entities("hvad gør lindeby og sølund?", known).municipalities == {"Lindeby", "Sølund"}


def test_ordinary_words_before_kommune_are_no_places_or_only_when_capitalised():
    text = ("Projekt kommune og civilsamfundet. Hver Kommune skal have en plan. Mose Kommune har et team, "
            "og en mose er et vådområde.")
    known = corpus_gazetteer([_chunk(text)])
    assert not find_entities("projekt hver", known).municipalities
    assert not find_entities("hvad lever der i en mose?", known).municipalities
    assert find_entities("hvad gør Mose?", known).municipalities == {"Mose"}


def test_publishers_are_organisations_unless_already_known():
    chunks = [_chunk("tekst", publisher="Børns Vilkår"), _chunk("tekst", publisher="Foreningen af Familieplejere (FAF)"),
              _chunk("tekst", publisher="KL (Kommunernes Landsforening)")]
    known = corpus_gazetteer(chunks)
    assert find_entities("hvad siger børns vilkår?", known).organisations == {"Børns Vilkår"}
    assert find_entities("Hvad mener FAF om plejefamilier?", known).organisations == {"Foreningen af Familieplejere"}
    assert find_entities("hvad siger kl?", known).organisations == {"KL"}
    assert not find_entities("hvad siger børns vilkår?", builtin_gazetteer()).organisations


def test_the_seed_corpus_adds_no_places_or_organisations():
    from pathlib import Path

    from bot.index.store import load_index
    from bot.settings import PROJECT_ROOT

    index = load_index(Path(PROJECT_ROOT / "index"))
    known, builtin = index.gazetteer, builtin_gazetteer()
    assert dict(known.municipalities) == dict(builtin.municipalities)
    assert dict(known.organisations) == dict(builtin.organisations) and known.ambiguous == builtin.ambiguous


def test_kommune_after_a_municipality_is_part_of_the_name_not_a_search_term():
    named = Query.parse("Hvor mange penge har Herning Kommune sat af, og hvad fik Aarhus Kommunes familier?")
    assert named.entities.municipalities == {"Herning", "Aarhus"}
    assert "kommun" not in named.terms and "hern" in named.terms
    assert "kommun" in Query.parse("Hvad gør kommunerne for udsatte børn?").terms


@pytest.mark.parametrize(("question", "organisation"), [
    ("What does the Danish Association of Social Workers propose?", "Dansk Socialrådgiverforening"),
    ("What does Local Government Denmark recommend?", "KL"),
    ("What did the Danish Center for Social Science Research find?", "VIVE"),
    ("What did the Ministry of Social Affairs and the Interior announce?", "Social- og Indenrigsministeriet"),
])
def test_an_english_question_names_an_organisation_by_its_english_name(question: str, organisation: str):
    assert find_entities(question).organisations == {organisation}


def test_another_ministry_is_not_the_social_ministry():
    assert not find_entities("What does the Ministry of Education say about schools?").organisations
