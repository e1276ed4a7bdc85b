"""Weighing a question's subject words by their rarity (no model needed)."""

from __future__ import annotations

from bot.language.framing import asks_a_view
from bot.language.subject_terms import SubjectTerms

PASSAGES = [
    "Regeringen og partierne bag satspuljeaftalen for 2016 vil betale 96 mio. kr. til kommunerne.",
    "Herning Kommune gør det relationelt med familien og følger tæt op.",
    "Kommunerne kan dele erfaringer om tidlig indsats med hinanden.",
]
TERMS = SubjectTerms.from_texts(PASSAGES)


def test_a_subject_word_no_document_uses_outweighs_common_words():
    coverage = TERMS.coverage("Hvornår skal jeg betale restskat, og kan jeg dele den op?", PASSAGES[0])
    assert coverage < 0.34  # "betale" and "dele" occur, but "restskat" is the subject


def test_an_everyday_word_the_corpus_lacks_weighs_little():
    assert TERMS.coverage("hvad gør Herning anderledes?", PASSAGES[1], ignore=["herning"]) >= 0.34


def test_a_compound_part_counts_as_present():
    assert TERMS.coverage("hvad gav satspuljen?", PASSAGES[0]) > 0.5
    assert TERMS.weights("hvad gav satspuljen?")["satspulj"] < TERMS.weights("restskat")["restskat"]


def test_a_question_without_subject_words_is_fully_covered():
    assert TERMS.coverage("hvad er det?", PASSAGES[2]) == 1.0


def test_strict_weighs_every_word_the_corpus_lacks_fully():
    question = "hvad koster det at betale en pizza?"
    assert TERMS.coverage(question, PASSAGES[0], strict=True) < TERMS.coverage(question, PASSAGES[0])


def test_a_misspelt_word_counts_as_the_corpus_word_it_misspells():
    notification = "En underretning beskriver det, man har set og hørt, og sendes til kommunen."
    terms = SubjectTerms.from_texts([*PASSAGES, notification])
    assert terms.coverage("hvordan skriver jeg en underetning?", notification) > 0.5  # one letter missing
    assert terms.coverage("hvordan skriver jeg en underetning?", PASSAGES[0]) < 0.34
    # Short terms, and words the corpus lacks that are not one edit from its words, stay what they are.
    assert terms.misspelt("tat") is None and terms.misspelt("restskat") is None
    assert terms.coverage("hvad koster restskat?", PASSAGES[0]) < 0.34


def test_the_verbs_get_and_happen_frame_a_question_without_being_its_subject():
    assert "fik" not in TERMS.weights("Hvad fik Herning ud af familien?")
    assert TERMS.weights("hvad har de faaet ud af det") == {} and TERMS.weights("hvad fik de?") == {}
    assert TERMS.weights("Hvad skete der?") == {} and TERMS.weights("hvad sker der nu") == {}


def test_a_view_is_asked_for_by_an_opinion_verb_in_any_tense_or_language():
    for text in ("Hvad mener Børns Vilkår om underretninger?", "Hvad sagde ministeren?", "What does KL think?",
                 "og hvad foreslog DS?"):
        assert asks_a_view(text), text
    for text in ("Hvad skal der stå i en underretning?", "Kan det betale sig at underrette?", "Hvordan skriver jeg den?"):
        assert not asks_a_view(text), text
