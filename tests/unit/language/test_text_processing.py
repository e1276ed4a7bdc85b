"""Cleaning, sentence splitting, chunking and entities on the real corpus and small texts."""


import pytest

from bot.documents.chunking import MAX_WORDS, chunk_document
from bot.documents.cleaning import clean_text
from bot.documents.corpus import documents_named, list_corpus_files, load_document, load_sources, words_naming_documents
from bot.index.bm25 import LexicalIndex
from bot.language.analysis import analyse, compound_head, content_sentences, content_text, restates_title, title_terms
from bot.language.entities import find_entities
from bot.language.names import names
from bot.language.sentences import is_contact_line, is_garbled, split_sentences, with_lead_ins
from bot.language.text import fold
from bot.schema import Chunk, Document, SourceInfo
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def corpus_chunks():
    sources = load_sources(CORPUS)
    return {f.path.name: chunk_document(load_document(f.path, sources)) for f in list_corpus_files(CORPUS)}


def test_footnote_marks_and_lines_are_removed():
    text = clean_text("Mange familier oplever problemer¹. Resultater²\n\n³ https://example.dk/x\n\nSlut.")
    assert "¹" not in text and "²" not in text and "example.dk" not in text
    assert "Mange familier oplever problemer." in text


def test_footnotes_with_facts_move_to_the_end_of_their_section():
    raw = "Forord\n\n⁶ I alt har godt 2600 været en del af KIK.\n\nKIK TIL AABENRAA\n\nBrødtekst.\n\n\n\nNæste side."
    sections = clean_text(raw).split("\n\n\n")
    assert sections[0].endswith("Brødtekst.\n\nI alt har godt 2600 været en del af KIK.")
    assert sections[1] == "Næste side."


def test_numbers_are_kept_exactly():
    text = clean_text("Efter 2 år er der hentet 4,7 mio. kr. i 2016-2019, 82,2 pct. og 97% af skolerne.")
    for number in ("4,7 mio. kr.", "2016-2019", "82,2 pct.", "97%"):
        assert number in text


def test_sentences_respect_abbreviations_and_ordinals():
    sentences = split_sentences("Der er bl.a. afsat 96 mio. kr. til puljen. Den 7. Oktober 2021 præsenterede VIVE. Slut!")
    assert sentences == ["Der er bl.a. afsat 96 mio. kr. til puljen.", "Den 7. Oktober 2021 præsenterede VIVE.", "Slut!"]


def test_a_figures_source_line_ends_at_its_year():
    text = ("Kilde: Samfundsøkonomisk potentiale, CEBR, september 2012 Gode økonomiske konsekvenser "
            "Rambøll har beregnet gevinsterne. Det er 2,5 mia. kr. i 2012.")
    assert split_sentences(text) == ["Kilde: Samfundsøkonomisk potentiale, CEBR, september 2012",
                                     "Gode økonomiske konsekvenser Rambøll har beregnet gevinsterne.",
                                     "Det er 2,5 mia. kr. i 2012."]


def test_scraped_title_list_is_dropped(corpus_chunks):
    kl = " ".join(c.text for c in corpus_chunks["002_fc2d8578851139d7.txt"])
    assert "Tønder Kommunes Handleplan" not in kl
    assert "Værdighedspolitik for Furesø" not in kl
    assert "Socialpolitikken begynder i familien" in kl


def test_page_numbers_are_not_glued_to_text(corpus_chunks):
    kl = corpus_chunks["002_fc2d8578851139d7.txt"]
    assert not any(c.text.startswith(("16 Tema", "3 Forord")) for c in kl)
    assert all(c.page is not None for c in kl)
    assert any("Tema 1: Socialpolitikken begynder i familien" in c.text for c in kl)


def test_chunks_have_metadata_and_sane_sizes(corpus_chunks):
    sources = load_sources(CORPUS)
    for name, chunks in corpus_chunks.items():
        assert chunks, name
        assert [c.position for c in chunks] == list(range(len(chunks)))
        for chunk in chunks:
            assert chunk.file == name and chunk.title == sources[name].title
            assert chunk.publisher == sources[name].publisher
            assert len(chunk.text.split()) <= MAX_WORDS
    words = [len(c.text.split()) for chunks in corpus_chunks.values() for c in chunks]
    assert sum(60 <= w <= 200 for w in words) / len(words) > 0.9
    vive = corpus_chunks["003_f70205d17ba4163c.txt"][0]
    assert vive.year == 2021 and vive.url.startswith("https://www.vive.dk/")


def test_long_pages_overlap_by_one_sentence(corpus_chunks):
    kl = corpus_chunks["002_fc2d8578851139d7.txt"]
    first_sentence_of_second = split_sentences(kl[1].text)[0]
    assert first_sentence_of_second in kl[0].text


def test_missing_metadata_falls_back_to_first_heading(tmp_path):
    (tmp_path / "note.md").write_text("# Ny note om skolesocialrådgivere\n\nTekst her.", encoding="utf-8")
    document = load_document(tmp_path / "note.md", {})
    assert document.source.title == "Ny note om skolesocialrådgivere"


def test_small_document_becomes_one_chunk():
    doc = Document(SourceInfo("x.txt", "X", "DS", 2020), "Overskrift\n\nEt afsnit med nogle ord. Og en sætning mere.")
    chunks = chunk_document(doc)
    assert len(chunks) == 1 and chunks[0].heading == "Overskrift"


def test_folding_makes_ascii_spellings_meet():
    assert fold("færre") == fold("faerre") and fold("på") == fold("paa") and fold("Aabenraa") == fold("åbenrå")
    # Every spelling meets, also where a folded letter starts a digraph: "åen", "aaen" and "aen"; "søer", "soeer",
    # "soer"; "slået", "slaaet", "slaet" (the acute-danger net's patterns are folded the same way).
    for spellings in (("åen", "aaen", "aen"), ("søer", "soeer", "soer"), ("slået", "slaaet", "slaet")):
        assert len({fold(word) for word in spellings}) == 1, spellings


@pytest.mark.parametrize(
    ("question", "municipalities", "years"),
    [
        ("hvad gor herning anderledes", {"Herning"}, set()),
        ("Hvad er Københavns baseline?", {"København"}, set()),
        ("aarhus eller aabenraa – hvem har sparet mest?", {"Aarhus", "Aabenraa"}, set()),
        ("hvad var hernings resultater i 2022?", {"Herning"}, {2022}),
        ("er vejen frem at investere?", set(), set()),
    ],
)
def test_entities(question, municipalities, years):
    found = find_entities(question)
    assert set(found.municipalities) == municipalities and set(found.years) == years


def test_organisations_are_found():
    assert find_entities("Hvad siger KL og Dansk Socialrådgiverforening?").organisations == {"KL", "Dansk Socialrådgiverforening"}
    assert find_entities("KLs udspil, VIVEs rapport og ministeriets pressemeddelelse").organisations == {
        "KL", "VIVE", "Social- og Indenrigsministeriet"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hvad siger Børns Vilkår om tidlig indsats?", ["Børns Vilkår"]),
        ("Hvad siger FOA? Og BUPL?", ["FOA", "BUPL"]),
        ("Tidlig indsats: Hvad siger Red Barnet om 'Sund opvækst'?", ["Red Barnet"]),
        ("hvordan kontakter jeg dansk socialrådgiverforening?", []),
    ],
)
def test_names_are_the_capitalised_words_inside_a_sentence(question, expected):
    assert names(question) == expected


@pytest.mark.parametrize("noun, verb", [("underretning", "underretter"), ("investering", "investere"),
                                        ("omlægning", "omlægge"), ("opsporing", "opspore")])
def test_a_verbs_noun_in_ing_has_the_verbs_term(noun, verb):
    assert analyse(noun) == analyse(verb)


@pytest.mark.parametrize("neuter, common", [("nationalt", "nationale"), ("socialt", "social"), ("kommunalt", "kommunale"),
                                             ("generelt", "generel")])
def test_an_adjectives_neuter_form_has_its_term(neuter, common):
    assert analyse(neuter) == analyse(common)
    assert analyse("helt") == ["helt"]  # too short to be taken for one


def test_a_stem_ending_in_ing_is_kept_when_the_word_is_no_noun_in_ing():
    # "anbringelse" stems to "anbring", like the verb "anbringe": nothing more comes off.
    assert analyse("anbringelser") == analyse("anbringe") == ["anbring"]


def test_a_compound_is_found_by_its_head():
    texts = ["Social- og indenrigsminister Karen Ellemann siger", "Ministeren holdt tale", "Budgettet for 2016 er vedtaget"]
    scores = LexicalIndex.build(texts).scores(analyse("Hvem var minister?"))
    assert scores[0] > 0 and scores[2] == 0
    # The head must be a term of the documents themselves: no made-up word parts.
    assert compound_head("indenrigsminist", {"minist"}) == "minist"
    assert compound_head("indenrigsminist", {"rig"}) is None


def _chunk(sentences: tuple[str, ...], title: str, publisher: str) -> Chunk:
    return Chunk("c1", "f.txt", title, publisher, 2021, "", 0, " ".join(sentences), sentences=sentences)


def test_lines_restating_the_title_are_not_content():
    title, publisher = "Kommuners omlægning til en tidligere forebyggende indsats", "VIVE"
    sentences = ("Kommuners omlægning til en tidligere forebyggende indsats", "VIVE 2021",
                 "Det kan udfordre omlægningen, at investeringer skal tilbagebetales hurtigt.")
    chunk = _chunk(sentences, title, publisher)
    assert content_sentences(chunk).tolist() == [False, False, True]
    assert content_text(chunk) == sentences[2]
    # A passage made of nothing but its title keeps it (there is nothing else to match).
    assert content_text(_chunk(sentences[:1], title, publisher)) == sentences[0]
    assert not restates_title("Investeringer skal tilbagebetales", title_terms(title, publisher))


# (is it contact details or a byline?, is it text garbled by extraction?) for sentences of the corpus's kinds
SENTENCE_KINDS = [
    ("Louise Carlsberg Christensen eller Mette Laurberg", True, False),
    ("— Johnnie James Fischer, afdelingsleder på Sanderumgaard", True, False),
    ("Kontakt politisk konsulent på socialområdet Mette Grostøl", True, False),
    ("Ring på 33 38 61 37 eller skriv til ds@socialraadgiverne.dk", True, False),
    ("Herning Kommune investerede 2 mio. kr. om året.", False, False),
    ("Besparelse i 2020 på 17 millioner kroner", False, False),
    ("- Socialrådgiverne har en tættere relation med familierne", False, False),
    ("Social- og Indenrigsministeriet, 28-10-2015", False, False),
    ("Kommunerne skal stadig tværs af områder både internt i være risikovillige og nysgerrige kommunen og mellem "
     "kommuner. og prøve nye ting af.", False, True),
    ("De 77 kommuner, som er den enkelte kommune skal stå til til benchmarking, analyser og formidling.", False, True),
    ("Uden nye Det skaber mulighed for at give satsninger stopper udviklingen. politikere og ledere i kommunen.",
     False, True),
    ("En fuld udrulning af de fire indsatser har et samlet potentiale på 2,5 mia. kr. årligt.", False, False),
    ("Det skal bl.a. sikre børnene mod sociale problemer, jf. rapporten fra 2012.", False, False),
    ("Beskyttelsesfaktorer I familien Uden for familien Nær tilknytning til en omsorgsfuld forælder", False, False),
    ("Virksom viden Der er i dag på en lang række områder viden om virksomme metoder.", False, False),
]


@pytest.mark.parametrize(("sentence", "contact", "garbled"), SENTENCE_KINDS)
def test_contact_lines_and_garbled_text_are_recognised(sentence: str, contact: bool, garbled: bool) -> None:
    assert is_contact_line(sentence) is contact
    assert is_garbled(sentence) is garbled


def test_a_label_line_is_joined_to_the_sentence_it_introduces_but_not_to_list_items():
    assert with_lead_ins(["Investeringsmodel i Herning:", "Der er investeret 2 mio. kr. om året i 4 år.", "Opskriften"]) == [
        "Investeringsmodel i Herning: Der er investeret 2 mio. kr. om året i 4 år.", "Opskriften"]
    listed = ["Typiske problemstillinger kan være:", "- Skilsmisse", "- Bekymrede forældre"]
    assert with_lead_ins(listed) == listed
    long_lead_in = ["Det er vigtigt at huske, at der i alle kommuner er mange forskellige tilbud til børn og familier, fx:",
                    "Familiehuse."]
    assert with_lead_ins(long_lead_in) == long_lead_in


def test_a_document_is_named_by_what_people_call_it_in_a_compound_and_without_diacritics():
    sources = load_sources(CORPUS)
    slides, folder, kl, ministry = (next(f for f in sources if f.startswith(p)) for p in ("000", "001", "002", "004"))
    assert documents_named("og i DS' slides – hvad foreslår de?", sources) == {slides}
    assert documents_named("Hvad står der i valgfolderen?", sources) == {folder}
    assert documents_named("hvad skriver KL i sit debatoplaeg", sources) == {kl}
    assert documents_named("What does the press release say?", sources) == {ministry}
    assert documents_named("Hvad er Herning-modellen?", sources) == frozenset()
    named = {**sources, slides: SourceInfo(slides, "Titel", "DS", called=("  ",))}
    assert documents_named("slides", named) == frozenset()  # a blank name names nothing
    assert words_naming_documents(("hvad", "står", "i", "valgfolderen", "om", "herning"), sources) == ("valgfolderen",)


@pytest.mark.parametrize("message", ["okay. hvordan finder de så frem til børnene?", "ok, hvordan finder de frem til børnene",
                                     "jamen hvordan finder de frem til børnene?"])
def test_a_chat_interjection_is_no_term(message: str):
    assert analyse(message) == analyse("hvordan finder de frem til børnene")
